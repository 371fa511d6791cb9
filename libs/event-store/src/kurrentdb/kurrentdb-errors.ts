/**
 * KurrentDB client failures as the port's errors (error classes from the client's
 * utils/CommandError.js, @kurrent/kurrentdb-client 1.3.1). Pure: unit-tested in kurrentdb-mapping.spec.ts.
 */
import {
  AccessDeniedError,
  AppendRecordSizeExceededError,
  CancelledError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  NotLeaderError,
  TimeoutError,
  TransactionMaxSizeExceededError,
  UnavailableError,
  UnsupportedError,
  WrongExpectedVersionError,
  convertToCommandError,
} from '@kurrent/kurrentdb-client';
import { satisfiesExpected, type PreparedAppend } from '../append-validation.js';
import {
  ConcurrencyError,
  DuplicateEventIdError,
  EventStoreError,
  EventStoreUnavailableError,
  InvalidAppendError,
} from '../event-store.errors.js';
import type { ExpectedState } from '../event-store.port.js';
import { fromStreamState, toActualRevision } from './kurrentdb-mapping.js';

function asCommandError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  try {
    // Raw gRPC errors (e.g. a broken append stream) become the client's typed errors.
    return convertToCommandError(error);
  } catch {
    return error;
  }
}

/**
 * A client failure as the port's: connection-level trouble (unavailable, not leader, deadline,
 * timeout, cancelled by the server, access denied, discovery failed, server too old) is
 * EventStoreUnavailableError with the client error as cause. Anything else is returned unchanged.
 */
export function toPortError(error: unknown): unknown {
  if (error instanceof EventStoreError) return error;
  const converted = asCommandError(error);
  if (converted instanceof UnsupportedError) {
    return new EventStoreUnavailableError(
      `KurrentDB does not support ${converted.feature}: it needs server ${converted.minimumVersion} or later`,
      { cause: converted },
    );
  }
  if (
    converted instanceof UnavailableError ||
    converted instanceof NotLeaderError ||
    converted instanceof DeadlineExceededError ||
    converted instanceof TimeoutError ||
    converted instanceof CancelledError ||
    converted instanceof AccessDeniedError ||
    (converted instanceof Error && /^Failed to discover/.test(converted.message))
  ) {
    return new EventStoreUnavailableError(`KurrentDB is unavailable: ${converted.message || converted.constructor.name}`, {
      cause: converted,
    });
  }
  return converted;
}

/**
 * An append failure as the port's. A wrong expected revision becomes ConcurrencyError naming the
 * failing stream: a single append's WrongExpectedVersionError carries the stream it was sent to;
 * a multi-stream append's comes from the server's StreamRevisionConflictErrorDetails
 * (WrongExpectedVersionError.fromRevisionConflict in utils/CommandError.js), which names the
 * conflicting stream. Size limits become InvalidAppendError. An UnknownError stays as it is: a
 * multi-stream append's is explained from the streams by explainRefusedMultiAppend.
 */
export function toAppendError(error: unknown, appends: ReadonlyArray<{ readonly stream: string; readonly expected: ExpectedState }>): unknown {
  const converted = asCommandError(error);
  if (converted instanceof WrongExpectedVersionError) {
    const failing =
      appends.find((append) => append.stream === converted.streamName) ?? (appends.length === 1 ? appends[0] : undefined);
    return new ConcurrencyError(
      failing?.stream ?? converted.streamName,
      failing?.expected ?? fromStreamState(converted.expectedState),
      toActualRevision(converted.actualState),
    );
  }
  if (
    converted instanceof MaxAppendSizeExceededError ||
    converted instanceof AppendRecordSizeExceededError ||
    converted instanceof TransactionMaxSizeExceededError
  ) {
    return new InvalidAppendError('EVENT_TOO_LARGE', `KurrentDB refused the append as too large: ${converted.message}`);
  }
  return toPortError(converted);
}

/** What a stream holds when KurrentDB has refused a multi-stream append without saying why. */
export interface StreamAtRefusal {
  readonly stream: string;
  /** Its last revision; null when it does not exist. */
  readonly revision: number | null;
  /** The ids of the append's events for this stream that it already holds. */
  readonly storedIds: readonly string[];
}

/**
 * Why KurrentDB refused a multi-stream append with an UnknownError, as the port's error, from what
 * each stream holds now; null when that does not explain it.
 *
 * KurrentDB refuses an append in which some streams already hold their events (an earlier
 * append's: an idempotent retry for those streams) while the others do not. Its storage writer
 * answers WrongExpectedVersion naming no stream ("handled in the same way as CorruptedIdempotency",
 * StorageWriterService.VerifyCommitChecks), and the append session's error mapping, which reads
 * the first failing stream of that empty list, throws; the client receives gRPC UNKNOWN
 * ("Exception was thrown by handler.") and makes it an UnknownError (utils/CommandError.js).
 * Given the streams as they are now:
 * - a stream holding none of its events and not in its expected state: ConcurrencyError for it,
 *   as the embedded store would answer, so a command decides again on fresh state;
 * - else, when some stream holds some of its events and not every stream holds all of its own:
 *   DuplicateEventIdError naming the first stored event. The append repeats an earlier one in
 *   part, which KurrentDB does not take (the embedded store would write the rest).
 */
export function explainRefusedMultiAppend(
  appends: readonly PreparedAppend[],
  found: readonly StreamAtRefusal[],
): ConcurrencyError | DuplicateEventIdError | null {
  const byStream = new Map(found.map((stream) => [stream.stream, stream]));
  const states: Array<{ readonly append: PreparedAppend; readonly now: StreamAtRefusal }> = [];
  for (const append of appends) {
    const now = byStream.get(append.stream);
    if (now === undefined) return null;
    states.push({ append, now });
  }
  for (const { append, now } of states) {
    if (now.storedIds.length === 0 && !satisfiesExpected(append.expected, now.revision)) {
      return new ConcurrencyError(append.stream, append.expected, now.revision);
    }
  }
  const repeated = states.find(({ now }) => now.storedIds.length > 0);
  const wholeRetry = states.every(({ append, now }) => now.storedIds.length === append.events.length);
  if (repeated === undefined || wholeRetry) return null;
  const stored = new Set(repeated.now.storedIds);
  const eventId = repeated.append.events.find((event) => stored.has(event.eventId))!.eventId;
  return new DuplicateEventIdError(
    eventId,
    repeated.append.stream,
    `Event id ${eventId} is already stored in ${repeated.append.stream} by an earlier append, which this ` +
      'multi-stream append repeats only in part: KurrentDB refuses such an append',
  );
}
