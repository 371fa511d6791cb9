/**
 * The KurrentDB adapter against the simulated node (simulator/): what the port's callers see when
 * KurrentDB loses an answer, answers from a follower, drops a subscription, or holds a deleted
 * stream; the deadline on every call; and the URLs that open a KurrentDB store.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import {
  AppendOutcomeUnknownError,
  ConcurrencyError,
  DuplicateEventIdError,
  EventStoreUnavailableError,
} from '../event-store.errors.js';
import type { NewEvent } from '../event-store.port.js';
import { KurrentDbEventStore } from './kurrentdb-event-store.js';
import { StreamTombstonedError } from '../event-store.errors.js';
import { openKurrentDbEventStore, simulatedNode, simulatorName } from './kurrentdb-open.js';
import { KurrentDbSimulator } from './simulator/kurrentdb-simulator.js';

function newEvent(type = 'ThingHappened'): NewEvent {
  return {
    eventId: randomUUID(),
    type,
    schemaVersion: 1,
    data: { n: 1 },
    metadata: {
      actor: 'spec',
      correlationId: randomUUID(),
      causationId: null,
      commandId: null,
      recordedAt: '2026-11-25T10:00:00.000Z',
    },
  };
}

function setUp(options: ConstructorParameters<typeof KurrentDbEventStore>[1] = {}) {
  const node = new KurrentDbSimulator();
  const client = node.connect();
  return { node, client, store: new KurrentDbEventStore(client, options) };
}

describe('an append whose outcome the client cannot know', () => {
  it('is AppendOutcomeUnknownError when the answer is lost after the write; the retry as sent finds it', async () => {
    for (const lostAnswer of ['deadline-exceeded', 'unavailable'] as const) {
      const { node, store } = setUp();
      await store.append({ stream: 'bid-1', expected: 'no_stream', events: [newEvent('BidSubmitted')] });
      const request = { stream: 'bid-1', expected: 0, events: [newEvent('BidAmended')] };
      node.failNext('commit-then-fail', { lostAnswer });
      await expect(store.append(request)).rejects.toBeInstanceOf(AppendOutcomeUnknownError);
      const written = await store.readStream('bid-1');
      expect(written.map((e) => e.type)).toEqual(['BidSubmitted', 'BidAmended']);
      expect(await store.append(request)).toEqual({ stream: 'bid-1', revision: 1, position: written[1]!.position });
      expect(await store.readStream('bid-1')).toHaveLength(2);
    }
  });

  it('is AppendOutcomeUnknownError for a multi-stream append too, and the whole retry writes nothing more', async () => {
    const { node, store } = setUp();
    const requests = [
      { stream: 'call-1', expected: 'no_stream' as const, events: [newEvent('CallOpened')] },
      { stream: 'grant-1', expected: 'no_stream' as const, events: [newEvent('GrantAwarded')] },
    ];
    node.failNext('commit-then-fail');
    await expect(store.appendMulti(requests)).rejects.toBeInstanceOf(AppendOutcomeUnknownError);
    const retry = await store.appendMulti(requests);
    expect(retry.streams.map((s) => s.revision)).toEqual([0, 0]);
    expect(await store.readAll()).toHaveLength(2);
  });

  it('is AppendOutcomeUnknownError when the connection fails, as the client cannot tell before from after', async () => {
    const { node, store } = setUp();
    node.failNext('unavailable', { on: 'append' });
    await expect(store.append({ stream: 'bid-1', expected: 'no_stream', events: [newEvent()] })).rejects.toBeInstanceOf(
      AppendOutcomeUnknownError,
    );
    expect(await store.readStream('bid-1')).toEqual([]);
  });

  it('is AppendOutcomeUnknownError when the append was taken but reading it back failed', async () => {
    const { node, store } = setUp();
    node.failNext('unavailable', { on: 'read-from-leader' });
    const failure = store.append({ stream: 'bid-1', expected: 'no_stream', events: [newEvent()] });
    await expect(failure).rejects.toMatchObject({
      constructor: AppendOutcomeUnknownError,
      message: expect.stringContaining('reading it back failed'),
    });
    expect(await store.readStream('bid-1')).toHaveLength(1);
  });
});

describe('an append refused before anything is written', () => {
  it('is EventStoreUnavailableError naming the leader when a follower answers', async () => {
    const { node, store } = setUp();
    node.failNext('not-leader');
    const failure = await store
      .append({ stream: 'bid-1', expected: 'no_stream', events: [newEvent()] })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(EventStoreUnavailableError);
    expect(failure).not.toBeInstanceOf(AppendOutcomeUnknownError);
    expect((failure as Error).message).toMatch(
      /not the leader \(the leader is leader\.kurrentdb-simulator\.invalid:2113\)/,
    );
    expect(await store.readStream('bid-1')).toEqual([]);
  });

  it('is DuplicateEventIdError when a multi-stream append repeats an earlier one in part (KurrentDB refuses it)', async () => {
    const { store } = setUp();
    const bid = newEvent('BidSubmitted');
    await store.append({ stream: 'bid-1', expected: 'no_stream', events: [bid] });
    const partly = store.appendMulti([
      { stream: 'bid-1', expected: 'no_stream', events: [bid] },
      { stream: 'grant-1', expected: 'no_stream', events: [newEvent('GrantAwarded')] },
    ]);
    await expect(partly).rejects.toMatchObject({
      constructor: DuplicateEventIdError,
      eventId: bid.eventId,
      stream: 'bid-1',
    });
    expect(await store.readStream('grant-1')).toEqual([]);
  });
});

describe('deleted streams', () => {
  it('reports a tombstoned stream on read and on append as StreamTombstonedError', async () => {
    const { client, store } = setUp();
    await store.append({ stream: 'bid-1', expected: 'no_stream', events: [newEvent()] });
    await client.tombstoneStream('bid-1');
    await expect(store.readStream('bid-1')).rejects.toMatchObject({
      constructor: StreamTombstonedError,
      code: 'STREAM_TOMBSTONED',
      stream: 'bid-1',
    });
    await expect(store.append({ stream: 'bid-1', expected: 'any', events: [newEvent()] })).rejects.toBeInstanceOf(
      StreamTombstonedError,
    );
    await expect(
      store.appendMulti([
        { stream: 'bid-1', expected: 0, events: [newEvent()] },
        { stream: 'bid-2', expected: 'no_stream', events: [newEvent()] },
      ]),
    ).rejects.toMatchObject({ constructor: StreamTombstonedError, stream: 'bid-1' });
  });

  it('reads a soft-deleted stream as empty, refuses it to "exists" as absent, and continues its revisions when written again', async () => {
    const { client, store } = setUp();
    await store.append({ stream: 'bid-1', expected: 'no_stream', events: [newEvent(), newEvent()] });
    await client.deleteStream('bid-1');
    expect(await store.readStream('bid-1')).toEqual([]);
    await expect(store.append({ stream: 'bid-1', expected: 'exists', events: [newEvent()] })).rejects.toMatchObject({
      constructor: ConcurrencyError,
      stream: 'bid-1',
      expected: 'exists',
      actual: null,
    });
    expect((await store.append({ stream: 'bid-1', expected: 'no_stream', events: [newEvent('Again')] })).revision).toBe(
      2,
    );
    expect((await store.readStream('bid-1')).map((e) => [e.type, e.revision])).toEqual([['Again', 2]]);
  });
});

describe('subscriptions', () => {
  it('end with EventStoreUnavailableError when KurrentDB drops them', async () => {
    const { node, store } = setUp();
    await store.append({ stream: 'bid-1', expected: 'no_stream', events: [newEvent()] });
    const iterator = store.subscribe()[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ kind: 'event' });
    expect((await iterator.next()).value).toMatchObject({ kind: 'caught-up' });
    const next = iterator.next();
    node.dropSubscriptions();
    await expect(next).rejects.toBeInstanceOf(EventStoreUnavailableError);
  });
});

describe('deadlines', () => {
  it('gives every append the deadline, 10 s unless configured', async () => {
    for (const [options, deadline] of [
      [{}, 10_000],
      [{ deadlineMs: 2_500 }, 2_500],
    ] as const) {
      const { client, store } = setUp(options);
      const append = jest.spyOn(client, 'appendToStream');
      await store.append({ stream: 'bid-1', expected: 'no_stream', events: [newEvent()] });
      expect(append.mock.calls[0]![2]).toMatchObject({ deadline });
    }
  });

  it('fails a read KurrentDB does not answer with EventStoreUnavailableError once the deadline has passed', async () => {
    const { client } = setUp();
    const silence = {
      next: () => new Promise<never>(() => undefined),
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    jest.spyOn(client, 'readStream').mockImplementation(() => silence as never);
    const store = new KurrentDbEventStore(client, { deadlineMs: 50 });
    await expect(store.readStream('bid-1')).rejects.toMatchObject({
      constructor: EventStoreUnavailableError,
      message: expect.stringContaining('did not answer in time'),
    });
    expect(() => new KurrentDbEventStore(client, { deadlineMs: 0 })).toThrow(RangeError);
  });
});

describe('opening a KurrentDB store by URL', () => {
  const environment = process.env['NODE_ENV'];
  afterEach(() => {
    process.env['NODE_ENV'] = environment;
  });

  it('opens the real adapter over the simulator, one node per name', async () => {
    const name = `spec-${randomUUID().slice(0, 8)}`;
    const one = await openKurrentDbEventStore(`kurrentdb-simulator://${name}`);
    const two = await openKurrentDbEventStore(`kurrentdb-simulator://${name}/`);
    const other = await openKurrentDbEventStore('kurrentdb-simulator://');
    expect(one).toBeInstanceOf(KurrentDbEventStore);
    await one.append({ stream: 'bid-1', expected: 'no_stream', events: [newEvent()] });
    expect(await two.readStream('bid-1')).toHaveLength(1);
    expect(await other.readStream('bid-1')).toEqual([]);
    expect(await simulatedNode(name)).toBe(await simulatedNode(name));
    expect(simulatorName('kurrentdb-simulator://')).toBe('default');
    expect(simulatorName('kurrentdb://localhost:2113')).toBeNull();
    expect(() => simulatorName('kurrentdb-simulator://a?tls=false')).toThrow(/Invalid KurrentDB simulator URL/);
  });

  it('refuses the simulator in production', async () => {
    process.env['NODE_ENV'] = 'production';
    await expect(openKurrentDbEventStore('kurrentdb-simulator://')).rejects.toThrow(
      /refused when NODE_ENV is production/,
    );
  });

  it('connects anything else through the client, refusing what the adapter cannot work with', async () => {
    await expect(openKurrentDbEventStore('kurrentdb://localhost:2113?throwOnAppendFailure=false')).rejects.toThrow(
      /needs a failed append to throw/,
    );
    expect(() => KurrentDbEventStore.connect('kurrentdb-simulator://')).toThrow(/open it with openKurrentDbEventStore/);
  });
});
