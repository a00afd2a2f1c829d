/**
 * A module-resolution hook that makes the workspace look freshly cloned: nothing resolves into
 * a package's `dist/` (which only `pnpm build` makes), failing exactly as Node does for a
 * missing file. Registered by `no-build-register.mjs` (node --import), so `pnpm start`'s module
 * graph is tested as a fresh checkout runs it, whether or not this machine has built the packages.
 */
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (/\/packages\/[^/]+\/dist\//.test(resolved.url)) {
    const error = new Error(
      `Cannot find module '${resolved.url}' imported from ${context.parentURL} (no build: run from source)`,
    );
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return resolved;
}
