/**
 * The command line: `ifmatch backfill <database> [options]`, parsed with node:util's
 * `parseArgs` (strict: an unknown option is a usage error, never ignored).
 */
import { parseArgs } from 'node:util';

export const DATABASES = ['sqlite', 'postgres', 'mongodb', 'dynamodb'] as const;
export type DatabaseKind = (typeof DATABASES)[number];

export const USAGE = `Usage: ifmatch backfill <sqlite|postgres|mongodb|dynamodb> [options]

Brings records written before ifmatch up to date (version, modification time, and under
--strategy hash the content hash), in batches, while your application keeps writing: each
record is written only if nobody wrote it since it was read.

Where:
  sqlite     --file <path> --table <name>
  postgres   --url <postgres://…> (default: $DATABASE_URL) --table <[schema.]name>
  mongodb    --url <mongodb://…> (default: $MONGODB_URL) [--database <name>] --collection <name>
  dynamodb   --table <name> --partition-key <attr> [--sort-key <attr>] [--region <r>]
             [--endpoint <url>] [--segments <n>]

Names, as your store has them (defaults: the store's):
  --key <column>             sqlite: the key column (postgres uses the primary key)
  --version <name>           mongodb: --version __v adopts Mongoose's version key
  --modified-at <name>  --incarnation <name>  --hash <name>
  --document <column>        sqlite, postgres: the value is one JSON document in this column
  --value-attribute <name>   dynamodb: the value is one map attribute

Run:
  --strategy <version|timestamp|hash>  under hash, also store each record's content hash
  --secret-env <NAME>        the environment variable holding the store's secret
  --batch-size <n>           records per batch, 1 to 1000 (default 250)
  --pause <ms>               a pause between batches, to spare a busy database
  --state <file>             the checkpoint: resumed from if it exists, saved after every batch,
                             removed when the backfill completes
  --dry-run                  report what would change; write nothing (not even --state)
  --help

Ctrl-C stops after the batch under way, saves the checkpoint and prints how to resume.`;

export interface BackfillCommand {
  readonly database: DatabaseKind;
  readonly file?: string;
  readonly url?: string;
  readonly table?: string;
  readonly databaseName?: string;
  readonly collection?: string;
  readonly partitionKey?: string;
  readonly sortKey?: string;
  readonly region?: string;
  readonly endpoint?: string;
  readonly segments?: number;
  readonly key?: string;
  readonly version?: string;
  readonly modifiedAt?: string;
  readonly incarnation?: string;
  readonly hash?: string;
  readonly document?: string;
  readonly valueAttribute?: string;
  readonly strategy?: 'version' | 'timestamp' | 'hash';
  readonly secretEnv?: string;
  readonly batchSize?: number;
  readonly pauseMs?: number;
  readonly state?: string;
  readonly dryRun: boolean;
}

/** A mistake on the command line: the message, then the usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const OPTIONS = {
  file: { type: 'string' },
  url: { type: 'string' },
  table: { type: 'string' },
  database: { type: 'string' },
  collection: { type: 'string' },
  'partition-key': { type: 'string' },
  'sort-key': { type: 'string' },
  region: { type: 'string' },
  endpoint: { type: 'string' },
  segments: { type: 'string' },
  key: { type: 'string' },
  version: { type: 'string' },
  'modified-at': { type: 'string' },
  incarnation: { type: 'string' },
  hash: { type: 'string' },
  document: { type: 'string' },
  'value-attribute': { type: 'string' },
  strategy: { type: 'string' },
  'secret-env': { type: 'string' },
  'batch-size': { type: 'string' },
  pause: { type: 'string' },
  state: { type: 'string' },
  'dry-run': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function whole(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

/** The parsed command, `'help'`, or a `UsageError`. */
export function parseCommand(argv: readonly string[]): BackfillCommand | 'help' {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help === true || positionals.length === 0) return 'help';
  const [command, database, ...extra] = positionals;
  if (command !== 'backfill') throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  if (!DATABASES.includes(database as DatabaseKind)) {
    throw new UsageError(`backfill what? one of ${DATABASES.join(', ')}`);
  }
  if (extra.length > 0) throw new UsageError(`unexpected ${JSON.stringify(extra[0])}`);
  const strategy = values.strategy;
  if (strategy !== undefined && strategy !== 'version' && strategy !== 'timestamp' && strategy !== 'hash') {
    throw new UsageError('--strategy is version, timestamp or hash');
  }
  const command_: BackfillCommand = {
    database: database as DatabaseKind,
    dryRun: values['dry-run'] === true,
    ...defined({
      file: values.file,
      url: values.url,
      table: values.table,
      databaseName: values.database,
      collection: values.collection,
      partitionKey: values['partition-key'],
      sortKey: values['sort-key'],
      region: values.region,
      endpoint: values.endpoint,
      segments: whole('segments', values.segments, 1, 1_000_000),
      key: values.key,
      version: values.version,
      modifiedAt: values['modified-at'],
      incarnation: values.incarnation,
      hash: values.hash,
      document: values.document,
      valueAttribute: values['value-attribute'],
      strategy: strategy as BackfillCommand['strategy'],
      secretEnv: values['secret-env'],
      batchSize: whole('batch-size', values['batch-size'], 1, 1000),
      pauseMs: whole('pause', values.pause, 0, 3_600_000),
      state: values.state,
    }),
  };
  const required: Record<DatabaseKind, (keyof BackfillCommand)[]> = {
    sqlite: ['file', 'table'],
    postgres: ['table'],
    mongodb: ['collection'],
    dynamodb: ['table', 'partitionKey'],
  };
  for (const name of required[command_.database]) {
    if (command_[name] === undefined) {
      throw new UsageError(`${command_.database} needs --${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    }
  }
  return command_;
}

/** The object without its undefined members (the options are exact: absent, not undefined). */
function defined<T extends Record<string, unknown>>(object: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as never;
}
