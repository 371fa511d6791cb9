/**
 * The decided state a process keeps between commands: a stream is folded once, then only what was
 * appended since is read and folded on, whichever writer appended it; a command found again in the
 * stream, a gap, a conflict or a full cache makes the next read a full one.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it, jest } from '@jest/globals';
import { InMemoryEventStore, type EventStore, type ReadStreamOptions } from '@app/event-store';
import type { Evolving, FundingEvent } from '@app/funding';
import { DecidedStateCache } from './decided-state-cache.js';

/** A fold that keeps the types it saw, in order, and where. */
const SEEN: Evolving<{ readonly types: readonly string[] }, FundingEvent> = {
  initialState: () => ({ types: [] }),
  evolve: (state, event, at) => ({ types: [...state.types, `${event.type}@${at?.position.slice(-2)}`] }),
};
const fold = SEEN as Evolving<unknown, FundingEvent>;

async function appendTo(store: EventStore, stream: string, commandId: string, ...types: string[]) {
  await store.append({
    stream,
    expected: 'any',
    events: types.map((type) => ({
      eventId: randomUUID(),
      type,
      schemaVersion: 1,
      data: {},
      metadata: {
        actor: 'spec',
        correlationId: 'c',
        causationId: null,
        commandId,
        recordedAt: '2026-01-01T00:00:00.000Z',
      },
    })),
  });
}

/** The store, with each readStream's stream and first revision asked. */
function watched() {
  const store = new InMemoryEventStore();
  const reads: Array<[string, number]> = [];
  const readStream = store.readStream.bind(store);
  jest.spyOn(store, 'readStream').mockImplementation((stream: string, options?: ReadStreamOptions) => {
    reads.push([stream, options?.fromRevision ?? 0]);
    return readStream(stream, options);
  });
  return { store, reads };
}

describe('DecidedStateCache', () => {
  it('reads a stream in full once, then only what was appended since, by any writer, folded on to the state a full read gives', async () => {
    const { store, reads } = watched();
    await appendTo(store, 'bid-1', 'cmd-1', 'BidSubmitted', 'BidEvaluated');
    const cache = new DecidedStateCache(store);
    const first = await cache.read('bid-1', fold, 'cmd-9');
    expect(first).toEqual({ state: { types: ['BidSubmitted@01', 'BidEvaluated@02'] }, revision: 1, own: [] });
    expect(await cache.read('bid-1', fold, 'cmd-9')).toEqual(first);
    await appendTo(store, 'bid-1', 'cmd-2', 'BidAwarded');
    const carried = await cache.read('bid-1', fold, 'cmd-9');
    expect(carried).toEqual({
      state: { types: ['BidSubmitted@01', 'BidEvaluated@02', 'BidAwarded@03'] },
      revision: 2,
      own: [],
    });
    expect(reads).toEqual([
      ['bid-1', 0],
      ['bid-1', 2],
      ['bid-1', 2],
    ]);
    expect(carried.state).toEqual((await new DecidedStateCache(store).read('bid-1', fold, 'cmd-9')).state);
  });

  it('knows a stream that does not exist yet as no stream, and reads it from its first revision', async () => {
    const { store, reads } = watched();
    const cache = new DecidedStateCache(store);
    expect(await cache.read('bid-2', fold, 'cmd-1')).toEqual({ state: { types: [] }, revision: null, own: [] });
    await appendTo(store, 'bid-2', 'cmd-1', 'BidSubmitted');
    expect((await cache.read('bid-2', fold, 'cmd-3')).revision).toBe(0);
    expect(reads).toEqual([
      ['bid-2', 0],
      ['bid-2', 0],
    ]);
  });

  it('reads the whole stream for a command whose events it holds, and hands them back as its own', async () => {
    const { store, reads } = watched();
    await appendTo(store, 'grant-1', 'cmd-1', 'GrantAwarded');
    await appendTo(store, 'grant-1', 'cmd-2', 'DisbursementRecorded', 'AdvanceCovered');
    const cache = new DecidedStateCache(store);
    await cache.read('grant-1', fold, 'cmd-3');
    const retry = await cache.read('grant-1', fold, 'cmd-2');
    expect(retry.own.map((event) => event.type)).toEqual(['DisbursementRecorded', 'AdvanceCovered']);
    // The events appended since, for the command that appended them, are its own too.
    await appendTo(store, 'grant-1', 'cmd-4', 'DisbursementRecorded');
    expect((await cache.read('grant-1', fold, 'cmd-4')).own.map((event) => event.revision)).toEqual([3]);
    expect(reads.map(([, from]) => from)).toEqual([0, 0, 3]);
  });

  it('reads in full a stream it was told to forget (a conflict on it), and one whose events do not follow what it knew', async () => {
    const { store, reads } = watched();
    await appendTo(store, 'call-1', 'cmd-1', 'CallOpened');
    const cache = new DecidedStateCache(store);
    await cache.read('call-1', fold, 'cmd-9');
    cache.forget(['call-1']);
    await cache.read('call-1', fold, 'cmd-9');
    expect(reads.map(([, from]) => from)).toEqual([0, 0]);

    const gaps = new InMemoryEventStore();
    await appendTo(gaps, 'call-1', 'cmd-1', 'CallOpened', 'CallClosed');
    const skipping = new DecidedStateCache(gaps);
    await skipping.read('call-1', fold, 'cmd-9');
    const readStream = gaps.readStream.bind(gaps);
    // A store that answers a read from a revision with events from elsewhere in the stream.
    jest
      .spyOn(gaps, 'readStream')
      .mockImplementation((stream: string, options?: ReadStreamOptions) =>
        readStream(stream, options?.fromRevision ? { fromRevision: 0 } : options),
      );
    await appendTo(gaps, 'call-1', 'cmd-2', 'RankingApproved');
    expect((await skipping.read('call-1', fold, 'cmd-9')).state).toEqual({
      types: ['CallOpened@01', 'CallClosed@02', 'RankingApproved@03'],
    });
  });

  it('keeps at most as many streams as it is given, forgetting the least recently read', async () => {
    const { store, reads } = watched();
    for (const stream of ['bid-a', 'bid-b', 'bid-c']) await appendTo(store, stream, 'cmd-1', 'BidSubmitted');
    const cache = new DecidedStateCache(store, 2);
    await cache.read('bid-a', fold, 'cmd-9');
    await cache.read('bid-b', fold, 'cmd-9');
    await cache.read('bid-a', fold, 'cmd-9');
    await cache.read('bid-c', fold, 'cmd-9');
    reads.length = 0;
    await cache.read('bid-a', fold, 'cmd-9');
    await cache.read('bid-b', fold, 'cmd-9');
    expect(reads).toEqual([
      ['bid-a', 1],
      ['bid-b', 0],
    ]);
  });

  it('hands out frozen states: a decision that changed one would throw instead of leaking into the next command', async () => {
    const store = new InMemoryEventStore();
    await appendTo(store, 'bid-1', 'cmd-1', 'BidSubmitted');
    const { state } = await new DecidedStateCache(store).read('bid-1', fold, 'cmd-9');
    expect(() => (state as { types: string[] }).types.push('BidAwarded')).toThrow(TypeError);
  });
});
