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
import { ConcurrencyError, EventStoreError, EventStoreUnavailableError, InvalidAppendError } from '../event-store.errors.js';
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
 * conflicting stream. Size limits become InvalidAppendError.
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
