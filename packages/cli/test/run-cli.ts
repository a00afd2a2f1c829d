/**
 * Runs the `ifmatch` command from its sources (tsx, through the root tsconfig's paths: no
 * build needed), either plainly (stdout a pipe) or in a real pseudo-terminal made by
 * util-linux `script`, where Ctrl-C is the byte 0x03 typed into the terminal: the terminal
 * itself turns it into SIGINT for the command, as it does for a person at the keyboard.
 */
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSCONFIG = fileURLToPath(new URL('../../../tsconfig.json', import.meta.url));
const HIDE = fileURLToPath(new URL('./hide-driver-register.mjs', import.meta.url));

export interface CliRun {
  readonly code: number | null;
  /** stdout and stderr as received (in a terminal they are one stream). */
  readonly output: string;
}

export interface RunOptions {
  /** In a pseudo-terminal (default: pipes). */
  readonly tty?: boolean;
  /** Types Ctrl-C once this is true of the output so far. */
  readonly interruptWhen?: (output: string) => boolean;
  readonly env?: Record<string, string>;
  /** Makes this package look uninstalled (a resolution hook), to see what the command says. */
  readonly hide?: string;
  /** Kills the command after this long (default 30 s): a test never hangs. */
  readonly timeoutMs?: number;
}

/** True when util-linux `script` can make a pseudo-terminal; otherwise says what to install (a failure under CI=true). */
export function scriptAvailable(): boolean {
  try {
    execFileSync('script', ['-qfec', 'true', '/dev/null'], { stdio: 'ignore' });
    return true;
  } catch {
    const message = 'util-linux `script` is not installed: the terminal tests need it (apt-get install bsdutils).';
    if (process.env.CI === 'true') throw new Error(`${message} Under CI=true this is a failure, not a skip.`);
    console.warn(`skipping the terminal tests: ${message}`);
    return false;
  }
}

const quote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;

export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  const hiding = options.hide === undefined ? [] : ['--import', HIDE];
  const command = ['node', '--import', 'tsx', ...hiding, BIN, ...args];
  const env: Record<string, string | undefined> = {
    ...process.env,
    TSX_TSCONFIG_PATH: TSCONFIG,
    ...(options.hide === undefined ? {} : { IFMATCH_HIDE_PACKAGE: options.hide }),
    ...options.env,
  };
  delete env.FORCE_COLOR;
  const child = options.tty
    ? spawn('script', ['-qfec', command.map(quote).join(' '), '/dev/null'], { cwd: ROOT, env })
    : spawn(command[0] as string, command.slice(1), { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    let interrupted = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    const take = (chunk: Buffer) => {
      output += chunk.toString();
      if (!interrupted && options.interruptWhen?.(output)) {
        interrupted = true;
        if (options.tty) child.stdin?.write('\x03');
        else child.kill('SIGINT');
      }
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
