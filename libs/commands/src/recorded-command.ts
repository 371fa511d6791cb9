/**
 * A command already recorded, answered from its events. Every event carries the command's id (its
 * event ids derive from it), so a command sent again after it was written (a timeout, a crash, a lost
 * answer) finds its events and answers what was recorded; and an append whose outcome is unknown is
 * looked for by its event ids before anything else happens.
 */
import {
  InvalidAppendError,
  comparePositions,
  type AppendRequest,
  type AppendResult,
  type EventStore,
  type LogPosition,
  type RecordedEvent,
} from '@app/event-store';
import type { CommandOutcome } from './command-pipeline.js';

/** How many events of the log are read at a time when a command found again looks for what it wrote to streams it did not read. */
const UNREAD_PAGE = 16;

/**
 * A command's events found in the streams it reads, with those it wrote to streams it did not read
 * (a release to a call, decided on the grant alone). One append is contiguous in the log and puts
 * the streams it read first (appendRequests), so the rest follow the last event found: read on,
 * only on this path (a command sent again after it was written).
 */
export async function withWrittenUnread(
  store: EventStore,
  own: ReadonlyMap<string, readonly RecordedEvent[]>,
  commandId: string,
): Promise<ReadonlyMap<string, readonly RecordedEvent[]>> {
  const all = new Map([...own].map(([stream, events]) => [stream, [...events]]));
  let after = latest([...own.values()].flatMap((events) => events.map((event) => event.position)));
  for (;;) {
    const next = await store.readAll({ after, limit: UNREAD_PAGE });
    const ours = next.findIndex((event) => event.metadata.commandId !== commandId);
    for (const event of ours < 0 ? next : next.slice(0, ours))
      all.set(event.stream, [...(all.get(event.stream) ?? []), event]);
    if (ours >= 0 || next.length < UNREAD_PAGE) return all;
    after = next[next.length - 1]!.position;
  }
}

/**
 * After an append failed with anything but a conflict or a refused input, whether it was written
 * all the same: each stream is read from the revision the append expected it at, for the events'
 * ids (the store wrote all of them or none). Found: the command's outcome. Not found, or the store
 * cannot be read: null, and the append's own error goes to the caller, who retries with the same command id.
 */
export async function recordedDespite(
  store: EventStore,
  error: unknown,
  about: string,
  requests: readonly AppendRequest[],
): Promise<CommandOutcome | null> {
  if (error instanceof InvalidAppendError) return null;
  try {
    const found = new Map<string, RecordedEvent[]>();
    for (const request of requests) {
      const ids = new Set(request.events.map((event) => event.eventId));
      const from = typeof request.expected === 'number' ? request.expected + 1 : 0;
      const stored = (await store.readStream(request.stream, { fromRevision: from })).filter((event) =>
        ids.has(event.eventId),
      );
      if (stored.length > 0) found.set(request.stream, stored);
    }
    return found.size === 0 ? null : recordedOutcome(about, found);
  } catch {
    return null;
  }
}

/** What a command answers: the stream it is about at its revision after the write (else the first stream written), and the last position written. */
export function outcomeOf(about: string, results: readonly AppendResult[]): CommandOutcome {
  const own = results.find((r) => r.stream === about) ?? results[0]!;
  return { stream: own.stream, revision: own.revision, position: latest(results.map((r) => r.position)) };
}

/**
 * The answer a command got when its events were written, from the events themselves: the same
 * stream, revision and position whichever attempt or process finds them.
 */
export function recordedOutcome(about: string, own: ReadonlyMap<string, readonly RecordedEvent[]>): CommandOutcome {
  return outcomeOf(
    about,
    [...own].map(([stream, events]) => {
      const last = events[events.length - 1]!;
      return { stream, revision: last.revision, position: last.position };
    }),
  );
}

function latest(positions: readonly LogPosition[]): LogPosition {
  return positions.reduce((last, p) => (comparePositions(p, last) > 0 ? p : last));
}
