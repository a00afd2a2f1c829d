/**
 * What each database needs is the user's to install (optional peer dependencies): the
 * adapter and its driver. The command loads only what the database named needs, when it
 * needs it, and says what to install when something is missing. (Were the adapters plain
 * dependencies, npm would install every adapter's driver with the command, a native SQLite
 * build included, for someone who only has DynamoDB.)
 */

/** What `ifmatch backfill <database>` needs installed. */
export const PACKAGES = {
  sqlite: ['@ifmatch/sqlite', 'better-sqlite3'],
  postgres: ['@ifmatch/postgres', 'drizzle-orm', 'pg'],
  mongodb: ['@ifmatch/mongodb', 'mongodb'],
  dynamodb: ['@ifmatch/dynamodb', '@aws-sdk/client-dynamodb', '@aws-sdk/util-dynamodb'],
} as const;

/** A package that is not installed: the message names it and how to get it. */
export class MissingDriverError extends Error {
  override readonly name = 'MissingDriverError';
}

/** The package a "cannot find" error is about, when it is one of `names`. */
function missingOne(error: unknown, names: readonly string[]): string | undefined {
  const code = (error as { code?: unknown })?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return undefined;
  const message = error instanceof Error ? error.message : '';
  return names.find((name) => message.includes(`'${name}'`) || message.includes(`'${name}/`));
}

/**
 * Runs `load` (imports of `database`'s packages); a `MissingDriverError` when one of them is
 * not installed (any other failure, a broken install say, is left as it is).
 */
export async function loadPackages<M>(database: keyof typeof PACKAGES, load: () => Promise<M>): Promise<M> {
  const names = PACKAGES[database];
  try {
    return await load();
  } catch (error) {
    const missing = missingOne(error, names);
    if (missing === undefined) throw error;
    throw new MissingDriverError(
      `ifmatch backfill ${database} needs ${names.join(', ')}; ${missing} is not installed: ` +
        `npm install ${names.join(' ')} (or: npx ${names.map((name) => `-p ${name}`).join(' ')} -p @ifmatch/cli ` +
        `ifmatch backfill ${database} …)`,
      { cause: error },
    );
  }
}
