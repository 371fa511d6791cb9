/**
 * The simulated KurrentDB node as a client of it sees it: each rule of the server it reproduces
 * (KurrentDB v25.1.1, cited in simulator-storage.ts), with the results and error classes of
 * @kurrent/kurrentdb-client 1.3.1.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  ANY,
  BACKWARDS,
  DeadlineExceededError,
  END,
  FORWARDS,
  NO_STREAM,
  NotLeaderError,
  START,
  STREAM_EXISTS,
  StreamDeletedError,
  StreamNotFoundError,
  StreamTombstonedError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendStreamRequest,
  type EventData,
  type Position,
} from '@kurrent/kurrentdb-client';
import { KurrentDbSimulator, type SimulatedKurrentDbClient } from './kurrentdb-simulator.js';

const event = (type = 'ThingHappened', id: string = randomUUID()): EventData =>
  jsonEvent({ id, type, data: { n: 1 }, metadata: { actor: 'spec' } });

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

async function failure(promise: Promise<unknown> | (() => Promise<unknown>)): Promise<unknown> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

const streamOf = async (client: SimulatedKurrentDbClient, stream: string) =>
  (await all(client.readStream(stream))).map((resolved) => [Number(resolved.event!.revision), resolved.event!.id]);

function setUp(options?: ConstructorParameters<typeof KurrentDbSimulator>[0]) {
  const node = new KurrentDbSimulator(options);
  return { node, client: node.connect() };
}

describe('appending to a stream', () => {
  it('numbers revisions from 0 and honours each expected state, failing as the client does', async () => {
    const { client } = setUp();
    const first = await client.appendToStream('bid-1', [event(), event()], { streamState: NO_STREAM });
    expect(first).toMatchObject({ success: true, nextExpectedRevision: 1n });
    expect(first.position!.commit).toBe(first.position!.prepare);
    expect(await client.appendToStream('bid-1', event(), { streamState: 1n })).toMatchObject({
      nextExpectedRevision: 2n,
    });
    expect(await client.appendToStream('bid-1', event(), { streamState: STREAM_EXISTS })).toMatchObject({
      nextExpectedRevision: 3n,
    });

    const conflict = await failure(client.appendToStream('bid-1', event(), { streamState: 1n }));
    expect(conflict).toBeInstanceOf(WrongExpectedVersionError);
    expect(conflict).toMatchObject({ streamName: 'bid-1', expectedState: 1n, actualState: 3n });
    expect(await failure(client.appendToStream('bid-2', event(), { streamState: STREAM_EXISTS }))).toMatchObject({
      constructor: WrongExpectedVersionError,
      streamName: 'bid-2',
      expectedState: STREAM_EXISTS,
      actualState: 'no_stream',
    });
    expect(await failure(client.appendToStream('bid-1', event(), { streamState: NO_STREAM }))).toMatchObject({
      expectedState: NO_STREAM,
      actualState: 3n,
    });
  });

  it('answers a retry of ids already at the expected revision + 1… as the first append, even after the stream moved on', async () => {
    const { client } = setUp();
    await client.appendToStream('bid-1', event(), { streamState: NO_STREAM });
    const batch = [event('A'), event('B')];
    const first = await client.appendToStream('bid-1', batch, { streamState: 0n });
    await client.appendToStream('bid-1', event('C'), { streamState: 2n });
    const retry = await client.appendToStream('bid-1', batch, { streamState: 0n });
    expect(retry).toEqual(first);
    expect(await streamOf(client, 'bid-1')).toHaveLength(4);
  });

  it('refuses a retry whose ids match only in part (corrupted idempotency) or not from the first', async () => {
    const { client } = setUp();
    const [a, b] = [event('A'), event('B')];
    await client.appendToStream('bid-1', [a, b], { streamState: NO_STREAM });
    expect(await failure(client.appendToStream('bid-1', [a, event('X')], { streamState: NO_STREAM }))).toMatchObject({
      constructor: WrongExpectedVersionError,
      actualState: 1n,
    });
    expect(await failure(client.appendToStream('bid-1', [event('X'), b], { streamState: NO_STREAM }))).toBeInstanceOf(
      WrongExpectedVersionError,
    );
    expect(await streamOf(client, 'bid-1')).toEqual([
      [0, a.id],
      [1, b.id],
    ]);
  });

  it('writes ids already stored again when they are appended at the current revision, as the server does', async () => {
    const { client } = setUp();
    const a = event('A');
    await client.appendToStream('bid-1', a, { streamState: NO_STREAM });
    expect(await client.appendToStream('bid-1', a, { streamState: 0n })).toMatchObject({ nextExpectedRevision: 1n });
    expect(await streamOf(client, 'bid-1')).toEqual([
      [0, a.id],
      [1, a.id],
    ]);
  });

  it('answers a retry naming no revision from the recent ids it remembers, and writes it again once they are forgotten', async () => {
    const { client } = setUp({ idempotencyWindow: 3 });
    const a = event('A');
    const first = await client.appendToStream('bid-1', a, { streamState: ANY });
    expect(await client.appendToStream('bid-1', a, { streamState: ANY })).toEqual(first);
    expect(await failure(client.appendToStream('bid-1', [a, event('X')], { streamState: ANY }))).toBeInstanceOf(
      WrongExpectedVersionError,
    );
    await client.appendToStream('bid-2', [event(), event(), event()], { streamState: ANY });
    expect(await client.appendToStream('bid-1', a, { streamState: ANY })).toMatchObject({ nextExpectedRevision: 1n });
  });
});

describe('appending to several streams at once', () => {
  it('writes all or nothing, names the conflicting stream, and answers a whole retry as the first append', async () => {
    const { client } = setUp();
    await client.appendToStream('call-1', event(), { streamState: NO_STREAM });
    const requests: AppendStreamRequest[] = [
      { streamName: 'call-1', events: [event('CallBudgetCommitted')], expectedState: 0n },
      { streamName: 'grant-1', events: [event('GrantAwarded')], expectedState: NO_STREAM },
    ];
    const conflict = await failure(client.multiStreamAppend([{ ...requests[0]!, expectedState: 5n }, requests[1]!]));
    expect(conflict).toMatchObject({
      constructor: WrongExpectedVersionError,
      streamName: 'call-1',
      expectedState: 5n,
      actualState: 0n,
    });
    expect(await failure(all(client.readStream('grant-1')))).toBeInstanceOf(StreamNotFoundError);

    const first = await client.multiStreamAppend(requests);
    expect(first.responses).toEqual([
      { streamName: 'call-1', revision: 1n },
      { streamName: 'grant-1', revision: 0n },
    ]);
    expect(await client.multiStreamAppend(requests)).toEqual(first);
  });

  it('fails an append repeating an earlier one only in part with UnknownError, writing nothing', async () => {
    const { client } = setUp();
    const bid = event('BidSubmitted');
    await client.multiStreamAppend([{ streamName: 'bid-1', events: [bid], expectedState: NO_STREAM }]);
    const partly = await failure(
      client.multiStreamAppend([
        { streamName: 'bid-1', events: [bid], expectedState: NO_STREAM },
        { streamName: 'grant-1', events: [event('GrantAwarded')], expectedState: NO_STREAM },
      ]),
    );
    expect(partly).toBeInstanceOf(UnknownError);
    expect((partly as Error).message).toContain('Exception was thrown by handler.');
    expect(await failure(all(client.readStream('grant-1')))).toBeInstanceOf(StreamNotFoundError);
  });

  it('reads back the metadata it took as properties, with the schema the server adds', async () => {
    const { client } = setUp();
    await client.multiStreamAppend([{ streamName: 'bid-1', events: [event('BidSubmitted')], expectedState: ANY }]);
    const [read] = await all(client.readStream('bid-1'));
    expect(read!.event!.metadata).toEqual({ actor: 'spec', '$schema.name': 'BidSubmitted', '$schema.format': 'Json' });
    await expect(
      client.multiStreamAppend([
        { streamName: 'bid-2', events: [jsonEvent({ type: 'T', data: {}, metadata: { n: 1 } })], expectedState: ANY },
      ]),
    ).rejects.toThrow(/string values/);
  });
});

describe('$all', () => {
  async function logOf(
    client: SimulatedKurrentDbClient,
    options: Parameters<SimulatedKurrentDbClient['readAll']>[0] = {},
  ) {
    return (await all(client.readAll(options))).map((resolved: AllStreamResolvedEvent) => resolved.event!);
  }

  it('holds every record with strictly increasing positions, starting with a system event', async () => {
    const { client } = setUp();
    await client.appendToStream('bid-1', [event(), event()], { streamState: NO_STREAM });
    await client.appendToStream('bid-2', event(), { streamState: NO_STREAM });
    const log = await logOf(client);
    expect(log[0]!.streamId).toBe('$$$scavenges');
    expect(log.map((e) => e.streamId)).toEqual(['$$$scavenges', 'bid-1', 'bid-1', 'bid-2']);
    for (let i = 1; i < log.length; i++) expect(log[i]!.position!.commit).toBeGreaterThan(log[i - 1]!.position!.commit);
    expect((await logOf(client, { filter: excludeSystemEvents() })).map((e) => e.streamId)).toEqual([
      'bid-1',
      'bid-1',
      'bid-2',
    ]);
  });

  it('reads forwards from a position inclusively, backwards from one exclusively, up to maxCount', async () => {
    const { client } = setUp();
    for (let i = 0; i < 5; i++) await client.appendToStream('bid-1', event(`E${i}`), { streamState: ANY });
    const log = await logOf(client, { filter: excludeSystemEvents() });
    const at = (i: number): Position => log[i]!.position!;
    expect((await logOf(client, { fromPosition: at(2), maxCount: 2 })).map((e) => e.type)).toEqual(['E2', 'E3']);
    expect((await logOf(client, { fromPosition: at(2), direction: BACKWARDS })).map((e) => e.type)).toEqual([
      'E1',
      'E0',
      '$metadata',
    ]);
    expect((await logOf(client, { fromPosition: END, direction: BACKWARDS, maxCount: 2 })).map((e) => e.type)).toEqual([
      'E4',
      'E3',
    ]);
    expect(await logOf(client, { fromPosition: END })).toEqual([]);
  });
});

describe('reading a stream, deleting it', () => {
  it('reads forwards and backwards from a revision, with maxCount', async () => {
    const { client } = setUp();
    await client.appendToStream(
      'bid-1',
      Array.from({ length: 5 }, (_, i) => event(`E${i}`)),
      { streamState: NO_STREAM },
    );
    const types = async (options: Parameters<SimulatedKurrentDbClient['readStream']>[1]) =>
      (await all(client.readStream('bid-1', options))).map((r) => r.event!.type);
    expect(await types({ fromRevision: 2n, maxCount: 2, direction: FORWARDS })).toEqual(['E2', 'E3']);
    expect(await types({ fromRevision: 3n, maxCount: 2, direction: BACKWARDS })).toEqual(['E3', 'E2']);
    expect(await types({ fromRevision: END, maxCount: 1, direction: BACKWARDS })).toEqual(['E4']);
    expect(await types({ fromRevision: START })).toHaveLength(5);
  });

  it('reads a soft-deleted stream as not found, refuses it to "exists", and continues its revisions when written again', async () => {
    const { client } = setUp();
    await client.appendToStream('bid-1', [event('A'), event('B')], { streamState: NO_STREAM });
    await client.deleteStream('bid-1');
    expect(await failure(all(client.readStream('bid-1')))).toMatchObject({
      constructor: StreamNotFoundError,
      streamName: 'bid-1',
    });
    expect(await failure(client.appendToStream('bid-1', event(), { streamState: STREAM_EXISTS }))).toBeInstanceOf(
      StreamDeletedError,
    );
    const again = await client.appendToStream('bid-1', event('C'), { streamState: NO_STREAM });
    expect(again.nextExpectedRevision).toBe(2n);
    expect((await all(client.readStream('bid-1'))).map((r) => [r.event!.type, r.event!.revision])).toEqual([['C', 2n]]);
    // Soft delete: `$tb` = long.MaxValue (DeletedStream); written again: `$tb` = the first new revision.
    const metadata = (await all(client.readAll())).map((r) => r.event!).filter((e) => e.streamId === '$$bid-1');
    expect(metadata.map((e) => (e.data as { $tb: number }).$tb)).toEqual([Number(2n ** 63n - 1n), 2]);
  });

  it('refuses a tombstoned stream for good: reads, appends of every kind, deletes', async () => {
    const { client } = setUp();
    await client.appendToStream('bid-1', event(), { streamState: NO_STREAM });
    const { position } = await client.tombstoneStream('bid-1');
    expect(position).toBeDefined();
    expect(await failure(all(client.readStream('bid-1')))).toMatchObject({
      constructor: StreamDeletedError,
      streamName: 'bid-1',
    });
    expect(await failure(client.appendToStream('bid-1', event(), { streamState: ANY }))).toMatchObject({
      constructor: StreamDeletedError,
      streamName: 'bid-1',
    });
    expect(
      await failure(client.multiStreamAppend([{ streamName: 'bid-1', events: [event()], expectedState: ANY }])),
    ).toMatchObject({ constructor: StreamTombstonedError, stream: 'bid-1' });
    expect(await failure(client.tombstoneStream('bid-1'))).toBeInstanceOf(StreamDeletedError);
    const [tombstone] = (await all(client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 }))).map(
      (r) => r.event!,
    );
    expect(tombstone).toMatchObject({
      streamId: 'bid-1',
      type: '$streamDeleted',
      revision: 9_223_372_036_854_775_807n,
    });
  });

  it('refuses to soft-delete a stream that never existed', async () => {
    const { client } = setUp();
    expect(await failure(client.deleteStream('bid-404'))).toMatchObject({
      constructor: WrongExpectedVersionError,
      streamName: 'bid-404',
    });
  });
});

describe('catch-up subscriptions', () => {
  function collect(subscription: AllStreamSubscription, checkpoints: string[]) {
    const seen: string[] = [];
    subscription.on('data', (resolved: AllStreamResolvedEvent) => seen.push(resolved.event!.type));
    subscription.on('caughtUp', () => seen.push('caught-up'));
    return { seen, checkpoints };
  }
  const until = async (condition: () => boolean) => {
    for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
    expect(condition()).toBe(true);
  };
  /** A live subscription to $all (caught up), with what it delivers and the errors it fails with. */
  async function liveSubscription(client: SimulatedKurrentDbClient) {
    const subscription = client.subscribeToAll({ filter: excludeSystemEvents() });
    const errors: unknown[] = [];
    subscription.on('error', (error) => errors.push(error));
    const { seen } = collect(subscription, []);
    await until(() => seen.includes('caught-up'));
    return { errors, seen };
  }

  it('delivers the events after the position, checkpoints, caught-up, then live events, through the client Subscription', async () => {
    const { client } = setUp();
    for (let i = 0; i < 3; i++) await client.appendToStream('bid-1', event(`E${i}`), { streamState: ANY });
    const [, first] = (await all(client.readAll({ filter: excludeSystemEvents() }))).map((r) => r.event!.position!);
    const checkpoints: string[] = [];
    const subscription = client.subscribeToAll({
      fromPosition: first!,
      filter: excludeSystemEvents({
        checkpointReached: (_s, position) => void checkpoints.push(String(position.commit)),
      }),
    });
    const { seen } = collect(subscription, checkpoints);
    await until(() => seen.includes('caught-up'));
    expect(seen).toEqual(['E2', 'caught-up']);
    expect(checkpoints).toHaveLength(1);
    await client.appendToStream('bid-1', event('E3'), { streamState: ANY });
    await until(() => seen.length === 3);
    expect(seen[2]).toBe('E3');
    await subscription.unsubscribe();
  });

  it('sends a checkpoint every 32 records a filter considered', async () => {
    const { client } = setUp();
    for (let i = 0; i < 40; i++) await client.appendToStream(`bid-${i}`, event(), { streamState: ANY });
    const checkpoints: string[] = [];
    const subscription = client.subscribeToAll({
      filter: excludeSystemEvents({
        checkpointReached: (_s, position) => void checkpoints.push(String(position.commit)),
      }),
    });
    const { seen } = collect(subscription, checkpoints);
    await until(() => seen.includes('caught-up'));
    expect(checkpoints).toHaveLength(2);
    await subscription.unsubscribe();
  });

  it('fails live subscriptions with UnavailableError when the node drops them', async () => {
    const { node, client } = setUp();
    const { errors } = await liveSubscription(client);
    node.dropSubscriptions();
    await until(() => errors.length === 1);
    expect(errors[0]).toBeInstanceOf(UnavailableError);
  });

  it('drops a subscription at its next live event when that fault is asked for, delivering nothing more', async () => {
    const { node, client } = setUp();
    const { errors, seen } = await liveSubscription(client);
    node.failNext('drop-subscription');
    await client.appendToStream('bid-1', event('Lost'), { streamState: ANY });
    await until(() => errors.length === 1);
    expect(errors[0]).toBeInstanceOf(UnavailableError);
    expect(seen).toEqual(['caught-up']);
    expect(node.injectedFaults).toEqual([{ fault: 'drop-subscription', call: 'subscription-event' }]);
  });
});

