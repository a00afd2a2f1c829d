/**
 * `pnpm start` as a fresh checkout runs it: the package's own start script, from source, with
 * nothing resolvable in any package's `dist/` (no-build.mjs), then the README's curl
 * walk-through ("Try it: two commands") over real HTTP, command by command as the README
 * writes them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { rawRequest } from '@ifmatch/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const example = fileURLToPath(new URL('..', import.meta.url));
const repository = join(example, '..', '..');
const startScript: string = JSON.parse(readFileSync(join(example, 'package.json'), 'utf8')).scripts.start;

/** The curl commands of the README's walk-through, in order. */
function walkThrough(): string[] {
  const readme = readFileSync(join(repository, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Try it: two commands'));
  const block = /Watch it refuse a lost update:\n\n```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error('the README has no curl walk-through under "Try it: two commands"');
  // Join continued lines, keep the commands.
  return block
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .filter((line) => line.startsWith('curl '));
}

/** The words of a shell command line as the README writes them: bare words and '…' quotes. */
function words(line: string): string[] {
  const found: string[] = [];
  for (const match of line.matchAll(/'([^']*)'|(\S+)/g)) found.push(match[1] ?? match[2] ?? '');
  return found;
}

/** A README curl command as a fetch: `-X`, `-H`, `-d`, the URL (`localhost:3000` → `base`). */
function toFetch(line: string, base: string, values: Record<string, string>): [string, RequestInit] {
  const filled = line.replace(/<(\w+)>/g, (placeholder, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${placeholder} is used before the walk-through gave it a value`);
    return value;
  });
  const args = words(filled).slice(1);
  const headers = new Headers();
  let method = 'GET';
  let body: string | undefined;
  let url: string | undefined;
  for (let at = 0; at < args.length; at++) {
    const arg = args[at] ?? '';
    if (arg === '-X') method = args[++at] ?? '';
    else if (arg === '-H') {
      const field = args[++at] ?? '';
      headers.append(field.slice(0, field.indexOf(':')), field.slice(field.indexOf(':') + 1).trim());
    } else if (arg === '-d') {
      body = args[++at];
      if (method === 'GET') method = 'POST'; // as curl does
    } else if (arg === '-si') continue;
    else if (arg.startsWith('localhost:3000')) url = `${base}${arg.slice('localhost:3000'.length)}`;
    else throw new Error(`the walk-through uses a curl option this test does not know: ${arg}`);
  }
  if (url === undefined) throw new Error(`no URL in ${line}`);
  return [url, { method, headers, ...(body === undefined ? {} : { body }) }];
}

describe('pnpm start from a fresh checkout (no build), and the README walk-through', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ifmatch-start-'));
  let child: ChildProcess;
  let base: string;
  let output = '';

  beforeAll(async () => {
    expect(startScript).toBe('tsx src/server.ts');
    const register = pathToFileURL(join(example, 'test', 'no-build-register.mjs')).href;
    const [command = '', ...args] = startScript.split(' ');
    child = spawn(command, args, {
      cwd: example,
      // Its own process group, so that the end of the test stops tsx and the server it runs.
      detached: true,
      env: {
        ...process.env,
        // What `pnpm run` puts first on PATH: the package's own binaries.
        PATH: `${join(example, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}`,
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${register}`.trim(),
        PORT: '0',
        HOST: '127.0.0.1',
        ORDERS_BACKEND: 'sqlite',
        DATABASE_FILE: join(dir, 'orders.db'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "orders API on" line within 20 s:\n${output}`)), 20_000);
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        const url = /orders API on (http:\/\/\S+)/.exec(output)?.[1];
        if (url !== undefined) {
          clearTimeout(timer);
          resolve(url);
        }
      };
      child.stdout?.on('data', read);
      child.stderr?.on('data', read);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`pnpm start's command exited (${code}) before serving:\n${output}`));
      });
    });
  }, 30_000);

  afterAll(async () => {
    if (child?.pid !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves from source, and the walk-through answers 201, 200, 412, 200, 428, 304', async () => {
    const commands = walkThrough();
    const expected = [201, 200, 412, 200, 428, 304];
    expect(commands).toHaveLength(expected.length);
    const values: Record<string, string> = {};
    // Which step's ETag each placeholder names, as the README's comments say.
    const tagged: Record<number, string> = { 0: 'tag1', 1: 'tag2', 3: 'tag3' };
    for (const [step, command] of commands.entries()) {
      const response = await fetch(...toFetch(command, base, values));
      const text = await response.text();
      expect(response.status, `${command}\n${text}`).toBe(expected[step]);
      const etag = response.headers.get('etag');
      if (step === 0) values.id = (response.headers.get('location') ?? '').replace('/orders/', '');
      const name = tagged[step];
      if (name !== undefined && etag !== null) values[name] = etag;
      if (step === 2) {
        // Bob's 412 names Alice's tag, in the header and the body.
        expect(etag).toBe(values.tag2);
        expect(JSON.parse(text)).toMatchObject({ status: 412, currentEtag: values.tag2 });
      }
    }
    expect(Object.keys(values).sort()).toEqual(['id', 'tag1', 'tag2', 'tag3']);
    // server.ts answers CONNECT too, rather than closing the connection without a word.
    const connect = await rawRequest(base, 'CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n');
    expect(connect?.status).toBe(405);
  }, 20_000);
});
