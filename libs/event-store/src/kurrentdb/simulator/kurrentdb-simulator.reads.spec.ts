/**
 * Reading from the simulated KurrentDB node as a client of it sees it: $all, a stream, deleted and
 * tombstoned streams, and catch-up subscriptions (KurrentDB v25.1.1, cited in simulator-storage.ts).
 */
import { describe, expect, it } from '@jest/globals';
import {
  ANY,
  BACKWARDS,
  END,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamDeletedError,
  StreamNotFoundError,
  StreamTombstonedError,
  UnavailableError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type Position,
} from '@kurrent/kurrentdb-client';
import type { SimulatedKurrentDbClient } from './kurrentdb-simulator.js';
import { all, event, failure, setUp } from '../../../test-support/simulated-node.js';

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
