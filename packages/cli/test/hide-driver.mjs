/**
 * A module-resolution hook that makes one package look uninstalled (IFMATCH_HIDE_PACKAGE),
 * failing exactly as Node does for a missing package, so the command's "install …" message is
 * tested end to end. Registered by `hide-driver-register.mjs` (node --import).
 */
export async function resolve(specifier, context, next) {
  const hidden = process.env.IFMATCH_HIDE_PACKAGE;
  if (hidden !== undefined && (specifier === hidden || specifier.startsWith(`${hidden}/`))) {
    const error = new Error(`Cannot find package '${specifier}' imported from ${context.parentURL}`);
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return next(specifier, context);
}
