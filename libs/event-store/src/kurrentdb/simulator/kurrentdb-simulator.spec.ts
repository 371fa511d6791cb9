/**
 * The simulated KurrentDB node as a client of it sees it: each rule of the server it reproduces
 * (KurrentDB v25.1.1, cited in simulator-storage.ts), with the results and error classes of
 * @kurrent/kurrentdb-client 1.3.1. Here appends and faults; reads, deletes and subscriptions in
 * kurrentdb-simulator.reads.spec.ts.
 */
import { describe, expect, it } from '@jest/globals';
import {
  ANY,
  DeadlineExceededError,
  NO_STREAM,
  NotLeaderError,
  STREAM_EXISTS,
  StreamNotFoundError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
  jsonEvent,
  type AppendStreamRequest,
} from '@kurrent/kurrentdb-client';
import { all, event, failure, setUp, streamOf } from '../../../test-support/simulated-node.js';

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
