/**
 * KurrentDB client failures as the port's errors (error classes from the client's
 * utils/CommandError.js, @kurrent/kurrentdb-client 1.3.1). Pure: unit-tested in kurrentdb-errors.spec.ts.
 *
 * What an append's failure says about the write decides the port's error:
 * - refused, nothing written: ConcurrencyError (wrong expected version), InvalidAppendError (too
 *   large), EventStoreUnavailableError (not the leader: a follower answers before anything is done;
 *   access denied; no server found; server too old);
 * - sent, outcome unknown (deadline passed, server timeout, connection lost or call cancelled
 *   mid-call, a server error after the request left): AppendOutcomeUnknownError. It may have been
 *   written; the caller must read its event ids back before deciding again.
 */
import {
  AccessDeniedError,
  AppendRecordSizeExceededError,
  CancelledError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  NotLeaderError,
  StreamDeletedError as ClientStreamDeletedError,
  StreamTombstonedError as ClientStreamTombstonedError,
  TimeoutError,
  TransactionMaxSizeExceededError,
  UnavailableError,
  UnknownError,
  UnsupportedError,
  WrongExpectedVersionError,
  convertToCommandError,
} from '@kurrent/kurrentdb-client';
import { satisfiesExpected, type PreparedAppend } from '../append-validation.js';
import {
  AppendOutcomeUnknownError,
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
 * A client failure as the port's, for any call: trouble reaching or being served by KurrentDB
 * (unavailable, not the leader, deadline or server timeout, cancelled by the server, access
 * denied, discovery failed, server too old) is EventStoreUnavailableError with the client error as
 * cause, its message saying which. Anything else is returned unchanged.
 */
export function toPortError(error: unknown): unknown {
  if (error instanceof EventStoreError) return error;
  const converted = asCommandError(error);
  const unavailable = (message: string) => new EventStoreUnavailableError(message, { cause: converted });
  if (converted instanceof UnsupportedError) {
    return unavailable(
      `KurrentDB does not support ${converted.feature}: it needs server ${converted.minimumVersion} or later`,
    );
  }
  if (converted instanceof NotLeaderError) {
    const leader = converted.leader ? ` (the leader is ${converted.leader.address}:${converted.leader.port})` : '';
    return unavailable(
      `KurrentDB answered from a node that is not the leader${leader}: the client reconnects; try again`,
    );
  }
  if (converted instanceof AccessDeniedError) {
    return unavailable(
      'KurrentDB denied access: check the credentials in KURRENTDB_URL and the user\u2019s permissions on the streams',
    );
  }
  if (converted instanceof DeadlineExceededError || converted instanceof TimeoutError) {
    return unavailable(`KurrentDB did not answer in time: ${converted.message || converted.constructor.name}`);
  }
  if (
    converted instanceof UnavailableError ||
    converted instanceof CancelledError ||
    (converted instanceof Error && /^Failed to discover/.test(converted.message))
  ) {
    return unavailable(`KurrentDB is unavailable: ${converted.message || converted.constructor.name}`);
  }
  return converted;
}

/**
 * A failure that leaves an append's outcome unknown: the request may have reached the server and
 * been written. DeadlineExceededError: the client's deadline passed, or the server's own (Timeout
 * on a batch append, e.g. a commit not acknowledged in time); TimeoutError: the server aborted
 * waiting; UnavailableError: the connection failed or dropped (the client cannot tell before
 * from after the request left; INTERNAL and DATA_LOSS statuses arrive as this class too);
 * CancelledError: the server cancelled the call; UnknownError: the server failed to answer.
 */
function leavesOutcomeUnknown(error: unknown): error is Error {
  return (
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof UnavailableError ||
    error instanceof CancelledError ||
    error instanceof UnknownError
  );
}

/**
 * An append failure as the port's. A wrong expected revision becomes ConcurrencyError naming the
 * failing stream: a single append's WrongExpectedVersionError carries the stream it was sent to;
 * a multi-stream append's comes from the server's StreamRevisionConflictErrorDetails
 * (WrongExpectedVersionError.fromRevisionConflict in utils/CommandError.js), which names the
 * conflicting stream. Size limits become InvalidAppendError. A failure after which the write may
 * have happened becomes AppendOutcomeUnknownError with the client error as cause (a multi-stream
 * append's UnknownError is first explained from the streams by explainRefusedMultiAppend). A
 * refusal because a stream is deleted stays the client's error: deletedStreamOf names the stream,
 * for the adapter to tell a tombstone from a soft delete.
 */
export function toAppendError(
  error: unknown,
  appends: ReadonlyArray<{ readonly stream: string; readonly expected: ExpectedState }>,
): unknown {
  if (error instanceof EventStoreError) return error;
  const converted = asCommandError(error);
  if (converted instanceof WrongExpectedVersionError) {
    const failing =
      appends.find((append) => append.stream === converted.streamName) ??
      (appends.length === 1 ? appends[0] : undefined);
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
  if (deletedStreamOf(converted) !== null) return converted;
  if (leavesOutcomeUnknown(converted)) {
    const streams = appends.map((append) => append.stream).join(', ');
    return new AppendOutcomeUnknownError(
      `The append to ${streams} may or may not have been written: ${converted.constructor.name}${converted.message ? ` (${converted.message})` : ''}. Read its event ids back before deciding again`,
      { cause: converted },
    );
  }
  return toPortError(converted);
}

/**
 * The stream an append was refused for because it is deleted, or null. KurrentDB v25.1.1 refuses a
 * tombstoned stream whatever the expected state, and a soft-deleted one expected to exist
 * (IndexWriter.CheckCommit: CommitDecision.Deleted); a single append reports it as
 * StreamDeletedError, a multi-stream append as StreamTombstonedError, both naming the stream.
 */
export function deletedStreamOf(error: unknown): string | null {
  if (error instanceof ClientStreamDeletedError) return error.streamName;
  if (error instanceof ClientStreamTombstonedError) return error.stream;
  return null;
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
 * Unexplained, the UnknownError may be any failure of the server after the request left (the
 * adapter reports AppendOutcomeUnknownError).
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
