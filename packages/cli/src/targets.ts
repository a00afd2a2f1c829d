/**
 * Opening what the command backfills, one database each: the driver loaded on demand, the
 * connection made from the command's options, the adapter's backfill function called with
 * the store's names.
 */
import type { BackfillHashOptions, BackfillOptions, BackfillReport } from '@ifmatch/core';
import { type BackfillCommand, UsageError } from './args.js';
import { loadPackages } from './drivers.js';

export type RunOptions = BackfillOptions & BackfillHashOptions;

export interface Target {
  run(options: RunOptions): Promise<BackfillReport>;
  close(): Promise<void>;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The object without its undefined members. */
function defined<T extends Record<string, unknown>>(object: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as never;
}

async function sqlite(command: BackfillCommand): Promise<Target> {
  const [{ default: Database }, { backfillSqlite }] = await loadPackages('sqlite', () =>
    Promise.all([import('better-sqlite3'), import('@ifmatch/sqlite')]),
  );
  const db = new Database(String(command.file), { fileMustExist: true });
  const columns = defined({
    key: command.key,
    version: command.version,
    modifiedAt: command.modifiedAt,
    incarnation: command.incarnation,
    hash: command.hash,
  });
  return {
    run: (options) =>
      backfillSqlite({
        ...options,
        db,
        table: String(command.table),
        columns,
        ...(command.document === undefined ? {} : { documentColumn: command.document }),
      }),
    close: async () => void db.close(),
  };
}

async function postgres(command: BackfillCommand, env: Env): Promise<Target> {
  const url = command.url ?? env.DATABASE_URL;
  if (url === undefined) throw new UsageError('postgres needs --url (or DATABASE_URL)');
  if (command.strategy === 'hash' && command.document === undefined) {
    throw new UsageError(
      'postgres: --strategy hash needs --document <column>. In row mode the hash depends on how your Drizzle ' +
        'table decodes each column (timestamp and bigint modes, custom types), which a command line cannot know: ' +
        'call backfillPostgres with your own table from your code instead.',
    );
  }
  const [{ default: pg }, { drizzle }, core, { getTableColumns }, { backfillPostgres }] = await loadPackages(
    'postgres',
    () =>
      Promise.all([
        import('pg'),
        import('drizzle-orm/node-postgres'),
        import('drizzle-orm/pg-core'),
        import('drizzle-orm'),
        import('@ifmatch/postgres'),
      ]),
  );
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    const name = String(command.table);
    const { rows } = await pool.query<{ name: string; type: string; position: number }>(
      `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type,
          coalesce(array_position(i.indkey::int2[], a.attnum), 0)::int as position
        from pg_attribute a left join pg_index i on i.indrelid = a.attrelid and i.indisprimary
        where a.attrelid = to_regclass($1) and a.attnum > 0 and not a.attisdropped
        order by a.attnum`,
      [name],
    );
    if (rows.length === 0) throw new UsageError(`postgres: there is no table ${name}`);
    // Every column as the server types it, values passed through as the driver gives them:
    // the backfill only needs them for keys (as text) and, in document mode, the JSON document.
    const passthrough = (type: string) =>
      core.customType<{ data: unknown; driverData: unknown }>({ dataType: () => type });
    const builders = Object.fromEntries(
      rows.map(({ name: column, type }) => {
        if (column === command.document && type === 'jsonb') return [column, core.jsonb(column)];
        if (column === command.document && type === 'json') return [column, core.json(column)];
        return [column, passthrough(type)(column)];
      }),
    );
    const dot = name.indexOf('.');
    const schema = dot === -1 ? 'public' : name.slice(0, dot);
    const bare = name.slice(dot + 1);
    // Drizzle spells the default schema as a plain pgTable.
    const table = schema === 'public' ? core.pgTable(bare, builders) : core.pgSchema(schema).table(bare, builders);
    const columns = getTableColumns(table) as Record<string, import('drizzle-orm/pg-core').PgColumn>;
    const column = (wanted: string, what: string) => {
      const found = columns[wanted];
      if (found === undefined) {
        throw new UsageError(`postgres: table ${name} has no ${what} column ${wanted} (see addSystemColumnsSql)`);
      }
      return found;
    };
    const key = rows
      .filter((row) => row.position > 0)
      .sort((a, b) => a.position - b.position)
      .map((row) => column(row.name, 'key'));
    if (key.length === 0) throw new UsageError(`postgres: table ${name} has no primary key`);
    const hashName = command.hash ?? 'etag_hash';
    const system = {
      version: column(command.version ?? 'version', 'version'),
      modifiedAt: column(command.modifiedAt ?? 'modified_at', 'modification time'),
      incarnation: column(command.incarnation ?? 'incarnation', 'incarnation'),
      hash: columns[hashName] ?? (command.hash === undefined ? null : column(hashName, 'hash')),
    };
    const db = drizzle(pool);
    const documentColumn = command.document === undefined ? undefined : column(command.document, 'document');
    return {
      run: (options) =>
        backfillPostgres({
          ...options,
          db,
          table,
          key,
          columns: system,
          ...(documentColumn ? { documentColumn } : {}),
        }),
      close: () => pool.end(),
    };
  } catch (error) {
    await pool.end();
    throw error;
  }
}

