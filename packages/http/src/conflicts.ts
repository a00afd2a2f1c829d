/**
 * A ready `onConflict` hook: conflicts counted by method and reason, for a metrics exporter.
 */
import type { ConflictEvent } from './options.js';

/**
 * Counts conflicts by method and reason (and passes each event on to `log`, if given):
 * `createResource({ store, onConflict: conflicts.onConflict })`, then export
 * `conflicts.counts` to your metrics.
 */
export function conflictCounter<K>(log?: (event: ConflictEvent<K>) => void): {
  readonly counts: ReadonlyMap<string, number>;
  onConflict(event: ConflictEvent<K>): void;
} {
  const counts = new Map<string, number>();
  return {
    counts,
    onConflict(event) {
      const name = `${event.method} ${event.reason}`;
      counts.set(name, (counts.get(name) ?? 0) + 1);
      log?.(event);
    },
  };
}
