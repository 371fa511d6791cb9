/**
 * The KurrentDB adapter without a server: the pure mappings, the subscription feed driven by the
 * client's own Subscription class, and the adapter against a scripted client that answers the
 * way @kurrent/kurrentdb-client 1.3.1 does (errors, inclusive $all reads, id-only idempotency).
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import {
  ANY,
  AccessDeniedError,
  CancelledError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  NO_STREAM,
  NotLeaderError,
  START,
  STREAM_EXISTS,
  StreamDeletedError,
  StreamNotFoundError,
  StreamTombstonedError,
  TimeoutError,
  UnavailableError,
  UnknownError,
  UnsupportedError,
  WrongExpectedVersionError,
  convertToCommandError,
  type AllStreamRecordedEvent,
  type AppendStreamState,
  type EventData,
  type Filter,
  type KurrentDBClient,
  type Position,
} from '@kurrent/kurrentdb-client';
import { Subscription } from '@kurrent/kurrentdb-client/dist/streams/utils/Subscription.js';
import { DEFAULT_MAX_EVENT_BYTES, prepareAppends, type PreparedEvent } from '../append-validation.js';
import {
  AppendOutcomeUnknownError,
  ConcurrencyError,
  DuplicateEventIdError,
  EventDecodingError,
  EventStoreUnavailableError,
  InvalidAppendError,
} from '../event-store.errors.js';
import type { EventMetadata, ExpectedState, NewEvent, RecordedEvent, SubscriptionItem } from '../event-store.port.js';
import { connectionStringProblem } from './kurrentdb-connection.js';
import { KurrentDbEventStore } from './kurrentdb-event-store.js';
import { DEFAULT_DEADLINE_MS, withDefaultDeadline, withinDeadline } from './kurrentdb-deadline.js';
import { deletedStreamOf, explainRefusedMultiAppend, toAppendError, toPortError, type StreamAtRefusal } from './kurrentdb-errors.js';
import { SubscriptionFeed, type FeedItem } from './kurrentdb-subscription-feed.js';
import {
  SCHEMA_VERSION_KEY,
  fromStreamState,
  isAfter,
  laterOf,
  multiAppendPosition,
  toActualRevision,
  toEventData,
  toKurrentMetadata,
  toLogPosition,
  toReadRevision,
  toRecordedEvent,
  toStreamState,
  verifyAppended,
} from './kurrentdb-mapping.js';

const METADATA: EventMetadata = {
  actor: 'api-key:ops',
  correlationId: '5e0a7d0e-8d0b-4c1e-9a43-0c7d1b0f6a01',
  causationId: null,
  commandId: 'c0ffee00-0000-4000-8000-000000000001',
  recordedAt: '2026-03-01T10:00:00.000Z',
};

let idCounter = 0;
function uuid(): string {
  idCounter += 1;
  return `00000000-0000-4000-8000-${idCounter.toString(16).padStart(12, '0')}`;
}

function newEvent(overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    eventId: uuid(),
    type: 'BidSubmitted',
    schemaVersion: 2,
    data: { bidId: 'b1', amount: { cents: 125_000, currency: 'EUR' }, tags: ['x', 'y'] },
    metadata: METADATA,
    ...overrides,
  };
}

function prepared(event: NewEvent, stream = 'bid-1'): PreparedEvent {
  return prepareAppends([{ stream, expected: 'any', events: [event] }], DEFAULT_MAX_EVENT_BYTES)[0]!.events[0]!;
}

/**
 * What the client hands back when reading an event it wrote from `data`: data and metadata are
 * JSON.stringified on append and JSON.parsed on read (utils/convertRustEvent.js).
 */
function storedAs(data: EventData, stream: string, revision: number, position: Position): AllStreamRecordedEvent {
  return {
    streamId: stream,
    id: data.id,
    type: data.type,
    revision: BigInt(revision),
    isJson: true,
    created: new Date(0),
    data: JSON.parse(JSON.stringify(data.data)),
    metadata: JSON.parse(JSON.stringify(data.metadata)),
    position,
  };
}

const at = (commit: bigint, prepare = commit): Position => ({ commit, prepare });

/**
 * The raw gRPC error a KurrentDB server sends when its handler throws: status UNKNOWN, "Exception
 * was thrown by handler." The client turns it into an UnknownError (utils/CommandError.js).
 */
function serverHandlerFailure(): Error {
  return Object.assign(new Error('2 UNKNOWN: Exception was thrown by handler.'), { code: 2, details: 'Exception was thrown by handler.' });
}

describe('expected state', () => {
  it('maps each port state to the client stream state and back', () => {
    expect(toStreamState('no_stream')).toBe(NO_STREAM);
    expect(toStreamState('exists')).toBe(STREAM_EXISTS);
    expect(toStreamState('any')).toBe(ANY);
    expect(toStreamState(0)).toBe(0n);
    expect(toStreamState(41)).toBe(41n);
    for (const state of ['no_stream', 'exists', 'any', 0, 41] as const) {
      expect(fromStreamState(toStreamState(state))).toBe(state);
    }
  });

  it('reads the actual revision of a conflict, null for an absent, deleted or tombstoned stream', () => {
    expect(toActualRevision(7n)).toBe(7);
    expect(toActualRevision(0n)).toBe(0);
    expect(toActualRevision('no_stream')).toBeNull();
    expect(toActualRevision(-1n)).toBeNull();
    expect(toActualRevision(-6n)).toBeNull();
    expect(toActualRevision(undefined)).toBeNull();
  });
});

