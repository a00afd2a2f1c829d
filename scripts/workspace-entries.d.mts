/** `[specifier, absolute source file]` for every entry point of every package, most specific first. */
export function workspaceEntries(): [specifier: string, file: string][];
/** The tsconfig files whose `paths` `pnpm entries` writes: the root one, and each example's. */
export function pathConfigs(): string[];
