/**
 * Progress on the terminal: a bar redrawn in place (carriage return, at most ten times a
 * second) when stdout is a terminal; plain lines, at most one every two seconds, otherwise
 * (a log file or a CI job keeps a readable history instead of thousands of redraws).
 */
import type { BackfillProgress } from '@ifmatch/core';

export interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

const BAR = 24;
const TTY_INTERVAL_MS = 100;
const LINE_INTERVAL_MS = 2000;

function rate(count: number, ms: number): string {
  const perSecond = ms <= 0 ? 0 : (count * 1000) / ms;
  return perSecond >= 1000 ? `${(perSecond / 1000).toFixed(1)}k/s` : `${Math.round(perSecond)}/s`;
}

/** The bar's text for one moment of the run. */
export function progressLine(progress: BackfillProgress, elapsedMs: number): string {
  const { run, total } = progress;
  const updated = progress.dryRun ? 'would update' : 'updated';
  const counts = `${run.updated} ${updated} · ${run.skipped} skipped · ${run.errors} errors · ${rate(run.scanned, elapsedMs)}`;
  if (total === undefined || total === 0) return `${progress.target} ${run.scanned} read · ${counts}`;
  const done = Math.min(1, run.scanned / total);
  const filled = Math.round(done * BAR);
  const bar = `[${'█'.repeat(filled)}${'░'.repeat(BAR - filled)}]`;
  return `${progress.target} ${bar} ${Math.floor(done * 100)}% ${run.scanned}/~${total} · ${counts}`;
}

export function progressRenderer(out: Output, now: () => number = () => performance.now()) {
  const started = now();
  let last = Number.NEGATIVE_INFINITY;
  let pending: BackfillProgress | undefined;
  let drawn = false;
  const tty = out.isTTY === true;

  const draw = (progress: BackfillProgress) => {
    const line = progressLine(progress, now() - started);
    if (tty) {
      // A terminal without a size (a pseudo-terminal nobody sized) reports 0 columns.
      const width = Math.max(20, (out.columns || 80) - 1);
      out.write(`\r\x1b[2K${line.length > width ? `${line.slice(0, width - 1)}…` : line}`);
      drawn = true;
    } else out.write(`${line}\n`);
    last = now();
    pending = undefined;
  };

  return {
    update(progress: BackfillProgress): void {
      pending = progress;
      if (now() - last >= (tty ? TTY_INTERVAL_MS : LINE_INTERVAL_MS)) draw(progress);
    },
    /** Draws the last state (the bar ends on its own line). */
    finish(): void {
      if (pending !== undefined && tty) draw(pending);
      if (drawn) out.write('\n');
      drawn = false;
    },
  };
}
