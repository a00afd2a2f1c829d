/**
 * The MongoDB server the tests use: MONGODB_URL when set (run the suite against real
 * MongoDB that way), otherwise the MongoDB-wire-compatible stand-in that the npm package
 * @jongodb/memory-server-bin-linux-x64-gnu ships, started on a free loopback port and
 * stopped afterwards. No real mongod can be installed on the CI machines.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { freeLoopbackPort } from '@ifmatch/contract';

export interface MongoServer {
  readonly url: string;
  /** True for the stand-in: tests of behaviour it lacks run only against real MongoDB. */
  readonly standIn: boolean;
  stop(): Promise<void>;
}

function standInBinary(): string | undefined {
  try {
    const manifest = createRequire(import.meta.url).resolve('@jongodb/memory-server-bin-linux-x64-gnu/package.json');
    return join(dirname(manifest), 'bin', 'jongodb');
  } catch {
    return undefined;
  }
}

/** True when a server can be had; otherwise says what to install (a failure under CI=true). */
export function mongoAvailable(): boolean {
  if (process.env.MONGODB_URL || standInBinary()) return true;
  const message =
    'no MongoDB server: set MONGODB_URL, or install the stand-in @jongodb/memory-server-bin-linux-x64-gnu (Linux x64, glibc)';
  if (process.env.CI === 'true') throw new Error(`${message}. Under CI=true this is a failure, not a skip.`);
  console.warn(`skipping the MongoDB tests: ${message}`);
  return false;
}

export async function startMongo(): Promise<MongoServer> {
  if (process.env.MONGODB_URL) return { url: process.env.MONGODB_URL, standIn: false, stop: async () => {} };
  const binary = standInBinary();
  if (binary === undefined) throw new Error('the MongoDB stand-in is not installed');
  const port = await freeLoopbackPort();
  const child: ChildProcess = spawn(binary, [`--port=${port}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  // Ready when it prints its URI: a readiness signal, not a sleep.
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error('the MongoDB stand-in did not start in 30 s')), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /JONGODB_URI=(\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the MongoDB stand-in exited with ${code}`));
    });
  });
  return {
    url,
    standIn: true,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
