/**
 * Faults in front of a store: each strikes where a client of a real server would see it, writes
 * (or not) what such a fault writes, strikes its share of calls, and does so again with the same seed.
 */
import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { newEvent } from '../../test-support/event-store.adapters.js';
import { AppendOutcomeUnknownError, ConcurrencyError, EventStoreUnavailableError } from '../event-store.errors.js';
import { isTamperEvident, type EventStore, type LogPosition } from '../event-store.port.js';
import { InMemoryEventStore } from '../in-memory/in-memory-event-store.js';
import { comparePositions } from '../log-position.js';
import type { EventStoreFaults } from './event-store-faults.js';
import { FaultyEventStore, type InjectedFault } from './faulty-event-store.js';
import { seededRandom } from './seeded-random.js';

const stream = (name: string) => `faults-${name}`;
const appendTo = (store: EventStore, name: string) =>
  store.append({ stream: stream(name), expected: 'any', events: [newEvent('ThingHappened', { name })] });

/** What each call made: its answer, or the class of its error. */
async function outcomeOf(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return 'ok';
  } catch (error) {
    return (error as Error).name;
  }
}

describe('FaultyEventStore', () => {
  it('without faults is the store it wraps, and never strikes', async () => {
    const inner = new InMemoryEventStore();
    const store = new FaultyEventStore(inner, {});
    const result = await appendTo(store, 'a');
    expect(result).toMatchObject({ stream: stream('a'), revision: 0 });
    expect(await store.readStream(stream('a'))).toEqual(await inner.readStream(stream('a')));
    expect(await store.headPosition()).toEqual(result.position);
    expect(Object.values(store.injected).every((n) => n === 0)).toBe(true);
  });

  describe('commit-then-fail', () => {
    it('writes the append, then answers that its outcome is unknown', async () => {
      const inner = new InMemoryEventStore();
      const store = new FaultyEventStore(inner, { 'commit-then-fail': 1 });
      const event = newEvent('ThingHappened', { n: 1 });
      const refusal = await store
        .append({ stream: stream('a'), expected: 'no_stream', events: [event] })
        .catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(AppendOutcomeUnknownError);
      // A caller that knows only "unavailable" still knows not to trust the append.
      expect(refusal).toBeInstanceOf(EventStoreUnavailableError);
      expect((await inner.readStream(stream('a'))).map((e) => e.eventId)).toEqual([event.eventId]);
      expect(store.injected['commit-then-fail']).toBe(1);
    });

    it('writes every stream of a multi-stream append before losing its answer', async () => {
      const inner = new InMemoryEventStore();
      const store = new FaultyEventStore(inner, { 'commit-then-fail': 1 });
      const events = [newEvent(), newEvent()];
      await expect(
        store.appendMulti([
          { stream: stream('a'), expected: 'no_stream', events: [events[0]!] },
          { stream: stream('b'), expected: 'no_stream', events: [events[1]!] },
        ]),
      ).rejects.toBeInstanceOf(AppendOutcomeUnknownError);
      expect((await inner.readAll()).map((e) => [e.stream, e.eventId])).toEqual([
        [stream('a'), events[0]!.eventId],
        [stream('b'), events[1]!.eventId],
      ]);
    });

    it('passes a refusal of the inner store through: nothing was written, the answer is known', async () => {
      const inner = new InMemoryEventStore();
      await appendTo(inner, 'a');
      const store = new FaultyEventStore(inner, { 'commit-then-fail': 1 });
      await expect(
        store.append({ stream: stream('a'), expected: 'no_stream', events: [newEvent()] }),
      ).rejects.toBeInstanceOf(ConcurrencyError);
      expect(await inner.readStream(stream('a'))).toHaveLength(1);
      expect(store.injected['commit-then-fail']).toBe(0);
    });

    it('leaves reads alone', async () => {
      const inner = new InMemoryEventStore();
      await appendTo(inner, 'a');
      const store = new FaultyEventStore(inner, { 'commit-then-fail': 1 });
      expect(await store.readStream(stream('a'))).toHaveLength(1);
      expect(await store.readAll()).toHaveLength(1);
    });
  });

  describe('unavailable', () => {
    it('fails every call before it reaches the store: nothing is written', async () => {
      const inner = new InMemoryEventStore();
      await appendTo(inner, 'a');
      const head = await inner.headPosition();
      const store = new FaultyEventStore(inner, { unavailable: 1 });
      const calls: Array<() => Promise<unknown>> = [
        () => appendTo(store, 'b'),
        () => store.appendMulti([{ stream: stream('c'), expected: 'any', events: [newEvent()] }]),
        () => store.readStream(stream('a')),
        () => store.readAll(),
        () => store.headPosition(),
        () => store.subscribe()[Symbol.asyncIterator]().next(),
      ];
      for (const call of calls) {
        const refusal = await call().catch((error: unknown) => error);
        expect(refusal).toBeInstanceOf(EventStoreUnavailableError);
        expect(refusal).not.toBeInstanceOf(AppendOutcomeUnknownError);
      }
      expect(await inner.headPosition()).toEqual(head);
      expect(store.injected.unavailable).toBe(calls.length);
    });
  });

  describe('leader-change', () => {
    it('on an append, strikes alternately before the write (nothing written, unavailable) and after it (written, outcome unknown)', async () => {
      const inner = new InMemoryEventStore();
      const struck: InjectedFault[] = [];
      const store = new FaultyEventStore(
        inner,
        { 'leader-change': 1 },
        { seed: 3, onFault: (fault) => struck.push(fault) },
      );
      const sides: string[] = [];
      for (let i = 0; i < 24; i++) {
        const name = `s${i}`;
        const refusal = await appendTo(store, name).catch((error: unknown) => error);
        const written = (await inner.readStream(stream(name))).length === 1;
        expect(refusal).toBeInstanceOf(EventStoreUnavailableError);
        // The error tells the caller whether it may have been written.
        expect(refusal instanceof AppendOutcomeUnknownError).toBe(written);
        expect(struck[i]).toEqual({ fault: 'leader-change', operation: 'append', written });
        sides.push(written ? 'after' : 'before');
      }
      expect(sides.slice(0, 4)).toEqual(['before', 'after', 'before', 'after']);
      expect(sides.filter((side) => side === 'after')).toHaveLength(12);
    });

    it('fails a read', async () => {
      const store = new FaultyEventStore(new InMemoryEventStore(), { 'leader-change': 1 });
      await expect(store.readStream(stream('a'))).rejects.toBeInstanceOf(EventStoreUnavailableError);
      await expect(store.readAll()).rejects.toBeInstanceOf(EventStoreUnavailableError);
    });
  });

  describe('drop-subscription', () => {
    it('ends a subscription with "unavailable" instead of its next event, and ends the subscription it wraps', async () => {
      const inner = new InMemoryEventStore();
      await appendTo(inner, 'a');
      let innerEnded = false;
      const watched = Object.assign(inner, {
        subscribe: (options?: Parameters<EventStore['subscribe']>[0]) => {
          const source = InMemoryEventStore.prototype.subscribe.call(inner, options);
          return (async function* () {
            try {
              yield* source;
            } finally {
              innerEnded = true;
            }
          })();
        },
      });
      const store = new FaultyEventStore(watched, { 'drop-subscription': 1 });
      await expect(store.subscribe()[Symbol.asyncIterator]().next()).rejects.toThrow(EventStoreUnavailableError);
      expect(innerEnded).toBe(true);
    });

    it('delivers each event once to a consumer that subscribes again from its checkpoint', async () => {
      const inner = new InMemoryEventStore();
      for (let i = 0; i < 40; i++) await appendTo(inner, `s${i % 3}`);
      const head = (await inner.headPosition())!;
      const store = new FaultyEventStore(inner, { 'drop-subscription': 0.2 }, { seed: 11 });
      const seen: string[] = [];
      let checkpoint: LogPosition | null = null;
      let drops = 0;
      while (checkpoint === null || comparePositions(checkpoint, head) < 0) {
        try {
          for await (const item of store.subscribe({ after: checkpoint })) {
            if (item.kind !== 'event') continue;
            seen.push(item.event.eventId);
            checkpoint = item.event.position;
            if (comparePositions(item.event.position, head) >= 0) break;
          }
        } catch (error) {
          if (!(error instanceof EventStoreUnavailableError)) throw error;
          drops++;
        }
      }
      expect(drops).toBeGreaterThan(0);
      expect(drops).toBe(store.injected['drop-subscription']);
      expect(seen).toEqual((await inner.readAll()).map((e) => e.eventId));
    });
  });

  describe('shares and seeds', () => {
    async function pattern(faults: EventStoreFaults, seed: number, calls = 200): Promise<string[]> {
      const store = new FaultyEventStore(new InMemoryEventStore(), faults, { seed });
      const outcomes: string[] = [];
      for (let i = 0; i < calls; i++)
        outcomes.push(
          await outcomeOf(() => (i % 2 === 0 ? appendTo(store, `s${i}`) : store.readStream(stream(`s${i - 1}`)))),
        );
      return outcomes;
    }

    it('strikes about its share of calls', async () => {
      const outcomes = await pattern({ unavailable: 0.2 }, 5, 1000);
      const failed = outcomes.filter((o) => o === 'EventStoreUnavailableError').length;
      expect(failed).toBeGreaterThan(150);
      expect(failed).toBeLessThan(250);
    });

    it('strikes the same calls again with the same seed, other calls with another', async () => {
      const faults: EventStoreFaults = { unavailable: 0.1, 'commit-then-fail': 0.3, 'leader-change': 0.1 };
      const first = await pattern(faults, 42);
      expect(new Set(first)).toEqual(new Set(['ok', 'EventStoreUnavailableError', 'AppendOutcomeUnknownError']));
      expect(await pattern(faults, 42)).toEqual(first);
      expect(await pattern(faults, 43)).not.toEqual(first);
    });

    it('draws numbers in [0, 1) that repeat with their seed', () => {
      const draws = (seed: number) => Array.from({ length: 1000 }, seededRandom(seed));
      expect(draws(9)).toEqual(draws(9));
      expect(draws(9).every((n) => n >= 0 && n < 1)).toBe(true);
      expect(new Set(draws(9)).size).toBeGreaterThan(990);
    });
  });

  it('keeps the chain verification of a tamper-evident store it wraps, and claims none the store has not', async () => {
    const plain = new FaultyEventStore(new InMemoryEventStore(), { unavailable: 1 });
    expect(isTamperEvident(plain)).toBe(false);
    const verification = { ok: true, checked: 0, headLink: null, headPosition: null, firstBroken: null };
    const chained = Object.assign(new InMemoryEventStore(), { verifyChain: async () => verification });
    const wrapped = new FaultyEventStore(chained, { unavailable: 1 });
    expect(isTamperEvident(wrapped)).toBe(true);
    expect(await wrapped.verifyChain!()).toBe(verification);
  });

  it('closes the store it wraps', async () => {
    const inner = new InMemoryEventStore();
    await new FaultyEventStore(inner, { unavailable: 1 }).close();
    await expect(inner.readStream(stream(randomUUID().slice(0, 8)))).rejects.toBeInstanceOf(EventStoreUnavailableError);
  });
});
