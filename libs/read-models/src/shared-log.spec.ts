import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  EventDecodingError,
  EventStoreUnavailableError,
  InMemoryEventStore,
  type EventStore,
  type LogPosition,
  type SubscriptionItem,
} from '@app/event-store';
import { DroppingEventStore } from '../test-support/dropping-event-store.js';
import { SharedLog } from './shared-log.js';
import { RECONNECT_BACKOFF, backoffDelay, type LogItem } from './resubscription.js';

async function logOf(count: number): Promise<{ store: InMemoryEventStore; positions: LogPosition[] }> {
  const store = new InMemoryEventStore();
  const positions: LogPosition[] = [];
  for (let i = 0; i < count; i++) {
    const result = await store.append({
      stream: `bid-${i % 7}`,
      expected: 'any',
      events: [
        {
          eventId: randomUUID(),
          type: 'CallClosed',
          schemaVersion: 1,
          data: { callId: `c${i}`, closedAt: '' },
          metadata: { actor: 't', correlationId: 'c', causationId: null, commandId: null, recordedAt: '' },
        },
      ],
    });
    positions.push(result.position);
  }
  return { store, positions };
}

/** Takes events until the first caught-up mark. */
async function untilCaughtUp(items: AsyncGenerator<LogItem>, slow = false): Promise<string[]> {
  const seen: string[] = [];
  for await (const item of items) {
    if (item.kind === 'caught-up') break;
    if (item.kind === 'interrupted') continue;
    seen.push(String(item.event.position.commit));
    if (slow && seen.length % 500 === 0) await new Promise((r) => setTimeout(r, 1));
  }
  return seen;
}