describe('positions and revisions', () => {
  it('copies commit and prepare', () => {
    expect(toLogPosition({ commit: 500n, prepare: 420n })).toEqual({ commit: 500n, prepare: 420n });
  });

  it('turns the single position of a multi-stream append into commit = prepare', () => {
    expect(multiAppendPosition(9_000_000_123n)).toEqual({ commit: 9_000_000_123n, prepare: 9_000_000_123n });
  });

  it('compares exclusively, by commit then prepare', () => {
    const p = { commit: 100n, prepare: 90n };
    expect(isAfter(p, null)).toBe(true);
    expect(isAfter(p, undefined)).toBe(true);
    expect(isAfter(p, { commit: 100n, prepare: 90n })).toBe(false);
    expect(isAfter(p, { commit: 100n, prepare: 80n })).toBe(true);
    expect(isAfter(p, { commit: 101n, prepare: 0n })).toBe(false);
    expect(laterOf(p, { commit: 100n, prepare: 95n })).toEqual({ commit: 100n, prepare: 95n });
    expect(laterOf(null, p)).toBe(p);
  });

  it('starts stream reads at START, or at the revision', () => {
    expect(toReadRevision(undefined)).toBe(START);
    expect(toReadRevision(12)).toBe(12n);
    expect(() => toReadRevision(-1)).toThrow(RangeError);
    expect(() => toReadRevision(1.5)).toThrow(RangeError);
  });
});

describe('writing events', () => {
  it('stores the port metadata as strings, null fields left out, with the schema version', () => {
    const metadata = toKurrentMetadata(METADATA, 3, 'bid-1');
    expect(metadata).toEqual({
      actor: METADATA.actor,
      correlationId: METADATA.correlationId,
      commandId: METADATA.commandId,
      recordedAt: METADATA.recordedAt,
      [SCHEMA_VERSION_KEY]: '3',
    });
    // multiStreamAppend refuses any metadata value that is not a string.
    expect(Object.values(metadata).every((value) => typeof value === 'string')).toBe(true);
  });

  it('refuses metadata that would not read back unchanged', () => {
    const withNumber = { ...METADATA, retries: 2 } as unknown as EventMetadata;
    expect(() => toKurrentMetadata(withNumber, 1, 'bid-1')).toThrow(InvalidAppendError);
    const reserved = { ...METADATA, [SCHEMA_VERSION_KEY]: '9' } as unknown as EventMetadata;
    expect(() => toKurrentMetadata(reserved, 1, 'bid-1')).toThrow(InvalidAppendError);
    const nullActor = { ...METADATA, actor: null } as unknown as EventMetadata;
    expect(() => toKurrentMetadata(nullActor, 1, 'bid-1')).toThrow(/metadata.actor must be a string/);
    const { recordedAt: _recordedAt, ...withoutRecordedAt } = METADATA;
    expect(() => toKurrentMetadata(withoutRecordedAt as EventMetadata, 1, 'bid-1')).toThrow(/metadata.recordedAt/);
    const { causationId: _causationId, ...withoutCausation } = METADATA;
    expect(toKurrentMetadata(withoutCausation as EventMetadata, 1, 'bid-1')).not.toHaveProperty('causationId');
  });

  it('builds a JSON event with the lower-cased id, the type and exactly the validated JSON', () => {
    const event = newEvent({ eventId: uuid().toUpperCase() });
    const prep = prepared(event);
    const data = toEventData(prep, 'bid-1');
    expect(data.id).toBe(event.eventId.toLowerCase());
    expect(data.type).toBe('BidSubmitted');
    expect(data.contentType).toBe('application/json');
    expect(JSON.stringify(data.data)).toBe(prep.dataJson);
    expect(data.metadata).toEqual(toKurrentMetadata(METADATA, 2, 'bid-1'));
  });

  it('sends any JSON value as data, not only objects', () => {
    const data = toEventData(prepared(newEvent({ data: null })), 'bid-1');
    expect(JSON.stringify(data.data)).toBe('null');
  });
});

describe('reading events', () => {
  it('round-trips a written event into the port RecordedEvent', () => {
    const event = newEvent();
    const stored = storedAs(toEventData(prepared(event), 'bid-1'), 'bid-1', 4, at(2_000n, 1_900n));
    const recorded = toRecordedEvent(stored);
    expect(recorded).toEqual({
      eventId: event.eventId,
      type: 'BidSubmitted',
      schemaVersion: 2,
      data: event.data,
      metadata: METADATA,
      stream: 'bid-1',
      revision: 4,
      position: { commit: 2_000n, prepare: 1_900n },
    });
  });

  it('ignores keys the server adds to the metadata and accepts a numeric schema version', () => {
    const stored = storedAs(toEventData(prepared(newEvent()), 'bid-1'), 'bid-1', 0, at(10n));
    const metadata = { ...(stored.metadata as Record<string, string>), '$schema.name': 'BidSubmitted', [SCHEMA_VERSION_KEY]: 5 };
    const recorded = toRecordedEvent({ ...stored, metadata });
    expect(recorded.schemaVersion).toBe(5);
    expect(recorded.metadata).toEqual(METADATA);
  });

  it('accepts JSON stored without the JSON flag', () => {
    const stored = storedAs(toEventData(prepared(newEvent()), 'bid-1'), 'bid-1', 0, at(10n));
    const bytes = new TextEncoder().encode(JSON.stringify({ bidId: 'b9' }));
    expect(toRecordedEvent({ ...stored, isJson: false, data: bytes }).data).toEqual({ bidId: 'b9' });
  });

  it('fails with EventDecodingError naming the event when it cannot be read', () => {
    const stored = storedAs(toEventData(prepared(newEvent()), 'bid-7'), 'bid-7', 3, at(77n, 70n));
    const failure = (change: Partial<AllStreamRecordedEvent>): EventDecodingError => {
      try {
        toRecordedEvent({ ...stored, ...change } as AllStreamRecordedEvent);
      } catch (error) {
        expect(error).toBeInstanceOf(EventDecodingError);
        return error as EventDecodingError;
      }
      throw new Error('expected an EventDecodingError');
    };
    const noPosition = failure({ position: undefined as unknown as Position });
    expect(noPosition).toMatchObject({ stream: 'bid-7', revision: 3, position: null });

    const badMetadata = failure({ metadata: new TextEncoder().encode('{not json') });
    expect(badMetadata).toMatchObject({ stream: 'bid-7', revision: 3, position: { commit: 77n, prepare: 70n } });
    expect(badMetadata.message).toMatch(/metadata is not JSON/);

    const { actor: _actor, ...withoutActor } = stored.metadata as Record<string, string>;
    expect(failure({ metadata: withoutActor }).message).toMatch(/metadata.actor/);
    const meta = stored.metadata as Record<string, string>;
    expect(failure({ metadata: { ...meta, [SCHEMA_VERSION_KEY]: '0' } }).message).toMatch(/schemaVersion/);
    expect(failure({ metadata: { ...meta, [SCHEMA_VERSION_KEY]: 'two' } }).message).toMatch(/schemaVersion/);
    expect(failure({ metadata: undefined }).message).toMatch(/no metadata/);
    expect(failure({ isJson: false, data: new TextEncoder().encode('<xml/>') } as never).message).toMatch(/data is not JSON/);
  });
});

