/** `[specifier, absolute source file]` for every entry point of every package, most specific first. */
export function workspaceEntries(): [specifier: string, file: string][];
