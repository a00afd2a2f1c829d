/**
 * The state file: a checkpoint as JSON, written atomically (a temporary file renamed over it),
 * so a crash in the middle of a write leaves the previous checkpoint, never half of one.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { type BackfillCheckpoint, parseCheckpoint } from '@ifmatch/core';

/** The checkpoint saved in `file`, or undefined when there is none; a `TypeError` when it is not one. */
export function readState(file: string): BackfillCheckpoint | undefined {
  if (!existsSync(file)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new TypeError(`${file} is not a backfill checkpoint: ${(error as Error).message}`);
  }
  try {
    return parseCheckpoint(json);
  } catch (error) {
    throw new TypeError(`${file}: ${(error as Error).message}`);
  }
}

export function writeState(file: string, checkpoint: BackfillCheckpoint): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(checkpoint, null, 2)}\n`);
  renameSync(temporary, file);
}

export function removeState(file: string): void {
  rmSync(file, { force: true });
}
