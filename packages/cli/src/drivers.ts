/**
 * Database drivers are the user's (peer dependencies): the command loads only the one it
 * needs, when it needs it, and says what to install when it is missing.
 */

/** A driver that is not installed: the message names the package and how to get it. */
export class MissingDriverError extends Error {
  override readonly name = 'MissingDriverError';
}

function isNotFound(error: unknown, specifier: string): boolean {
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : '';
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(specifier);
}

/**
 * Imports `specifier` for `database`; a `MissingDriverError` when it is not installed (any
 * other failure, a broken install say, is left as it is).
 */
export async function loadDriver<M>(specifier: string, database: string, load: () => Promise<M>): Promise<M> {
  try {
    return await load();
  } catch (error) {
    if (!isNotFound(error, specifier)) throw error;
    throw new MissingDriverError(
      `ifmatch backfill ${database} needs ${specifier}, which is not installed: npm install ${specifier} ` +
        `(or: npx -p @ifmatch/cli -p ${specifier} ifmatch backfill ${database} …)`,
      { cause: error },
    );
  }
}
