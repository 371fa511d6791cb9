import type { ExpectedState, LogPosition } from './event-store.port.js';
import { formatPosition } from './log-position.js';

/** Every failure of the event store the callers can act on, with a stable code. */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;
}

/** The stream was not in the expected state: someone else wrote first. Retry on fresh state. */
export class ConcurrencyError extends EventStoreError {
  readonly code = 'CONCURRENCY_CONFLICT';
  override readonly name = 'ConcurrencyError';

  constructor(
    readonly stream: string,
    readonly expected: ExpectedState,
    /** The stream's last revision, or null if the stream does not exist. */
    readonly actual: number | null,
  ) {
    super(
      `Stream ${stream} expected ${describe(expected)} but is ${actual === null ? 'absent' : `at revision ${actual}`}`,
    );
  }
}

/** An event id already used for a different event (or in another place of the log). */
export class DuplicateEventIdError extends EventStoreError {
  readonly code = 'DUPLICATE_EVENT_ID';
  override readonly name = 'DuplicateEventIdError';

  constructor(
    readonly eventId: string,
    readonly stream: string,
    message = `Event id ${eventId} is already used by a different event (appending to ${stream})`,
  ) {
    super(message);
  }
}

/** The append was refused before anything was written: the input itself is wrong. */
export class InvalidAppendError extends EventStoreError {
  override readonly name = 'InvalidAppendError';

  constructor(
    readonly code: 'INVALID_STREAM_NAME' | 'EMPTY_APPEND' | 'EVENT_TOO_LARGE' | 'INVALID_EVENT' | 'DUPLICATE_STREAM',
    message: string,
  ) {
    super(message);
  }
}

/** A stored event could not be turned back into a known event: unknown type, bad JSON, failed upcast. */
export class EventDecodingError extends EventStoreError {
  readonly code = 'EVENT_DECODING_FAILED';
  override readonly name = 'EventDecodingError';

  constructor(
    readonly stream: string,
    readonly position: LogPosition | null,
    readonly revision: number | null,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Cannot decode the event at ${stream}@${revision ?? '?'} (global position ${position ? formatPosition(position) : '?'}): ${reason}`,
      options,
    );
  }
}

/** The event store itself is not available (connection, disk). Not the caller's fault. */
export class EventStoreUnavailableError extends EventStoreError {
  readonly code = 'EVENT_STORE_UNAVAILABLE';
  override readonly name: string = 'EventStoreUnavailableError';
}

function describe(expected: ExpectedState): string {
  return typeof expected === 'number' ? `revision ${expected}` : expected;
}

/**
 * The append was sent but its outcome is unknown: a timeout, a connection reset or a leader change
 * after the request left. It may have been written. A caller must find out (read its event ids
 * back) before it decides anything again: appending anew could record the same thing twice.
 */
export class AppendOutcomeUnknownError extends EventStoreUnavailableError {
  override readonly name = 'AppendOutcomeUnknownError';
}

/**
 * The stream was deleted for good (KurrentDB's tombstone, a hard delete): it can be neither read
 * nor written again. Callers recognise it by its code (the audit's verification reports such a
 * stream instead of failing).
 */
export class StreamTombstonedError extends EventStoreError {
  readonly code = 'STREAM_TOMBSTONED';
  override readonly name = 'StreamTombstonedError';

  constructor(
    readonly stream: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Stream ${stream} was deleted for good (tombstoned in KurrentDB): it can be neither read nor written again`,
      options,
    );
  }
}