describe('faults', () => {
  it('commit-then-fail writes the append and loses its answer', async () => {
    const { node, client } = setUp();
    node.failNext('commit-then-fail', { lostAnswer: 'deadline-exceeded' });
    expect(await failure(client.appendToStream('bid-1', event(), { streamState: NO_STREAM }))).toBeInstanceOf(
      DeadlineExceededError,
    );
    node.failNext('commit-then-fail', { lostAnswer: 'unavailable' });
    expect(
      await failure(client.multiStreamAppend([{ streamName: 'bid-2', events: [event()], expectedState: NO_STREAM }])),
    ).toBeInstanceOf(UnavailableError);
    expect(await streamOf(client, 'bid-1')).toHaveLength(1);
    expect(await streamOf(client, 'bid-2')).toHaveLength(1);
  });

  it('unavailable and not-leader fail before anything is written', async () => {
    const { node, client } = setUp();
    node.failNext('unavailable');
    expect(await failure(client.appendToStream('bid-1', event()))).toBeInstanceOf(UnavailableError);
    node.failNext('not-leader');
    const notLeader = await failure(client.appendToStream('bid-1', event()));
    expect(notLeader).toBeInstanceOf(NotLeaderError);
    expect((notLeader as NotLeaderError).leader.port).toBe(2113);
    expect(await failure(all(client.readStream('bid-1')))).toBeInstanceOf(StreamNotFoundError);
  });

  it('strikes the same calls for the same seed', async () => {
    const run = async (seed: number) => {
      const { node, client } = setUp({ seed, faults: { unavailable: 0.3, 'commit-then-fail': 0.3 } });
      for (let i = 0; i < 30; i++)
        await client.appendToStream('bid-1', event(), { streamState: ANY }).catch(() => undefined);
      return node.injectedFaults.map((f) => `${f.fault}:${f.lostAnswer ?? ''}`);
    };
    const [a, b, c] = [await run(42), await run(42), await run(7)];
    expect(a).toEqual(b);
    expect(a.length).toBeGreaterThan(0);
    expect(a).not.toEqual(c);
  });
});
