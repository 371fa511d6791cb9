/**
 * What the invariant checks of funding.invariants.ts share: a check reads the recorded events
 * alone and answers the first violation it finds, described, or null.
 */
import type { LoggedEvent as RecordedEvent } from './test-ledger.js';

export type { RecordedEvent };

export type Check = (log: readonly RecordedEvent[]) => string | null;

/** The events of each stream, in log order. */
export const byStream = (log: readonly RecordedEvent[]) => {
  const streams = new Map<string, RecordedEvent['event'][]>();
  for (const { stream, event } of log) streams.set(stream, [...(streams.get(stream) ?? []), event]);
  return streams;
};

export const add = (map: Map<string, number>, key: string, amount: number) =>
  map.set(key, (map.get(key) ?? 0) + amount);