describe('idempotency check after an append', () => {
  const stream = 'bid-1';
  const events = [prepared(newEvent()), prepared(newEvent({ type: 'BidWithdrawn', data: { reason: 'late' } }))];
  const readBack = (sent: readonly PreparedEvent[]) =>
    sent.map((event, i) => storedAs(toEventData(event, stream), stream, 5 + i, at(BigInt(100 + i))));

  it('accepts the events it asked for', () => {
    expect(() => verifyAppended(stream, events, readBack(events))).not.toThrow();
  });

  it('refuses a different event that reuses an id with DuplicateEventIdError', () => {
    const differentData = { ...events[1]!, dataJson: JSON.stringify({ reason: 'early' }) };
    const stored = readBack(events);
    expect(() => verifyAppended(stream, [events[0]!, differentData], stored)).toThrow(DuplicateEventIdError);
    try {
      verifyAppended(stream, [events[0]!, differentData], stored);
    } catch (error) {
      expect(error).toMatchObject({ eventId: events[1]!.eventId, stream, code: 'DUPLICATE_EVENT_ID' });
    }
    const differentType = { ...events[0]!, type: 'BidAmended' };
    expect(() => verifyAppended(stream, [differentType, events[1]!], stored)).toThrow(DuplicateEventIdError);
    const differentVersion = { ...events[0]!, schemaVersion: 3 };
    expect(() => verifyAppended(stream, [differentVersion, events[1]!], stored)).toThrow(DuplicateEventIdError);
  });

  it('does not confirm an append whose events are not where the server said', () => {
    const other = [prepared(newEvent()), prepared(newEvent())];
    const run = () => verifyAppended(stream, events, readBack(other));
    expect(run).toThrow(/does not hold its events/);
    expect(run).not.toThrow(DuplicateEventIdError);
    expect(() => verifyAppended(stream, events, [])).toThrow(/found nothing/);
  });
});

