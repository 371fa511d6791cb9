/**
 * What the KurrentDB adapter reads around an append to keep the port's promises where the server's
 * answer alone does not (see KurrentDbEventStore): the events read back after an append, and the
 * streams read after a refusal, to tell which of the port's errors it is.
 */
import {
  BACKWARDS,
  END,
  FORWARDS,
  START,
  StreamDeletedError as ClientStreamDeletedError,
  StreamNotFoundError,
  UnknownError,
  type KurrentDBClient,
} from '@kurrent/kurrentdb-client';
import type { PreparedAppend } from '../append-validation.js';
import {
  AppendOutcomeUnknownError,
  ConcurrencyError,
  EventStoreUnavailableError,
  StreamTombstonedError,
} from '../event-store.errors.js';
import type { AppendResult, LogPosition } from '../event-store.port.js';
import { withinDeadline } from './kurrentdb-deadline.js';
import {
  deletedStreamOf,
  explainRefusedMultiAppend,
  toAppendError,
  toPortError,
  type StreamAtRefusal,
} from './kurrentdb-errors.js';
import { toLogPosition, verifyAppended, type ClientRecordedEvent } from './kurrentdb-mapping.js';

/** The client's stream reads, and the deadline each one is held to. */
export interface StreamReads {
  readonly client: Pick<KurrentDBClient, 'readStream'>;
  readonly deadlineMs: number;
}

/**
 * Reads back the events an append reported at revisions (revision - count, revision], checks they
 * are the ones asked for (DuplicateEventIdError if the server took a different event with a used
 * id for an idempotent retry) and reports the last one's exact position. Costs one read per stream.
 * The append is written by then: a read that fails leaves the caller not knowing what it wrote
 * (AppendOutcomeUnknownError), not merely facing an unavailable store.
 */
export async function confirmAppend(
  reads: StreamReads,
  append: PreparedAppend,
  revision: bigint,
  fallback: LogPosition | null,
): Promise<AppendResult> {
  const count = append.events.length;
  const readBack: ClientRecordedEvent[] = [];
  try {
    const read = reads.client.readStream(append.stream, {
      direction: BACKWARDS,
      fromRevision: revision,
      maxCount: count,
      requiresLeader: true,
    });
    for await (const resolved of withinDeadline(
      read,
      reads.deadlineMs,
      `Reading back the append to ${append.stream}`,
    )) {
      if (resolved.event) readBack.push(resolved.event);
    }
  } catch (error) {
    if (error instanceof ClientStreamDeletedError) throw new StreamTombstonedError(append.stream, { cause: error });
    if (!(error instanceof StreamNotFoundError)) {
      const mapped = toPortError(error);
      if (!(mapped instanceof EventStoreUnavailableError)) throw mapped;
      throw new AppendOutcomeUnknownError(
        `KurrentDB accepted the append to ${append.stream}, but reading it back failed: ${mapped.message}`,
        { cause: error },
      );
    }
  }
  readBack.reverse();
  verifyAppended(append.stream, append.events, readBack);
  const last = readBack[readBack.length - 1]!;
  const position = last.position ? toLogPosition(last.position) : fallback;
  if (position === null) {
    throw new Error(`KurrentDB gave no global position for the append to ${append.stream} (server before 22.6?)`);
  }
  return { stream: append.stream, revision: Number(revision), position };
}

/**
 * An append's failure as the port's error (toAppendError), with what only reading can tell:
 * - a refusal because a stream is deleted: tombstoned (StreamTombstonedError), or soft-deleted
 *   while the append expected it to exist (ConcurrencyError, as for any absent stream);
 * - a multi-stream append the server failed with UnknownError: explained from what the streams
 *   hold (explainRefusedMultiAppend), else its outcome is unknown.
 */
export async function explainAppendFailure(
  reads: StreamReads,
  error: unknown,
  appends: readonly PreparedAppend[],
): Promise<unknown> {
  const mapped = toAppendError(error, appends);
  const deleted = deletedStreamOf(mapped);
  if (deleted !== null)
    return explainDeleted(reads, appends.find((append) => append.stream === deleted) ?? appends[0]!, mapped);
  if (appends.length > 1 && mapped instanceof AppendOutcomeUnknownError && mapped.cause instanceof UnknownError)
    return explainRefusal(reads, appends, mapped);
  return mapped;
}

/** Reads the stream KurrentDB said was deleted: a tombstone cannot be read either; a soft-deleted stream reads as absent. */
async function explainDeleted(reads: StreamReads, append: PreparedAppend, refusal: unknown): Promise<unknown> {
  try {
    const read = reads.client.readStream(append.stream, {
      direction: BACKWARDS,
      fromRevision: END,
      maxCount: 1,
      requiresLeader: true,
    });
    let revision: number | null = null;
    for await (const resolved of withinDeadline(read, reads.deadlineMs, `Reading ${append.stream}`)) {
      if (resolved.event) revision = Number(resolved.event.revision);
    }
    return new ConcurrencyError(append.stream, append.expected, revision);
  } catch (error) {
    if (error instanceof ClientStreamDeletedError) return new StreamTombstonedError(append.stream, { cause: refusal });
    if (error instanceof StreamNotFoundError) return new ConcurrencyError(append.stream, append.expected, null);
    return new EventStoreUnavailableError(
      `KurrentDB refused the append to ${append.stream} as deleted, and reading it to tell how failed`,
      { cause: refusal },
    );
  }
}

/**
 * A multi-stream append KurrentDB failed with an UnknownError, as the port's error when what the
 * streams hold now explains it (explainRefusedMultiAppend), else as an unknown outcome.
 * Reads each stream whole: this runs only on that failure.
 */
async function explainRefusal(
  reads: StreamReads,
  appends: readonly PreparedAppend[],
  unknown: AppendOutcomeUnknownError,
): Promise<unknown> {
  try {
    const found = await Promise.all(appends.map((append) => streamAtRefusal(reads, append)));
    return explainRefusedMultiAppend(appends, found) ?? unknown;
  } catch {
    return unknown;
  }
}

async function streamAtRefusal(reads: StreamReads, append: PreparedAppend): Promise<StreamAtRefusal> {
  const wanted = new Set(append.events.map((event) => event.eventId));
  const storedIds: string[] = [];
  let revision: number | null = null;
  try {
    const read = reads.client.readStream(append.stream, {
      direction: FORWARDS,
      fromRevision: START,
      requiresLeader: true,
    });
    for await (const resolved of withinDeadline(read, reads.deadlineMs, `Reading ${append.stream}`)) {
      if (!resolved.event) continue;
      revision = Number(resolved.event.revision);
      const id = resolved.event.id.toLowerCase();
      if (wanted.has(id)) storedIds.push(id);
    }
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error;
  }
  return { stream: append.stream, revision, storedIds };
}
