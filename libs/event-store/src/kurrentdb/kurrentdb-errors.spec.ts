/**
 * The KurrentDB client's errors as the port's (kurrentdb-errors.ts), without a server: what an
 * append or a read fails with, and what a multi-stream append KurrentDB refused with an
 * UnknownError turns out to be once its streams are read.
 */
import { describe, expect, it } from '@jest/globals';
import * as client from '@kurrent/kurrentdb-client';
import { newEvent, serverHandlerFailure } from '../../test-support/kurrentdb-events.js';
import { DEFAULT_MAX_EVENT_BYTES, prepareAppends } from '../append-validation.js';
import {
  AppendOutcomeUnknownError,
  ConcurrencyError,
  DuplicateEventIdError,
  EventStoreUnavailableError,
  InvalidAppendError,
} from '../event-store.errors.js';
import type { ExpectedState, NewEvent } from '../event-store.port.js';
import {
  deletedStreamOf,
  explainRefusedMultiAppend,
  toAppendError,
  toPortError,
  type StreamAtRefusal,
} from './kurrentdb-errors.js';

describe('errors', () => {
  const single = [{ stream: 'bid-1', expected: 4 as const }];

  it('maps a wrong expected version to ConcurrencyError with the actual revision', () => {
    const error = new client.WrongExpectedVersionError(undefined, { streamName: 'bid-1', expected: 4n, current: 6n });
    const mapped = toAppendError(error, single);
    expect(mapped).toBeInstanceOf(ConcurrencyError);
    expect(mapped).toMatchObject({ stream: 'bid-1', expected: 4, actual: 6, code: 'CONCURRENCY_CONFLICT' });
  });

  it('reports an absent stream as actual null', () => {
    const error = new client.WrongExpectedVersionError(undefined, {
      streamName: 'bid-1',
      expected: client.STREAM_EXISTS,
      current: 'no_stream',
    });
    expect(toAppendError(error, [{ stream: 'bid-1', expected: 'exists' }])).toMatchObject({
      stream: 'bid-1',
      expected: 'exists',
      actual: null,
    });
  });

  it('names the conflicting stream of a multi-stream append', () => {
    // What utils/CommandError.js builds from the server's StreamRevisionConflictErrorDetails.
    const error = client.WrongExpectedVersionError.fromRevisionConflict({
      stream: 'call-2',
      expectedRevision: '-1',
      actualRevision: '0',
    });
    const appends = [
      { stream: 'bid-1', expected: 3 as const },
      { stream: 'call-2', expected: 'no_stream' as const },
    ];
    expect(toAppendError(error, appends)).toMatchObject({ stream: 'call-2', expected: 'no_stream', actual: 0 });
    const unknown = client.WrongExpectedVersionError.fromRevisionConflict({
      stream: 'grant-9',
      expectedRevision: '-4',
      actualRevision: '-1',
    });
    expect(toAppendError(unknown, appends)).toMatchObject({ stream: 'grant-9', expected: 'exists', actual: null });
  });

  it('maps the server size limits to InvalidAppendError', () => {
    const mapped = toAppendError(client.MaxAppendSizeExceededError.fromMaxAppendSize(1_048_576), single);
    expect(mapped).toBeInstanceOf(InvalidAppendError);
    expect(mapped).toMatchObject({ code: 'EVENT_TOO_LARGE' });
  });

  it('maps connection failures to EventStoreUnavailableError with the cause', () => {
    const unavailable = new client.UnavailableError(undefined, '14 UNAVAILABLE: No connection established');
    const mapped = toPortError(unavailable);
    expect(mapped).toBeInstanceOf(EventStoreUnavailableError);
    expect((mapped as Error).cause).toBe(unavailable);
    expect(toAppendError(new client.DeadlineExceededError(undefined, 'deadline'), single)).toBeInstanceOf(
      EventStoreUnavailableError,
    );
    expect(toPortError(new Error('Failed to discover after 10 attempts.'))).toBeInstanceOf(EventStoreUnavailableError);
    const tooOld = toPortError(new client.UnsupportedError('multiStreamAppend', '25.1'));
    expect(tooOld).toBeInstanceOf(EventStoreUnavailableError);
    expect((tooOld as Error).message).toMatch(/25\.1/);
  });

  it('converts a raw gRPC error first, as a broken append stream rejects with one', () => {
    const raw = Object.assign(new Error('14 UNAVAILABLE: Connection dropped'), {
      code: 14,
      details: 'Connection dropped',
    });
    expect(toAppendError(raw, single)).toBeInstanceOf(EventStoreUnavailableError);
  });

  it('makes an UnknownError an unknown outcome, keeping it as the cause for a multi-stream append to explain', () => {
    // What the client makes of the server's "Exception was thrown by handler." (gRPC UNKNOWN).
    const unknown = client.convertToCommandError(serverHandlerFailure());
    expect(unknown).toBeInstanceOf(client.UnknownError);
    const mapped = toAppendError(unknown, single);
    expect(mapped).toBeInstanceOf(AppendOutcomeUnknownError);
    expect((mapped as Error).cause).toBe(unknown);
    expect((toAppendError(serverHandlerFailure(), single) as Error).cause).toBeInstanceOf(client.UnknownError);
  });

  it('makes a failure after which the append may have been written an unknown outcome, not a plain unavailable store', () => {
    const mayHaveWritten = [
      new client.DeadlineExceededError(undefined, 'deadline'),
      new client.TimeoutError(undefined, 'Operation timed out: commit'),
      new client.UnavailableError(undefined, '14 UNAVAILABLE: Connection reset by peer'),
      new client.CancelledError(undefined, '1 CANCELLED: server shutting down'),
      // INTERNAL and DATA_LOSS statuses: the client makes them UnavailableError.
      client.convertToCommandError(
        Object.assign(new Error('13 INTERNAL: stream reset'), { code: 13, details: 'stream reset' }),
      ),
    ];
    for (const error of mayHaveWritten) {
      const mapped = toAppendError(error, single);
      expect(mapped).toBeInstanceOf(AppendOutcomeUnknownError);
      expect(mapped).toMatchObject({ code: 'EVENT_STORE_UNAVAILABLE', cause: error });
      expect((mapped as Error).message).toMatch(/bid-1 may or may not have been written/);
      // Reads are never "unknown outcome": nothing was written.
      expect(toPortError(error)).toBeInstanceOf(EventStoreUnavailableError);
      expect(toPortError(error)).not.toBeInstanceOf(AppendOutcomeUnknownError);
    }
  });

  it('keeps a refusal known to have written nothing a plain unavailable store, saying which', () => {
    const notLeader = client.convertToCommandError(
      Object.assign(new Error('5 NOT_FOUND: Leader info available'), {
        code: 5,
        details: 'Leader info available',
        metadata: {
          getMap: () => ({ exception: 'not-leader', 'leader-endpoint-host': 'node-2', 'leader-endpoint-port': '2113' }),
        },
      }),
    );
    expect(notLeader).toBeInstanceOf(client.NotLeaderError);
    const mappedNotLeader = toAppendError(notLeader, single);
    expect(mappedNotLeader).toBeInstanceOf(EventStoreUnavailableError);
    expect(mappedNotLeader).not.toBeInstanceOf(AppendOutcomeUnknownError);
    expect((mappedNotLeader as Error).message).toMatch(/not the leader \(the leader is node-2:2113\)/);

    const denied = toAppendError(new client.AccessDeniedError(undefined, 'Access Denied'), single);
    expect(denied).toBeInstanceOf(EventStoreUnavailableError);
    expect(denied).not.toBeInstanceOf(AppendOutcomeUnknownError);
    expect((denied as Error).message).toMatch(/denied access: check the credentials/);
    expect((toPortError(new client.AccessDeniedError()) as Error).message).toMatch(/denied access/);
    expect(toAppendError(new Error('Failed to discover after 10 attempts.'), single)).not.toBeInstanceOf(
      AppendOutcomeUnknownError,
    );
  });

  it('leaves a refusal because a stream is deleted for the adapter to explain, naming the stream', () => {
    const single = client.StreamDeletedError.fromStreamName('bid-1');
    expect(toAppendError(single, [{ stream: 'bid-1', expected: 'any' }])).toBe(single);
    expect(deletedStreamOf(single)).toBe('bid-1');
    const failedPrecondition = Object.assign(new Error('9 FAILED_PRECONDITION'), { code: 9 }) as never;
    const multi = new client.StreamTombstonedError(failedPrecondition, { stream: 'call-2' });
    expect(deletedStreamOf(toAppendError(multi, [{ stream: 'call-2', expected: 0 }]))).toBe('call-2');
    expect(deletedStreamOf(new client.UnavailableError())).toBeNull();
  });

  it('leaves other errors as they are', () => {
    const bug = new TypeError('boom');
    expect(toPortError(bug)).toBe(bug);
    const conflict = new ConcurrencyError('bid-1', 1, 2);
    expect(toPortError(conflict)).toBe(conflict);
  });
});