describe('errors', () => {
  const single = [{ stream: 'bid-1', expected: 4 as const }];

  it('maps a wrong expected version to ConcurrencyError with the actual revision', () => {
    const error = new WrongExpectedVersionError(undefined, { streamName: 'bid-1', expected: 4n, current: 6n });
    const mapped = toAppendError(error, single);
    expect(mapped).toBeInstanceOf(ConcurrencyError);
    expect(mapped).toMatchObject({ stream: 'bid-1', expected: 4, actual: 6, code: 'CONCURRENCY_CONFLICT' });
  });

  it('reports an absent stream as actual null', () => {
    const error = new WrongExpectedVersionError(undefined, { streamName: 'bid-1', expected: STREAM_EXISTS, current: 'no_stream' });
    expect(toAppendError(error, [{ stream: 'bid-1', expected: 'exists' }])).toMatchObject({
      stream: 'bid-1',
      expected: 'exists',
      actual: null,
    });
  });

  it('names the conflicting stream of a multi-stream append', () => {
    // What utils/CommandError.js builds from the server's StreamRevisionConflictErrorDetails.
    const error = WrongExpectedVersionError.fromRevisionConflict({ stream: 'call-2', expectedRevision: '-1', actualRevision: '0' });
    const appends = [
      { stream: 'bid-1', expected: 3 as const },
      { stream: 'call-2', expected: 'no_stream' as const },
    ];
    expect(toAppendError(error, appends)).toMatchObject({ stream: 'call-2', expected: 'no_stream', actual: 0 });
    const unknown = WrongExpectedVersionError.fromRevisionConflict({ stream: 'grant-9', expectedRevision: '-4', actualRevision: '-1' });
    expect(toAppendError(unknown, appends)).toMatchObject({ stream: 'grant-9', expected: 'exists', actual: null });
  });

  it('maps the server size limits to InvalidAppendError', () => {
    const mapped = toAppendError(MaxAppendSizeExceededError.fromMaxAppendSize(1_048_576), single);
    expect(mapped).toBeInstanceOf(InvalidAppendError);
    expect(mapped).toMatchObject({ code: 'EVENT_TOO_LARGE' });
  });

  it('maps connection failures to EventStoreUnavailableError with the cause', () => {
    const unavailable = new UnavailableError(undefined, '14 UNAVAILABLE: No connection established');
    const mapped = toPortError(unavailable);
    expect(mapped).toBeInstanceOf(EventStoreUnavailableError);
    expect((mapped as Error).cause).toBe(unavailable);
    expect(toAppendError(new DeadlineExceededError(undefined, 'deadline'), single)).toBeInstanceOf(EventStoreUnavailableError);
    expect(toPortError(new Error('Failed to discover after 10 attempts.'))).toBeInstanceOf(EventStoreUnavailableError);
    const tooOld = toPortError(new UnsupportedError('multiStreamAppend', '25.1'));
    expect(tooOld).toBeInstanceOf(EventStoreUnavailableError);
    expect((tooOld as Error).message).toMatch(/25\.1/);
  });

  it('converts a raw gRPC error first, as a broken append stream rejects with one', () => {
    const raw = Object.assign(new Error('14 UNAVAILABLE: Connection dropped'), { code: 14, details: 'Connection dropped' });
    expect(toAppendError(raw, single)).toBeInstanceOf(EventStoreUnavailableError);
  });

  it('makes an UnknownError an unknown outcome, keeping it as the cause for a multi-stream append to explain', () => {
    // What the client makes of the server's "Exception was thrown by handler." (gRPC UNKNOWN).
    const unknown = convertToCommandError(serverHandlerFailure());
    expect(unknown).toBeInstanceOf(UnknownError);
    const mapped = toAppendError(unknown, single);
    expect(mapped).toBeInstanceOf(AppendOutcomeUnknownError);
    expect((mapped as Error).cause).toBe(unknown);
    expect((toAppendError(serverHandlerFailure(), single) as Error).cause).toBeInstanceOf(UnknownError);
  });

  it('makes a failure after which the append may have been written an unknown outcome, not a plain unavailable store', () => {
    const mayHaveWritten = [
      new DeadlineExceededError(undefined, 'deadline'),
      new TimeoutError(undefined, 'Operation timed out: commit'),
      new UnavailableError(undefined, '14 UNAVAILABLE: Connection reset by peer'),
      new CancelledError(undefined, '1 CANCELLED: server shutting down'),
      // INTERNAL and DATA_LOSS statuses: the client makes them UnavailableError.
      convertToCommandError(Object.assign(new Error('13 INTERNAL: stream reset'), { code: 13, details: 'stream reset' })),
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
    const notLeader = convertToCommandError(
      Object.assign(new Error('5 NOT_FOUND: Leader info available'), {
        code: 5,
        details: 'Leader info available',
        metadata: { getMap: () => ({ exception: 'not-leader', 'leader-endpoint-host': 'node-2', 'leader-endpoint-port': '2113' }) },
      }),
    );
    expect(notLeader).toBeInstanceOf(NotLeaderError);
    const mappedNotLeader = toAppendError(notLeader, single);
    expect(mappedNotLeader).toBeInstanceOf(EventStoreUnavailableError);
    expect(mappedNotLeader).not.toBeInstanceOf(AppendOutcomeUnknownError);
    expect((mappedNotLeader as Error).message).toMatch(/not the leader \(the leader is node-2:2113\)/);

    const denied = toAppendError(new AccessDeniedError(undefined, 'Access Denied'), single);
    expect(denied).toBeInstanceOf(EventStoreUnavailableError);
    expect(denied).not.toBeInstanceOf(AppendOutcomeUnknownError);
    expect((denied as Error).message).toMatch(/denied access: check the credentials/);
    expect((toPortError(new AccessDeniedError()) as Error).message).toMatch(/denied access/);
    expect(toAppendError(new Error('Failed to discover after 10 attempts.'), single)).not.toBeInstanceOf(AppendOutcomeUnknownError);
  });

  it('leaves a refusal because a stream is deleted for the adapter to explain, naming the stream', () => {
    const single = StreamDeletedError.fromStreamName('bid-1');
    expect(toAppendError(single, [{ stream: 'bid-1', expected: 'any' }])).toBe(single);
    expect(deletedStreamOf(single)).toBe('bid-1');
    const multi = new StreamTombstonedError(Object.assign(new Error('9 FAILED_PRECONDITION'), { code: 9 }) as never, { stream: 'call-2' });
    expect(deletedStreamOf(toAppendError(multi, [{ stream: 'call-2', expected: 0 }]))).toBe('call-2');
    expect(deletedStreamOf(new UnavailableError())).toBeNull();
  });

  it('leaves other errors as they are', () => {
    const bug = new TypeError('boom');
    expect(toPortError(bug)).toBe(bug);
    const conflict = new ConcurrencyError('bid-1', 1, 2);
    expect(toPortError(conflict)).toBe(conflict);
  });
});

describe('deadlines', () => {
  it('sets the client\u2019s defaultDeadline in the connection string unless it sets one', () => {
    expect(withDefaultDeadline('kurrentdb://localhost:2113', 2500)).toBe('kurrentdb://localhost:2113?defaultDeadline=2500');
    expect(withDefaultDeadline('kurrentdb://localhost:2113?tls=false', 2500)).toBe('kurrentdb://localhost:2113?tls=false&defaultDeadline=2500');
    expect(withDefaultDeadline('kurrentdb://admin:a?b@localhost:2113', 2500)).toBe('kurrentdb://admin:a?b@localhost:2113?defaultDeadline=2500');
    expect(withDefaultDeadline('kurrentdb://localhost:2113?default-deadline=700', 2500)).toBe('kurrentdb://localhost:2113?default-deadline=700');
    expect(DEFAULT_DEADLINE_MS).toBe(10_000);
  });

  it('fails a read that outlives its deadline with the client\u2019s DeadlineExceededError, and abandons it', async () => {
    let returned = false;
    const stalled: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => (returned ? { done: true, value: undefined } : new Promise<never>(() => undefined)),
        return: async () => {
          returned = true;
          return { done: true, value: undefined };
        },
      }),
    };
    const started = Date.now();
    const read = async () => {
      for await (const _ of withinDeadline(stalled, 40, 'Reading bid-1')) void _;
    };
    await expect(read()).rejects.toMatchObject({ constructor: DeadlineExceededError, message: 'Reading bid-1 took longer than its deadline of 40 ms' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
    expect(returned).toBe(true);
  });

  it('passes through a read that ends in time', async () => {
    async function* three() {
      yield* [1, 2, 3];
    }
    const seen: number[] = [];
    for await (const n of withinDeadline(three(), 1_000, 'Reading')) seen.push(n);
    expect(seen).toEqual([1, 2, 3]);
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
  const holding = (stream: string, revision: number | null, storedIds: string[] = []): StreamAtRefusal => ({ stream, revision, storedIds });

  it('is a DuplicateEventIdError when some streams already hold their events and the rest could be written', () => {
    const explained = explainRefusedMultiAppend(appends, [holding('bid-1', 0, [bid.eventId]), holding('grant-1', null)]);
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
    const two = appendsOf({ stream: 'call-1', expected: 0, events: [first, second] }, { stream: 'bid-2', expected: 'any', events: [newEvent()] });
    expect(explainRefusedMultiAppend(two, [holding('call-1', 1, [first.eventId]), holding('bid-2', null)])).toMatchObject({
      constructor: DuplicateEventIdError,
      eventId: first.eventId,
      stream: 'call-1',
    });
  });

  it('explains nothing when no stream holds any of the events, or every stream holds all of them', () => {
    expect(explainRefusedMultiAppend(appends, [holding('bid-1', null), holding('grant-1', null)])).toBeNull();
    expect(explainRefusedMultiAppend(appends, [holding('bid-1', 0, [bid.eventId]), holding('grant-1', 0, [grant.eventId])])).toBeNull();
    expect(explainRefusedMultiAppend(appends, [holding('bid-1', 0, [bid.eventId])])).toBeNull();
  });
});

describe('connection strings', () => {
  it('refuses throwOnAppendFailure=false, spelled as the client accepts it, without quoting the string', () => {
    for (const url of [
      'kurrentdb://localhost:2113?tls=false&throwOnAppendFailure=false',
      'kurrentdb://admin:s3cret@localhost:2113?throwOnAppendFailure=false',
      'kurrentdb+discover://a:2113,b:2113?THROW_ON_APPEND_FAILURE=false&tls=true',
      'kurrentdb://localhost:2113?throw-on-append-failure= false /',
      'kurrentdb://localhost:2113?throwOnAppendFailure=true&throwOnAppendFailure=false',
    ]) {
      const problem = connectionStringProblem(url);
      expect(problem).toMatch(/throwOnAppendFailure=false/);
      expect(problem).not.toMatch(/s3cret|localhost/);
    }
  });

  it('accepts the rest', () => {
    for (const url of [
      'kurrentdb://localhost:2113?tls=false',
      'kurrentdb://localhost:2113',
      'kurrentdb://localhost:2113?throwOnAppendFailure=true',
      'kurrentdb://localhost:2113?throwOnAppendFailure=false&throwOnAppendFailure=true',
      // A '?' in the password is not where the options start.
      'kurrentdb://admin:a?throwOnAppendFailure=false@localhost:2113?tls=false',
    ]) {
      expect(connectionStringProblem(url)).toBeNull();
    }
  });

  it('makes connect refuse the store before any client is built', () => {
    expect(() => KurrentDbEventStore.connect('kurrentdb://localhost:2113?tls=false&throwOnAppendFailure=false')).toThrow(
      /needs a failed append to throw/,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The client's Subscription class (a Transform) fed by a fake gRPC stream of ReadResp-like messages.

type Message = { hasEvent?: () => boolean; getEvent?: () => unknown; hasCaughtUp?: () => boolean; getCaughtUp?: () => unknown };
const eventMessage = (value: unknown): Message => ({ hasEvent: () => true, getEvent: () => value });
const caughtUpMessage = (): Message => ({ hasCaughtUp: () => true, getCaughtUp: () => ({ hasTimestamp: () => false }) });

interface FakeGrpcStream extends PassThrough {
  cancelled: boolean;
  cancel(): void;
}

function fakeGrpcStream(): FakeGrpcStream {
  const stream = new PassThrough({ objectMode: true }) as FakeGrpcStream;
  stream.cancelled = false;
  stream.cancel = () => {
    stream.cancelled = true;
    stream.end();
  };
  return stream;
}

function clientSubscription<E>(grpc: FakeGrpcStream, convert: (value: unknown) => E = (value) => value as E) {
  const SubscriptionClass = Subscription as unknown as new (
    create: () => Promise<FakeGrpcStream>,
    convert: (value: unknown) => E,
    options: object,
  ) => InstanceType<typeof PassThrough> & { unsubscribe(): Promise<void> };
  return new SubscriptionClass(() => Promise.resolve(grpc), convert, {});
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('SubscriptionFeed', () => {
  it('keeps caught-up behind the events the server sent before it, through pauses', async () => {
    const grpc = fakeGrpcStream();
    const subscription = clientSubscription<number>(grpc);
    const feed = new SubscriptionFeed<number>(subscription, 4, 1);
    for (let n = 0; n < 40; n++) grpc.write(eventMessage(n));
    grpc.write(caughtUpMessage());
    for (let n = 40; n < 45; n++) grpc.write(eventMessage(n));
    grpc.end();

    const seen: Array<number | 'caught-up'> = [];
    for (;;) {
      const item = await feed.take();
      if (item === null) break;
      seen.push(item.kind === 'event' ? item.value : 'caught-up');
      await tick(); // a slow consumer: the client's buffers fill meanwhile
    }
    expect(seen).toEqual([...Array.from({ length: 40 }, (_, n) => n), 'caught-up', 40, 41, 42, 43, 44]);
    feed.close();
  });

  it('pauses the client stream at the high mark instead of buffering everything', async () => {
    const grpc = fakeGrpcStream();
    const subscription = clientSubscription<number>(grpc);
    const feed = new SubscriptionFeed<number>(subscription, 5, 2);
    for (let n = 0; n < 200; n++) grpc.write(eventMessage(n));
    for (let i = 0; i < 20; i++) await tick();
    expect(subscription.isPaused()).toBe(true);
    // The client's buffers stop at their high-water marks and the rest waits upstream, where gRPC
    // flow control would hold it on the server.
    expect(subscription.readableLength + subscription.writableLength).toBeLessThanOrEqual(16 + 16);
    expect(grpc.readableLength + grpc.writableLength).toBeGreaterThan(100);
    const taken: number[] = [];
    while (taken.length < 200) {
      const item = (await feed.take()) as FeedItem<number>;
      if (item.kind === 'event') taken.push(item.value);
    }
    expect(taken).toEqual(Array.from({ length: 200 }, (_, n) => n));
    feed.close();
    await subscription.unsubscribe();
    expect(grpc.cancelled).toBe(true);
  });

  it('delivers the queued events, then the error', async () => {
    const grpc = fakeGrpcStream();
    const subscription = clientSubscription<number>(grpc);
    const feed = new SubscriptionFeed<number>(subscription);
    grpc.write(eventMessage(1));
    await tick();
    const failure = new UnavailableError(undefined, 'connection reset');
    subscription.emit('error', failure);
    expect(await feed.take()).toEqual({ kind: 'event', value: 1 });
    await expect(feed.take()).rejects.toBe(failure);
    feed.close();
    subscription.emit('error', new Error('late, after close')); // must not crash
  });
});

// ---------------------------------------------------------------------------------------------
// The adapter against a scripted client.

type Stored = AllStreamRecordedEvent;

/**
 * Answers like the client over a KurrentDB server, as far as the adapter depends on it: appends
 * check the expected state, treat ids already at the target revisions as an idempotent success
 * (ids only, as the server does) and throw WrongExpectedVersionError; an unknown stream reads as
 * StreamNotFoundError; $all reads start inclusively at a position and apply the server filter.
 */
class ScriptedClient {
  readonly log: Stored[] = [];
  readonly subscriptions: FakeGrpcStream[] = [];
  private nextPosition = 1_000n;

  /** Set to make the next multi-stream append fail with it, whatever the streams hold. */
  failNextMultiAppend: Error | null = null;
  multiAppendsSent = 0;

  async appendToStream(stream: string, events: EventData[], { streamState }: { streamState: AppendStreamState }) {
    const decision = this.decide(stream, events, streamState);
    if (decision.kind === 'conflict') throw decision.error;
    if (decision.kind === 'idempotent') return { success: true, nextExpectedRevision: BigInt(decision.revision), position: undefined };
    const first = this.nextPosition;
    const revision = this.writeAll(stream, events);
    return { success: true, nextExpectedRevision: BigInt(revision), position: at(first) };
  }

  /**
   * All streams or none. Every stream an idempotent retry: success; some of them and not all: the
   * server's handler fails (gRPC UNKNOWN) instead of naming a stream; else the first conflict.
   */
  async multiStreamAppend(requests: Array<{ streamName: string; events: EventData[]; expectedState: AppendStreamState }>) {
    this.multiAppendsSent += 1;
    if (this.failNextMultiAppend) {
      const failure = this.failNextMultiAppend;
      this.failNextMultiAppend = null;
      throw failure;
    }
    const decisions = requests.map(({ streamName, events, expectedState }) => this.decide(streamName, events, expectedState));
    const idempotent = decisions.filter((decision) => decision.kind === 'idempotent').length;
    if (idempotent > 0 && idempotent < requests.length) throw convertToCommandError(serverHandlerFailure());
    const conflict = decisions.find((decision) => decision.kind === 'conflict');
    if (conflict?.kind === 'conflict') throw conflict.error;
    const position = this.nextPosition;
    const responses = requests.map(({ streamName, events }, i) => {
      const decision = decisions[i]!;
      const revision = decision.kind === 'idempotent' ? decision.revision : this.writeAll(streamName, events);
      return { streamName, revision: BigInt(revision) };
    });
    return { position, responses };
  }

  /** The server's commit decision for one stream: ids already where the expected state puts them are a retry. */
  private decide(
    stream: string,
    events: EventData[],
    streamState: AppendStreamState,
  ): { kind: 'write' } | { kind: 'idempotent'; revision: number } | { kind: 'conflict'; error: WrongExpectedVersionError } {
    const current = this.log.filter((event) => event.streamId === stream);
    const last = current.length - 1;
    const expectedLast = streamState === NO_STREAM ? -1 : typeof streamState === 'bigint' ? Number(streamState) : null;
    const conflict = () => ({
      kind: 'conflict' as const,
      error: new WrongExpectedVersionError(undefined, { streamName: stream, expected: streamState, current: last < 0 ? 'no_stream' : BigInt(last) }),
    });
    if (expectedLast !== null) {
      const there = current.slice(expectedLast + 1, expectedLast + 1 + events.length);
      if (there.length === events.length && there.every((event, i) => event.id === events[i]!.id)) {
        return { kind: 'idempotent', revision: expectedLast + events.length };
      }
      if (last !== expectedLast) return conflict();
    } else if (streamState === STREAM_EXISTS && last < 0) {
      return conflict();
    }
    return { kind: 'write' };
  }

  /** Appends to the end of the stream; returns the stream's new last revision. */
  private writeAll(stream: string, events: EventData[]): number {
    const last = this.log.filter((event) => event.streamId === stream).length - 1;
    events.forEach((event, i) => this.write(storedAs(event, stream, last + 1 + i, at(this.nextPosition))));
    return last + events.length;
  }

  readStream(stream: string, options: { direction?: string; fromRevision?: bigint | string; maxCount?: number | bigint }) {
    const events = this.log.filter((event) => event.streamId === stream);
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision;
    const selected = (backwards ? [...events].reverse() : events)
      .filter((event) => typeof from !== 'bigint' || (backwards ? event.revision <= from : event.revision >= from))
      .slice(0, Number(options.maxCount ?? Number.MAX_SAFE_INTEGER));
    return (async function* () {
      if (events.length === 0) throw new StreamNotFoundError(undefined, stream);
      for (const event of selected) yield { event };
    })();
  }

  readAll(options: { direction?: string; fromPosition?: Position | string; maxCount?: number | bigint; filter?: Filter }) {
    const backwards = options.direction === 'backwards';
    const from = options.fromPosition;
    const selected = (backwards ? [...this.log].reverse() : this.log)
      .filter((event) => typeof from !== 'object' || (backwards ? event.position.commit <= from.commit : event.position.commit >= from.commit))
      .filter((event) => passes(options.filter, event))
      .slice(0, Number(options.maxCount ?? Number.MAX_SAFE_INTEGER));
    return (async function* () {
      for (const event of selected) yield { event };
    })();
  }

  subscribeToAll(options: { fromPosition?: Position | string; filter?: Filter }) {
    const grpc = fakeGrpcStream();
    this.subscriptions.push(grpc);
    const from = options.fromPosition;
    const live = (event: Stored) => {
      if (passes(options.filter, event)) grpc.write(eventMessage(event));
    };
    // Exclusive start, as the server does for subscriptions.
    for (const event of this.log) if (typeof from !== 'object' || event.position.commit > from.commit) live(event);
    grpc.write(caughtUpMessage());
    this.listeners.push(live);
    return clientSubscription(grpc, (event) => ({ event }));
  }

  async dispose(): Promise<void> {}

  /** Writes an event as another process would, e.g. a system event. */
  write(event: Stored): void {
    this.log.push(event);
    this.nextPosition += 100n;
    for (const listener of this.listeners) listener(event);
  }

  private readonly listeners: Array<(event: Stored) => void> = [];
}

function passes(filter: Filter | undefined, event: Stored): boolean {
  if (!filter) return true;
  const subject = filter.filterOn === 'eventType' ? event.type : event.streamId;
  return 'regex' in filter ? new RegExp(filter.regex).test(subject) : filter.prefixes.some((prefix) => subject.startsWith(prefix));
}

function storeWith(client: ScriptedClient): KurrentDbEventStore {
  return new KurrentDbEventStore(client as unknown as KurrentDBClient);
}

describe('KurrentDbEventStore against a scripted client', () => {
  it('appends, reads back and reports the exact position of the last event', async () => {
    const client = new ScriptedClient();
    const store = storeWith(client);
    const [a, b] = [newEvent(), newEvent({ type: 'BidWithdrawn', data: { reason: 'late' } })];
    const result = await store.append({ stream: 'bid-1', expected: 'no_stream', events: [a, b] });
    expect(result).toEqual({ stream: 'bid-1', revision: 1, position: { commit: 1_100n, prepare: 1_100n } });
    const read = await store.readStream('bid-1');
    expect(read.map((event) => [event.eventId, event.type, event.revision, event.schemaVersion])).toEqual([
      [a.eventId, 'BidSubmitted', 0, 2],
      [b.eventId, 'BidWithdrawn', 1, 2],
    ]);
    expect(read[1]!.metadata).toEqual(METADATA);
  });

  it('treats a retry with the same events as a success, and a reused id with other content as DuplicateEventIdError', async () => {
    const client = new ScriptedClient();
    const store = storeWith(client);
    const event = newEvent();
    const first = await store.append({ stream: 'bid-1', expected: 'no_stream', events: [event] });
    const retry = await store.append({ stream: 'bid-1', expected: 'no_stream', events: [event] });
    expect(retry).toEqual(first);
    expect(client.log).toHaveLength(1);
    const impostor = { ...event, data: { bidId: 'b1', amount: { cents: 1, currency: 'EUR' } } };
    await expect(store.append({ stream: 'bid-1', expected: 'no_stream', events: [impostor] })).rejects.toBeInstanceOf(
      DuplicateEventIdError,
    );
  });

  it('maps a conflict to ConcurrencyError and refuses bad input before sending anything', async () => {
    const client = new ScriptedClient();
    const store = storeWith(client);
    await store.append({ stream: 'bid-1', expected: 'no_stream', events: [newEvent()] });
    await expect(store.append({ stream: 'bid-1', expected: 5, events: [newEvent()] })).rejects.toMatchObject({
      name: 'ConcurrencyError',
      stream: 'bid-1',
      expected: 5,
      actual: 0,
    });
    await expect(store.append({ stream: 'bad stream', expected: 'any', events: [newEvent()] })).rejects.toBeInstanceOf(
      InvalidAppendError,
    );
    expect(client.log).toHaveLength(1);
  });

  it('reads an unknown stream as empty', async () => {
    expect(await storeWith(new ScriptedClient()).readStream('bid-404')).toEqual([]);
  });

  it('reads $all strictly after a position, without system events, paging past events dropped here', async () => {
    const client = new ScriptedClient();
    const store = storeWith(client);
    const r1 = await store.append({ stream: 'bid-1', expected: 'no_stream', events: [newEvent()] });
    client.write(storedAs(toEventData(prepared(newEvent({ type: 'Noise' })), '$noise-1'), '$noise-1', 0, at(1_100n)));
    await store.append({ stream: 'bid-2', expected: 'no_stream', events: [newEvent({ type: 'BidSubmittedLate' })] });
    const r3 = await store.append({ stream: 'bid-3', expected: 'no_stream', events: [newEvent()] });

    const afterFirst = await store.readAll({ after: r1.position, limit: 10 });
    expect(afterFirst.map((event) => event.stream)).toEqual(['bid-2', 'bid-3']);

    const paged = await store.readAll({ after: r1.position, limit: 1 });
    expect(paged.map((event) => event.stream)).toEqual(['bid-2']);
    expect(await store.headPosition()).toEqual(r3.position);
  });

  it('subscribes: events after the checkpoint, caught-up in order, live events, unsubscribe on break', async () => {
    const client = new ScriptedClient();
    const store = storeWith(client);
    const r1 = await store.append({ stream: 'bid-1', expected: 'no_stream', events: [newEvent()] });
    const r2 = await store.append({ stream: 'bid-2', expected: 'no_stream', events: [newEvent()] });
    const r3 = await store.append({ stream: 'bid-3', expected: 'no_stream', events: [newEvent()] });

    const items: SubscriptionItem[] = [];
    for await (const item of store.subscribe({ after: r1.position })) {
      items.push(item);
      if (item.kind === 'caught-up') {
        await store.append({ stream: 'bid-4', expected: 'no_stream', events: [newEvent()] });
      }
      if (item.kind === 'event' && item.event.stream === 'bid-4') break;
    }
    const summary = items.map((item) => (item.kind === 'event' ? item.event.stream : `caught-up@${String(item.position?.commit)}`));
    expect(summary).toEqual(['bid-2', 'bid-3', `caught-up@${String(r3.position.commit)}`, 'bid-4']);
    expect((items[0] as { event: RecordedEvent }).event.position).toEqual(r2.position);
    expect(client.subscriptions[0]!.cancelled).toBe(true);
  });

  it('says caught-up at once when there is nothing after the checkpoint', async () => {
    const client = new ScriptedClient();
    const store = storeWith(client);
    const r1 = await store.append({ stream: 'bid-1', expected: 'no_stream', events: [newEvent()] });
    const iterator = store.subscribe({ after: r1.position })[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value).toEqual({ kind: 'caught-up', position: r1.position } satisfies SubscriptionItem);
    await iterator.return?.();
    const empty = storeWith(new ScriptedClient()).subscribe()[Symbol.asyncIterator]();
    expect((await empty.next()).value).toEqual({ kind: 'caught-up', position: null });
    await empty.return?.();
  });

  it('appends to several streams at once, and takes a whole retry as a success', async () => {
    const client = new ScriptedClient();
    const store = storeWith(client);
    const requests = [
      { stream: 'bid-1', expected: 'no_stream' as const, events: [newEvent()] },
      { stream: 'grant-1', expected: 'no_stream' as const, events: [newEvent({ type: 'GrantAwarded' }), newEvent({ type: 'DisbursementRecorded' })] },
    ];
    const result = await store.appendMulti(requests);
    expect(result.streams.map(({ stream, revision }) => [stream, revision])).toEqual([['bid-1', 0], ['grant-1', 1]]);
    expect(await store.appendMulti(requests)).toEqual(result);
    expect(client.log).toHaveLength(3);
  });

  it('reports an append repeating an earlier one only in part as DuplicateEventIdError, writing nothing', async () => {
    const client = new ScriptedClient();
    const store = storeWith(client);
    const bid = newEvent();
    await store.appendMulti([
      { stream: 'bid-1', expected: 'no_stream', events: [bid] },
      { stream: 'call-1', expected: 'no_stream', events: [newEvent({ type: 'CallOpened' })] },
    ]);
    const partly = store.appendMulti([
      { stream: 'bid-1', expected: 'no_stream', events: [bid] },
      { stream: 'grant-1', expected: 'no_stream', events: [newEvent({ type: 'GrantAwarded' })] },
    ]);
    await expect(partly).rejects.toMatchObject({ constructor: DuplicateEventIdError, eventId: bid.eventId, stream: 'bid-1' });
    expect(client.log).toHaveLength(2);
  });

  it('reports a partial repeat that also meets a moved stream as ConcurrencyError for that stream', async () => {
    const client = new ScriptedClient();
    const store = storeWith(client);
    const bid = newEvent();
    await store.append({ stream: 'bid-1', expected: 'no_stream', events: [bid] });
    await store.append({ stream: 'call-2', expected: 'no_stream', events: [newEvent({ type: 'CallOpened' })] });
    await expect(
      store.appendMulti([
        { stream: 'bid-1', expected: 'no_stream', events: [bid] },
        { stream: 'call-2', expected: 'no_stream', events: [newEvent({ type: 'CallOpened' })] },
      ]),
    ).rejects.toMatchObject({ constructor: ConcurrencyError, stream: 'call-2', expected: 'no_stream', actual: 0 });
  });

  it('reports an UnknownError the streams do not explain as an unknown outcome, with the client error as cause', async () => {
    const client = new ScriptedClient();
    const store = storeWith(client);
    const failure = convertToCommandError(serverHandlerFailure());
    client.failNextMultiAppend = failure;
    await expect(
      store.appendMulti([
        { stream: 'bid-1', expected: 'no_stream', events: [newEvent()] },
        { stream: 'grant-1', expected: 'no_stream', events: [newEvent()] },
      ]),
    ).rejects.toMatchObject({ constructor: AppendOutcomeUnknownError, cause: failure });
  });

  it('refuses two streams differing only in case before sending anything', async () => {
    const client = new ScriptedClient();
    await expect(
      storeWith(client).appendMulti([
        { stream: 'grant-1', expected: 'no_stream', events: [newEvent()] },
        { stream: 'Grant-1', expected: 'no_stream', events: [newEvent()] },
      ]),
    ).rejects.toMatchObject({ constructor: InvalidAppendError, code: 'DUPLICATE_STREAM' });
    expect(client.multiAppendsSent).toBe(0);
  });

  it('refuses calls after close', async () => {
    const store = storeWith(new ScriptedClient());
    await store.close();
    await expect(store.readAll()).rejects.toBeInstanceOf(EventStoreUnavailableError);
  });
});