describe('one read of the log shared by projections', () => {
  it('gives each subscriber the events after its own checkpoint, in order, then the caught-up mark', async () => {
    const { store, positions } = await logOf(50);
    const shared = new SharedLog(store, 3);
    const [all, fromTen, fromForty] = await Promise.all([
      untilCaughtUp(shared.subscribe({ after: null })),
      untilCaughtUp(shared.subscribe({ after: positions[9]! })),
      untilCaughtUp(shared.subscribe({ after: positions[39]! })),
    ]);
    const commits = positions.map((p) => String(p.commit));
    expect(all).toEqual(commits);
    expect(fromTen).toEqual(commits.slice(10));
    expect(fromForty).toEqual(commits.slice(40));
  });

  it('hands a subscriber of chunks what arrived together, in order, at most a chunk at a time', async () => {
    const { store, positions } = await logOf(700);
    const shared = new SharedLog(store, 2, { chunk: 100 });
    const read = async (after: LogPosition | null) => {
      const chunks: string[][] = [];
      for await (const chunk of shared.subscribeChunks({ after })) {
        const events = chunk.flatMap((item) => (item.kind === 'event' ? [String(item.event.position.commit)] : []));
        chunks.push(events);
        if (chunk.at(-1)?.kind === 'caught-up') break;
      }
      return chunks;
    };
    const [all, fromFifty] = await Promise.all([read(null), read(positions[49]!)]);
    const commits = positions.map((p) => String(p.commit));
    expect(all.flat()).toEqual(commits);
    expect(fromFifty.flat()).toEqual(commits.slice(50));
    expect(Math.max(...all.map((c) => c.length))).toBeLessThanOrEqual(100);
    // Read from memory, the log arrives faster than it is taken: chunks, not single events.
    expect(all.length).toBeLessThan(commits.length / 10);
  });

  it('hands a subscriber of chunks the events before an event it cannot decode, then the error', async () => {
    const { store } = await logOf(3);
    const poisoned: Pick<EventStore, 'subscribe'> = {
      async *subscribe(options) {
        for await (const item of store.subscribe(options)) {
          if (item.kind !== 'event') break;
          yield item;
        }
        throw new EventDecodingError('bid-1', { commit: 4n, prepare: 4n }, 0, 'unknown event type BidTeleported');
      },
    };
    const shared = new SharedLog(poisoned as EventStore, 1, { chunk: 10 });
    const seen: string[] = [];
    const failure = await (async () => {
      for await (const chunk of shared.subscribeChunks({}))
        for (const item of chunk) if (item.kind === 'event') seen.push(String(item.event.position.commit));
    })().catch((e: unknown) => e);
    expect(seen).toEqual(['1', '2', '3']);
    expect(failure).toBeInstanceOf(EventDecodingError);
  });

  it('loses nothing when one subscriber is slower than the others by far more than the read runs ahead', async () => {
    const { store, positions } = await logOf(6_000);
    const shared = new SharedLog(store, 2);
    const [fast, slow] = await Promise.all([
      untilCaughtUp(shared.subscribe({})),
      untilCaughtUp(shared.subscribe({}), true),
    ]);
    expect(fast).toHaveLength(positions.length);
    expect(slow).toEqual(fast);
  });

  it('does not wait for a subscriber that gave up before subscribing', async () => {
    const { store, positions } = await logOf(5);
    const shared = new SharedLog(store, 2);
    shared.giveUp();
    expect(await untilCaughtUp(shared.subscribe({}))).toHaveLength(positions.length);
  });

  it('keeps feeding the others when one subscriber stops', async () => {
    const { store, positions } = await logOf(20);
    const shared = new SharedLog(store, 2);
    const stopping = new AbortController();
    const quitter = shared.subscribe({ signal: stopping.signal });
    const stayer = untilCaughtUp(shared.subscribe({}));
    await quitter.next();
    stopping.abort();
    await quitter.return(undefined);
    expect(await stayer).toHaveLength(positions.length);
  });

  it('survives dropped subscriptions: every subscriber gets every event once and in order, and is told of each drop', async () => {
    const { store, positions } = await logOf(300);
    const dropping = new DroppingEventStore(store);
    const shared = new SharedLog(dropping, 2, { backoff: { initialMs: 1, maxMs: 5 } });
    dropping.dropAfter(120, 50);
    const read = async (after: LogPosition | null) => {
      const seen: string[] = [];
      let interruptions = 0;
      for await (const item of shared.subscribe({ after })) {
        if (item.kind === 'caught-up') break;
        if (item.kind === 'interrupted') {
          interruptions += 1;
          expect(item.error).toBeInstanceOf(EventStoreUnavailableError);
          expect(item.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(item.since.getTime());
          continue;
        }
        seen.push(String(item.event.position.commit));
      }
      return { seen, interruptions };
    };
    const [all, fromHundred] = await Promise.all([read(null), read(positions[99]!)]);
    const commits = positions.map((p) => String(p.commit));
    expect(all.seen).toEqual(commits);
    expect(fromHundred.seen).toEqual(commits.slice(100));
    expect(all.interruptions).toBe(2);
    expect(fromHundred.interruptions).toBe(2);
    // Each new subscription started after the last event the one before delivered: nothing read twice.
    expect(dropping.subscriptions.map((p) => (p === null ? null : String(p.commit)))).toEqual([null, '120', '170']);
  });

  it('keeps trying while the store is down, and goes on from where it was once the store is back', async () => {
    const { store, positions } = await logOf(10);
    const dropping = new DroppingEventStore(store);
    const shared = new SharedLog(dropping, 1, { backoff: { initialMs: 1, maxMs: 5 } });
    const items = shared.subscribe({});
    const seen: string[] = [];
    const attempts: number[] = [];
    for await (const item of items) {
      if (item.kind === 'event') seen.push(String(item.event.position.commit));
      if (item.kind === 'caught-up' && attempts.length === 0) {
        dropping.goDown();
        continue;
      }
      if (item.kind === 'interrupted') {
        attempts.push(item.attempt);
        if (item.attempt === 5) {
          await store.append({
            stream: 'bid-late',
            expected: 'any',
            events: [
              {
                eventId: randomUUID(),
                type: 'CallClosed',
                schemaVersion: 1,
                data: { callId: 'late', closedAt: '' },
                metadata: { actor: 't', correlationId: 'c', causationId: null, commandId: null, recordedAt: '' },
              },
            ],
          });
          dropping.up();
        }
        continue;
      }
      if (item.kind === 'caught-up') break;
    }
    await items.return(undefined);
    // Five attempts while down, one after the other; more may come while the late event is appended.
    expect(attempts.slice(0, 5)).toEqual([1, 2, 3, 4, 5]);
    expect(attempts).toEqual(attempts.map((_, i) => i + 1));
    expect(seen).toEqual([...positions.map((p) => String(p.commit)), '11']);
    expect(dropping.subscriptions.slice(1).every((p) => p !== null && p.commit === 10n)).toBe(true);
  });

  it('does not retry an event the store cannot decode: every subscriber gets the error', async () => {
    let subscriptions = 0;
    const poisoned: Pick<EventStore, 'subscribe'> = {
      // eslint-disable-next-line require-yield -- fails before its first item, as a store decoding a bad first event does
      async *subscribe(): AsyncGenerator<SubscriptionItem> {
        subscriptions += 1;
        throw new EventDecodingError('bid-1', { commit: 1n, prepare: 1n }, 0, 'unknown event type BidTeleported');
      },
    };
    const shared = new SharedLog(poisoned as EventStore, 2, { backoff: { initialMs: 1, maxMs: 5 } });
    const outcomes = await Promise.all([
      untilCaughtUp(shared.subscribe({})).catch((e: unknown) => e),
      untilCaughtUp(shared.subscribe({})).catch((e: unknown) => e),
    ]);
    for (const outcome of outcomes) expect(outcome).toBeInstanceOf(EventDecodingError);
    expect(subscriptions).toBe(1);
  });
});

describe('the wait between attempts', () => {
  it('doubles from 100 ms up to 5 s, spread by a quarter either way, never outside those bounds', () => {
    const low = () => 0;
    const high = () => 0.999_999;
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, RECONNECT_BACKOFF, () => 0.5))).toEqual([
      100, 200, 400, 800, 1_600, 3_200, 5_000,
    ]);
    expect(backoffDelay(1, RECONNECT_BACKOFF, low)).toBe(100);
    expect(backoffDelay(3, RECONNECT_BACKOFF, low)).toBe(300);
    expect(backoffDelay(3, RECONNECT_BACKOFF, high)).toBe(500);
    expect(backoffDelay(1_000, RECONNECT_BACKOFF, high)).toBe(5_000);
    expect(backoffDelay(1_000, RECONNECT_BACKOFF, low)).toBe(3_750);
  });
});