describe('a multi-stream append KurrentDB refused with an UnknownError', () => {
  const appendsOf = (...requests: Array<{ stream: string; expected: ExpectedState; events: NewEvent[] }>) =>
    prepareAppends(requests, DEFAULT_MAX_EVENT_BYTES);
  const [bid, grant] = [newEvent(), newEvent({ type: 'GrantAwarded' })];
  const appends = appendsOf(
    { stream: 'bid-1', expected: 'no_stream', events: [bid] },
    { stream: 'grant-1', expected: 'no_stream', events: [grant] },
  );
  const holding = (stream: string, revision: number | null, storedIds: string[] = []): StreamAtRefusal => ({
    stream,
    revision,
    storedIds,
  });

  it('is a DuplicateEventIdError when some streams already hold their events and the rest could be written', () => {
    const explained = explainRefusedMultiAppend(appends, [
      holding('bid-1', 0, [bid.eventId]),
      holding('grant-1', null),
    ]);
    expect(explained).toBeInstanceOf(DuplicateEventIdError);
    expect(explained).toMatchObject({ code: 'DUPLICATE_EVENT_ID', eventId: bid.eventId, stream: 'bid-1' });
    expect(explained!.message).toMatch(/repeats only in part/);
  });

  it('is a ConcurrencyError for a stream holding none of its events that is not in its expected state', () => {
    const explained = explainRefusedMultiAppend(appends, [holding('bid-1', 0, [bid.eventId]), holding('grant-1', 3)]);
    expect(explained).toBeInstanceOf(ConcurrencyError);
    expect(explained).toMatchObject({ stream: 'grant-1', expected: 'no_stream', actual: 3 });
  });

  it('counts a stream holding only some of its events as a partial repeat', () => {
    const [first, second] = [newEvent(), newEvent()];
    const two = appendsOf(
      { stream: 'call-1', expected: 0, events: [first, second] },
      { stream: 'bid-2', expected: 'any', events: [newEvent()] },
    );
    expect(
      explainRefusedMultiAppend(two, [holding('call-1', 1, [first.eventId]), holding('bid-2', null)]),
    ).toMatchObject({
      constructor: DuplicateEventIdError,
      eventId: first.eventId,
      stream: 'call-1',
    });
  });

  it('explains nothing when no stream holds any of the events, or every stream holds all of them', () => {
    expect(explainRefusedMultiAppend(appends, [holding('bid-1', null), holding('grant-1', null)])).toBeNull();
    expect(
      explainRefusedMultiAppend(appends, [holding('bid-1', 0, [bid.eventId]), holding('grant-1', 0, [grant.eventId])]),
    ).toBeNull();
    expect(explainRefusedMultiAppend(appends, [holding('bid-1', 0, [bid.eventId])])).toBeNull();
  });
});
