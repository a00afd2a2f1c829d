import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type BackfillReport, parseCheckpoint } from '@ifmatch/core';
import { addSystemColumns, backfillSqlite } from '@ifmatch/sqlite';
import type { Database } from 'better-sqlite3';

// Bring the rows of an existing table up to date, while the application keeps writing.
// Interrupted (a deploy, Ctrl-C, a lost connection)? Run it again: it resumes from the file.
export async function backfillOrders(
  db: Database,
  stateFile: string,
  secret: string, // the store's ETag secret
  stop?: AbortSignal,
): Promise<BackfillReport> {
  addSystemColumns(db, 'orders'); // nullable columns: every row is served at once, before any backfill
  const saved = existsSync(stateFile) ? parseCheckpoint(JSON.parse(readFileSync(stateFile, 'utf8'))) : undefined;
  const report = await backfillSqlite({
    db,
    table: 'orders',
    strategy: 'hash', // as the store runs: also store each row's content hash,
    secret, // computed with the store's secret
    batchSize: 500,
    pauseMs: 10, // spare the database between batches
    ...(saved ? { checkpoint: saved } : {}),
    ...(stop ? { signal: stop } : {}), // stops after the batch under way
    onProgress: (progress) => writeFileSync(stateFile, JSON.stringify(progress.checkpoint)),
  });
  if (report.complete) rmSync(stateFile, { force: true });
  return report; // report.run: { scanned, updated, skipped (written meanwhile), errors }
}
