/**
 * The event-store port's contract, run against every adapter (see test-support/event-store.adapters.ts):
 * reading a stream and the global log, subscribing, and durability.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';
import { newEvent } from '../test-support/event-store.adapters.js';
import { describeEventStoreContract } from '../test-support/event-store.contract.js';
import type { LogPosition, RecordedEvent, SubscriptionItem } from './event-store.port.js';
import { comparePositions } from './log-position.js';

describeEventStoreContract((ctx) => {
  const { stream, ours } = ctx;

  describe('reading a stream', () => {
    beforeEach(async () => {
      await ctx.store.append({
        stream: stream('r'),
        expected: 'no_stream',
        events: Array.from({ length: 10 }, (_, i) => newEvent('E', { i })),
      });
    });
    const indexes = (events: RecordedEvent[]) => events.map((e) => (e.data as { i: number }).i);

    it('reads forwards from a revision, with a limit', async () => {
      expect(indexes(await ctx.store.readStream(stream('r'), { fromRevision: 3, limit: 4 }))).toEqual([3, 4, 5, 6]);
      expect(indexes(await ctx.store.readStream(stream('r'), { fromRevision: 8 }))).toEqual([8, 9]);
    });

    it('reads an unknown stream as empty', async () => {
      expect(await ctx.store.readStream(stream('nothing-here'))).toEqual([]);
    });
  });

  describe('reading the global log', () => {
    it('returns events in the order they were appended, across streams, with strictly increasing positions', async () => {
      const appended: string[] = [];
      for (let i = 0; i < 30; i++) {
        const event = newEvent('E', { i });
        appended.push(event.eventId);
        await ctx.store.append({ stream: stream(`s${i % 3}`), expected: 'any', events: [event] });
      }
      const read = ours(await ctx.store.readAll({ after: ctx.start }));
      expect(read.map((e) => e.eventId)).toEqual(appended);
      for (let i = 1; i < read.length; i++)
        expect(comparePositions(read[i - 1]!.position, read[i]!.position)).toBeLessThan(0);
    });

    it('pages after a position with a limit', async () => {
      for (let i = 0; i < 7; i++)
        await ctx.store.append({ stream: stream('p'), expected: 'any', events: [newEvent('E', { i })] });
      const firstPage = await ctx.store.readAll({ after: ctx.start, limit: 3 });
      const secondPage = await ctx.store.readAll({ limit: 3, after: firstPage[2]!.position });
      const lastPage = await ctx.store.readAll({ limit: 3, after: secondPage[2]!.position });
      const read = ours([...firstPage, ...secondPage, ...lastPage]);
      expect(read.map((e) => (e.data as { i: number }).i)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    });
  });

  describe('subscribing', () => {
    async function take(iterator: AsyncIterator<SubscriptionItem>, count: number): Promise<SubscriptionItem[]> {
      const items: SubscriptionItem[] = [];
      while (items.length < count) {
        const next = await iterator.next();
        if (next.done) break;
        items.push(next.value);
      }
      return items;
    }
    const describeItem = (item: SubscriptionItem) =>
      item.kind === 'event' ? (item.event.data as { i: number }).i : 'caught-up';
    /** This test's items only (a shared server's log may have other writers). */
    async function takeOurs(iterator: AsyncIterator<SubscriptionItem>, count: number): Promise<SubscriptionItem[]> {
      const items: SubscriptionItem[] = [];
      while (items.length < count) {
        const [item] = await take(iterator, 1);
        if (!item) break;
        if (item.kind === 'caught-up' || item.event.stream.startsWith(`${ctx.category}-`)) items.push(item);
      }
      return items;
    }

    it('delivers exactly the events after the checkpoint, in order, then signals caught up, then live events', async () => {
      for (let i = 0; i < 6; i++)
        await ctx.store.append({ stream: stream('sub'), expected: 'any', events: [newEvent('E', { i })] });
      const all = ours(await ctx.store.readAll({ after: ctx.start }));
      const checkpoint: LogPosition = all[2]!.position;

      const iterator = ctx.store.subscribe({ after: checkpoint })[Symbol.asyncIterator]();
      const history = await takeOurs(iterator, 4);
      expect(history.map(describeItem)).toEqual([3, 4, 5, 'caught-up']);
      const caughtUp = history[3]!;
      expect(
        caughtUp.kind === 'caught-up' && caughtUp.position && comparePositions(caughtUp.position, all[5]!.position),
      ).toBeGreaterThanOrEqual(0);

      const live = takeOurs(iterator, 2);
      await ctx.store.append({ stream: stream('sub'), expected: 'any', events: [newEvent('E', { i: 6 })] });
      await ctx.store.append({ stream: stream('other'), expected: 'any', events: [newEvent('E', { i: 7 })] });
      expect((await live).map(describeItem)).toEqual([6, 7]);
      await iterator.return?.();
    });

    it('ends when its signal is aborted, even while waiting for the next event', async () => {
      const controller = new AbortController();
      const subscription = ctx.store.subscribe({ after: await ctx.store.headPosition(), signal: controller.signal });
      const iterator = subscription[Symbol.asyncIterator]();
      expect((await iterator.next()).value).toMatchObject({ kind: 'caught-up' });
      const waiting = iterator.next();
      setTimeout(() => controller.abort(), 30);
      expect(await waiting).toEqual({ done: true, value: undefined });
    });

    it('from the beginning delivers the whole log before catching up', async () => {
      await ctx.store.append({
        stream: stream('a'),
        expected: 'any',
        events: [newEvent('E', { i: 0 }), newEvent('E', { i: 1 })],
      });
      const iterator = ctx.store.subscribe()[Symbol.asyncIterator]();
      expect((await takeOurs(iterator, 3)).map(describeItem)).toEqual([0, 1, 'caught-up']);
      await iterator.return?.();
    });
  });

  describe('durability', () => {
    it('keeps every event when the store is opened again', async () => {
      await ctx.store.append({
        stream: stream('keep'),
        expected: 'no_stream',
        events: [newEvent('A', { i: 0 }), newEvent('B', { i: 1 })],
      });
      await ctx.store.appendMulti([
        { stream: stream('keep'), expected: 1, events: [newEvent('C', { i: 2 })] },
        { stream: stream('also'), expected: 'no_stream', events: [newEvent('D', { i: 3 })] },
      ]);
      const before = ours(await ctx.store.readAll({ after: ctx.start }));
      const reopened = await ctx.fixture.reopen();
      expect(ours(await reopened.readAll({ after: ctx.start }))).toEqual(before);
      expect((await reopened.append({ stream: stream('keep'), expected: 2, events: [newEvent()] })).revision).toBe(3);
    });
  });
});
