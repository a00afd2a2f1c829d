/**
 * `ifmatch backfill …`: the adapters' backfill functions behind a command line, with a
 * progress display, a state file that makes any run resumable, and Ctrl-C that stops after
 * the batch under way (never in the middle of one) and says how to resume.
 */
import { type BackfillCheckpoint, type BackfillCounts, type BackfillReport, isIfMatchError } from '@ifmatch/core';
import { type BackfillCommand, parseCommand, USAGE, UsageError } from './args.js';
import { MissingDriverError } from './drivers.js';
import { progressRenderer } from './progress.js';
import { readState, removeState, writeState } from './state.js';
import { openTarget, type Target } from './targets.js';

/** Where the command reads and writes: the process's, or a test's. */
export interface CliIo {
  /** Where results and progress go; a terminal (`isTTY`, `columns`) gets a progress bar drawn in place. */
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean; readonly columns?: number };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Calls `handler` on an interrupt (Ctrl-C); returns what stops listening. */
  onInterrupt(handler: () => void): () => void;
}

/** Exit codes: done, failed, a usage error, interrupted (as a shell reports SIGINT). */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** An argument as a shell reads it back. */
function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** The command again, with the state file, and no password from a URL. */
function resumeCommand(argv: readonly string[], state: string): string {
  const args = argv.map((arg) => arg.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, '$1***@'));
  const withState = argv.includes('--state') ? args : [...args, '--state', state];
  return `ifmatch ${withState.map(shellQuote).join(' ')}`;
}

function describe(counts: BackfillCounts, dryRun: boolean): string {
  const changed = dryRun ? 'would be brought up to date' : 'brought up to date';
  return `${counts.scanned} read, ${counts.updated} ${changed}, ${counts.skipped} left alone (written meanwhile), ${counts.errors} errors`;
}

function summary(report: BackfillReport, resumed: boolean): string {
  const head = report.dryRun
    ? `dry run of ${report.target}${report.complete ? '' : ' (stopped)'}`
    : `backfill of ${report.target} ${report.complete ? 'complete' : 'stopped'}`;
  const since = resumed ? `; since the first run: ${describe(report.totals, report.dryRun)}` : '';
  return `${head}: ${describe(report.run, report.dryRun)}${since}.${report.dryRun ? ' Nothing was written.' : ''}\n`;
}

/** Runs the command line `argv` (without `node` and the script); resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let command: BackfillCommand;
  try {
    const parsed = parseCommand(argv);
    if (parsed === 'help') {
      io.stdout.write(`${USAGE}\n`);
      return EXIT.ok;
    }
    command = parsed;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`ifmatch: ${error.message}\n\n${USAGE}\n`);
    return EXIT.usage;
  }

  let checkpoint: BackfillCheckpoint | undefined;
  let secret: string | undefined;
  try {
    checkpoint = command.state === undefined ? undefined : readState(command.state);
    if (command.secretEnv !== undefined) {
      secret = io.env[command.secretEnv];
      if (secret === undefined) throw new UsageError(`--secret-env: ${command.secretEnv} is not set`);
    }
  } catch (error) {
    io.stderr.write(`ifmatch: ${(error as Error).message}\n`);
    return EXIT.usage;
  }

  let target: Target;
  try {
    target = await openTarget(command, io.env);
  } catch (error) {
    io.stderr.write(`ifmatch: ${(error as Error).message}\n`);
    return error instanceof UsageError || error instanceof TypeError ? EXIT.usage : EXIT.failed;
  }

  const stop = new AbortController();
  const stopListening = io.onInterrupt(() => {
    if (stop.signal.aborted) return;
    stop.abort();
    io.stderr.write('\nifmatch: stopping after the batch under way (Ctrl-C again to quit at once)…\n');
  });
  const progress = progressRenderer(io.stdout);
  let last: BackfillCheckpoint | undefined = checkpoint;
  /** Saves where the run stands (not for a dry run, which writes nothing) and says how to go on. */
  const saveForResume = (at: BackfillCheckpoint | undefined) => {
    if (command.dryRun || at === undefined) return;
    const file = command.state ?? `ifmatch-backfill-${at.target.replace(/[^\w.-]+/g, '-')}.json`;
    writeState(file, at);
    io.stderr.write(`ifmatch: the checkpoint is in ${file}. Resume with:\n  ${resumeCommand(argv, file)}\n`);
  };

  try {
    const report = await target.run({
      ...(checkpoint === undefined ? {} : { checkpoint }),
      ...(command.strategy === undefined ? {} : { strategy: command.strategy }),
      ...(secret === undefined ? {} : { secret }),
      ...(command.batchSize === undefined ? {} : { batchSize: command.batchSize }),
      ...(command.pauseMs === undefined ? {} : { pauseMs: command.pauseMs }),
      dryRun: command.dryRun,
      signal: stop.signal,
      onProgress: (at) => {
        last = at.checkpoint;
        // Saved after every batch: even a crash (or a second Ctrl-C) leaves a checkpoint.
        if (command.state !== undefined && !command.dryRun) writeState(command.state, at.checkpoint);
        progress.update(at);
      },
    });
    progress.finish();
    io.stdout.write(summary(report, checkpoint !== undefined));
    for (const failure of report.failures.slice(0, 10)) {
      io.stderr.write(`ifmatch: left alone ${JSON.stringify(failure.key)}: ${failure.message}\n`);
    }
    if (report.complete) {
      if (command.state !== undefined && !command.dryRun) removeState(command.state);
      return EXIT.ok;
    }
    saveForResume(report.checkpoint);
    return EXIT.interrupted;
  } catch (error) {
    progress.finish();
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`ifmatch: ${message}\n`);
    if (error instanceof MissingDriverError) return EXIT.failed;
    if (error instanceof TypeError) return EXIT.usage;
    saveForResume(isIfMatchError(error) && 'checkpoint' in error ? (error.checkpoint as BackfillCheckpoint) : last);
    return EXIT.failed;
  } finally {
    stopListening();
    await target.close().catch(() => {});
  }
}