async function mongodb(command: BackfillCommand, env: Env): Promise<Target> {
  const url = command.url ?? env.MONGODB_URL;
  if (url === undefined) throw new UsageError('mongodb needs --url (or MONGODB_URL)');
  if (command.strategy === 'hash') {
    throw new UsageError(
      'mongodb: the backfill stores no hashes (a filter cannot compare a whole document on every server); ' +
        'the store computes the hash of a document without one. Run it without --strategy hash.',
    );
  }
  const [{ MongoClient }, { backfillMongo }] = await loadPackages('mongodb', () =>
    Promise.all([import('mongodb'), import('@ifmatch/mongodb')]),
  );
  const client = new MongoClient(url);
  await client.connect();
  const fields = defined({
    version: command.version,
    modifiedAt: command.modifiedAt,
    incarnation: command.incarnation,
    hash: command.hash,
  });
  return {
    run: (options) =>
      backfillMongo({
        ...options,
        db: client,
        collection: String(command.collection),
        fields,
        ...(command.databaseName === undefined ? {} : { database: command.databaseName }),
      }),
    close: () => client.close(),
  };
}

async function dynamodb(command: BackfillCommand): Promise<Target> {
  const [sdk, { backfillDynamo }] = await loadPackages('dynamodb', () =>
    Promise.all([import('@aws-sdk/client-dynamodb'), import('@ifmatch/dynamodb')]),
  );
  // Credentials and, without --region, the region come from the SDK's usual chain (environment, profile, role).
  const client = new sdk.DynamoDBClient(defined({ region: command.region, endpoint: command.endpoint }));
  const table = {
    name: String(command.table),
    partitionKey: String(command.partitionKey),
    ...(command.sortKey === undefined ? {} : { sortKey: command.sortKey }),
  };
  const attributes = defined({
    version: command.version,
    modifiedAt: command.modifiedAt,
    incarnation: command.incarnation,
    hash: command.hash,
    value: command.valueAttribute,
  });
  return {
    run: (options) =>
      backfillDynamo({
        ...options,
        client,
        table,
        attributes,
        ...(command.segments === undefined ? {} : { segments: command.segments }),
      }),
    close: async () => client.destroy(),
  };
}

/** Connects to what `command` names. */
export function openTarget(command: BackfillCommand, env: Env): Promise<Target> {
  switch (command.database) {
    case 'sqlite':
      return sqlite(command);
    case 'postgres':
      return postgres(command, env);
    case 'mongodb':
      return mongodb(command, env);
    case 'dynamodb':
      return dynamodb(command);
  }
}
