/**
 * The event-store port's contract, run against every adapter (see test-support/event-store.adapters.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { withoutLink } from './chain/stream-link.js';
import { ADAPTERS, freshCategory, newEvent, type StoreFixture } from '../test-support/event-store.adapters.js';
import { ConcurrencyError, DuplicateEventIdError, InvalidAppendError } from './event-store.errors.js';
import type { EventStore, LogPosition, RecordedEvent, SubscriptionItem } from './event-store.port.js';
import { comparePositions } from './log-position.js';

for (const adapter of ADAPTERS) {
  if (adapter.skipped) {
    console.warn(`Event store contract suite for ${adapter.name} SKIPPED: ${adapter.skipped}`);
  }
  const suite = adapter.skipped ? describe.skip : describe;

  suite(`event store contract: ${adapter.name}${adapter.skipped ? ` (skipped: ${adapter.skipped})` : ''}`, () => {
    let fixture: StoreFixture;
    let store: EventStore;
    let category: string;
    /** The head when the test began: on a shared server, the log holds other runs' events before it. */
    let start: LogPosition | null;
    const stream = (id: string) => `${category}-${id}`;
    const ours = (events: RecordedEvent[]) => events.filter((e) => e.stream.startsWith(`${category}-`));

    beforeEach(async () => {
      fixture = await adapter.setUp({ maxEventBytes: 64 * 1024 });
      store = fixture.store;
      category = freshCategory();
      start = await store.headPosition();
    });
    afterEach(async () => {
      await fixture.tearDown();
    });

    describe('appending to one stream', () => {
      it('records the envelope: id, type, schema version, data, metadata, stream, revision, position', async () => {
        const first = newEvent('BidSubmitted', { bidId: 'b1', requestedCents: 15_000_000 });
        const second = newEvent('BidWithdrawn', { bidId: 'b1' });
        const result = await store.append({ stream: stream('1'), expected: 'no_stream', events: [first, second] });
        expect(result.revision).toBe(1);

        const events = await store.readStream(stream('1'));
        // The product's store adds each event's stream link to its metadata (chain/linking-event-store.ts): the rest comes back as written.
        expect(
          events.map(({ eventId, type, schemaVersion, data, metadata, stream: s, revision }) => ({
            eventId,
            type,
            schemaVersion,
            data,
            metadata: withoutLink(metadata),
            stream: s,
            revision,
          })),
        ).toEqual([
          { ...first, stream: stream('1'), revision: 0 },
          { ...second, stream: stream('1'), revision: 1 },
        ]);
        expect(comparePositions(events[0]!.position, events[1]!.position)).toBeLessThan(0);
        expect(events[1]!.position).toEqual(result.position);
      });

      it('honours each expected state, and names stream, expected and actual revision on a conflict', async () => {
        const s = stream('2');
        await expect(store.append({ stream: s, expected: 'exists', events: [newEvent()] })).rejects.toMatchObject({
          constructor: ConcurrencyError,
          stream: s,
          expected: 'exists',
          actual: null,
        });
        await store.append({ stream: s, expected: 'no_stream', events: [newEvent()] });
        await expect(store.append({ stream: s, expected: 'no_stream', events: [newEvent()] })).rejects.toMatchObject({
          constructor: ConcurrencyError,
          stream: s,
          expected: 'no_stream',
          actual: 0,
        });
        await expect(store.append({ stream: s, expected: 5, events: [newEvent()] })).rejects.toMatchObject({
          constructor: ConcurrencyError,
          stream: s,
          expected: 5,
          actual: 0,
        });
        expect((await store.append({ stream: s, expected: 0, events: [newEvent()] })).revision).toBe(1);
        expect((await store.append({ stream: s, expected: 'exists', events: [newEvent()] })).revision).toBe(2);
        expect((await store.append({ stream: s, expected: 'any', events: [newEvent()] })).revision).toBe(3);
        expect(await store.readStream(s)).toHaveLength(4);
      });

      it('lets exactly one of many concurrent appends with the same expected revision through', async () => {
        const s = stream('race');
        await store.append({ stream: s, expected: 'no_stream', events: [newEvent()] });
        const outcomes = await Promise.allSettled(
          Array.from({ length: 25 }, (_, i) =>
            store.append({ stream: s, expected: 0, events: [newEvent('Raced', { i })] }),
          ),
        );
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(24);
        for (const { reason } of lost) expect(reason).toBeInstanceOf(ConcurrencyError);
        expect(await store.readStream(s)).toHaveLength(2);
      });

      it('treats a retry of the same event ids with the same expected state as a success that writes nothing', async () => {
        const s = stream('retry');
        const events = [newEvent('A'), newEvent('B')];
        const first = await store.append({ stream: s, expected: 'no_stream', events });
        const head = await store.headPosition();
        const again = await store.append({ stream: s, expected: 'no_stream', events });
        expect(again).toEqual(first);
        expect(await store.readStream(s)).toHaveLength(2);
        expect(await store.headPosition()).toEqual(head);
      });

      it.each(['any', 'exists'] as const)(
        'treats a retry of the same event ids appended with %s as a success that writes nothing',
        async (expected) => {
          const s = stream(`loose-${expected}`);
          await store.append({ stream: s, expected: 'no_stream', events: [newEvent('Opened')] });
          const events = [newEvent('A'), newEvent('B')];
          const first = await store.append({ stream: s, expected, events });
          const head = await store.headPosition();
          const again = await store.append({ stream: s, expected, events });
          expect(again).toEqual(first);
          expect(await store.readStream(s)).toHaveLength(3);
          expect(await store.headPosition()).toEqual(head);
        },
      );

      // Exactly once: an append whose answer was lost (a timeout after the write) is retried as it
      // was sent; the retry must find the first attempt's events, not write them again.
      it('treats a retry with the same numeric expected revision, after the first landed and the stream moved on, as a success with the same revision and position', async () => {
        const s = stream('exactly-once');
        await store.append({ stream: s, expected: 'no_stream', events: [newEvent('Opened')] });
        const events = [newEvent('A'), newEvent('B')];
        const first = await store.append({ stream: s, expected: 0, events });
        await store.append({ stream: s, expected: 2, events: [newEvent('C')] });
        const head = await store.headPosition();
        const again = await store.append({ stream: s, expected: 0, events });
        expect(again).toEqual(first);
        expect((await store.readStream(s)).map((e) => e.type)).toEqual(['Opened', 'A', 'B', 'C']);
        expect(await store.headPosition()).toEqual(head);
      });

      it('refuses a different event that reuses a stored event id, and writes nothing', async () => {
        const s = stream('dup');
        const original = newEvent('A', { v: 1 });
        await store.append({ stream: s, expected: 'no_stream', events: [original] });
        const impostor = { ...original, data: { v: 2 } };
        await expect(store.append({ stream: s, expected: 'no_stream', events: [impostor] })).rejects.toBeInstanceOf(
          DuplicateEventIdError,
        );
        const events = await store.readStream(s);
        expect(events.map((e) => e.data)).toEqual([{ v: 1 }]);
      });
    });

    describe('appending to several streams at once', () => {
      it('writes every stream, each at its own revision', async () => {
        await store.append({ stream: stream('call'), expected: 'no_stream', events: [newEvent('CallOpened')] });
        const result = await store.appendMulti([
          { stream: stream('call'), expected: 0, events: [newEvent('CallBudgetCommitted')] },
          { stream: stream('bid'), expected: 'no_stream', events: [newEvent('BidAwarded')] },
          {
            stream: stream('grant'),
            expected: 'no_stream',
            events: [newEvent('GrantAwarded'), newEvent('DisbursementRecorded')],
          },
        ]);
        expect(result.streams.map(({ stream: s, revision }) => ({ s, revision }))).toEqual([
          { s: stream('call'), revision: 1 },
          { s: stream('bid'), revision: 0 },
          { s: stream('grant'), revision: 1 },
        ]);
        const grant = await store.readStream(stream('grant'));
        expect(grant.map((e) => e.type)).toEqual(['GrantAwarded', 'DisbursementRecorded']);
        for (const r of result.streams) expect(comparePositions(r.position, result.position)).toBeLessThanOrEqual(0);
      });

      it('treats a retry of the whole append with the same expected revisions as a success with the same revisions and position', async () => {
        await store.append({ stream: stream('call'), expected: 'no_stream', events: [newEvent('CallOpened')] });
        const requests = [
          { stream: stream('call'), expected: 0, events: [newEvent('CallBudgetCommitted')] },
          {
            stream: stream('grant'),
            expected: 'no_stream' as const,
            events: [newEvent('GrantAwarded'), newEvent('DisbursementRecorded')],
          },
        ];
        const first = await store.appendMulti(requests);
        await store.append({ stream: stream('call'), expected: 1, events: [newEvent('CallClosed')] });
        const head = await store.headPosition();
        const again = await store.appendMulti(requests);
        expect(again).toEqual(first);
        expect((await store.readStream(stream('call'))).map((e) => e.type)).toEqual([
          'CallOpened',
          'CallBudgetCommitted',
          'CallClosed',
        ]);
        expect(await store.readStream(stream('grant'))).toHaveLength(2);
        expect(await store.headPosition()).toEqual(head);
      });

      it('writes nothing anywhere when one stream is not in its expected state', async () => {
        await store.append({
          stream: stream('call'),
          expected: 'no_stream',
          events: [newEvent('CallOpened'), newEvent('CallBudgetCommitted')],
        });
        const head = await store.headPosition();
        await expect(
          store.appendMulti([
            { stream: stream('grant'), expected: 'no_stream', events: [newEvent('GrantAwarded')] },
            { stream: stream('call'), expected: 0, events: [newEvent('CallBudgetCommitted')] },
          ]),
        ).rejects.toMatchObject({ constructor: ConcurrencyError, stream: stream('call'), expected: 0, actual: 1 });
        expect(await store.readStream(stream('grant'))).toEqual([]);
        expect(await store.readStream(stream('call'))).toHaveLength(2);
        expect(await store.headPosition()).toEqual(head);
      });
    });

    describe('reading a stream', () => {
      beforeEach(async () => {
        await store.append({
          stream: stream('r'),
          expected: 'no_stream',
          events: Array.from({ length: 10 }, (_, i) => newEvent('E', { i })),
        });
      });
      const indexes = (events: RecordedEvent[]) => events.map((e) => (e.data as { i: number }).i);

      it('reads forwards from a revision, with a limit', async () => {
        expect(indexes(await store.readStream(stream('r'), { fromRevision: 3, limit: 4 }))).toEqual([3, 4, 5, 6]);
        expect(indexes(await store.readStream(stream('r'), { fromRevision: 8 }))).toEqual([8, 9]);
      });

      it('reads an unknown stream as empty', async () => {
        expect(await store.readStream(stream('nothing-here'))).toEqual([]);
      });
    });

    describe('reading the global log', () => {
      it('returns events in the order they were appended, across streams, with strictly increasing positions', async () => {
        const appended: string[] = [];
        for (let i = 0; i < 30; i++) {
          const event = newEvent('E', { i });
          appended.push(event.eventId);
          await store.append({ stream: stream(`s${i % 3}`), expected: 'any', events: [event] });
        }
        const read = ours(await store.readAll({ after: start }));
        expect(read.map((e) => e.eventId)).toEqual(appended);
        for (let i = 1; i < read.length; i++)
          expect(comparePositions(read[i - 1]!.position, read[i]!.position)).toBeLessThan(0);
      });

      it('pages after a position with a limit', async () => {
        for (let i = 0; i < 7; i++)
          await store.append({ stream: stream('p'), expected: 'any', events: [newEvent('E', { i })] });
        const firstPage = await store.readAll({ after: start, limit: 3 });
        const secondPage = await store.readAll({ limit: 3, after: firstPage[2]!.position });
        const lastPage = await store.readAll({ limit: 3, after: secondPage[2]!.position });
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
          if (item.kind === 'caught-up' || item.event.stream.startsWith(`${category}-`)) items.push(item);
        }
        return items;
      }

      it('delivers exactly the events after the checkpoint, in order, then signals caught up, then live events', async () => {
        for (let i = 0; i < 6; i++)
          await store.append({ stream: stream('sub'), expected: 'any', events: [newEvent('E', { i })] });
        const all = ours(await store.readAll({ after: start }));
        const checkpoint: LogPosition = all[2]!.position;

        const iterator = store.subscribe({ after: checkpoint })[Symbol.asyncIterator]();
        const history = await takeOurs(iterator, 4);
        expect(history.map(describeItem)).toEqual([3, 4, 5, 'caught-up']);
        const caughtUp = history[3]!;
        expect(
          caughtUp.kind === 'caught-up' && caughtUp.position && comparePositions(caughtUp.position, all[5]!.position),
        ).toBeGreaterThanOrEqual(0);

        const live = takeOurs(iterator, 2);
        await store.append({ stream: stream('sub'), expected: 'any', events: [newEvent('E', { i: 6 })] });
        await store.append({ stream: stream('other'), expected: 'any', events: [newEvent('E', { i: 7 })] });
        expect((await live).map(describeItem)).toEqual([6, 7]);
        await iterator.return?.();
      });

      it('ends when its signal is aborted, even while waiting for the next event', async () => {
        const controller = new AbortController();
        const subscription = store.subscribe({ after: await store.headPosition(), signal: controller.signal });
        const iterator = subscription[Symbol.asyncIterator]();
        expect((await iterator.next()).value).toMatchObject({ kind: 'caught-up' });
        const waiting = iterator.next();
        setTimeout(() => controller.abort(), 30);
        expect(await waiting).toEqual({ done: true, value: undefined });
      });

      it('from the beginning delivers the whole log before catching up', async () => {
        await store.append({
          stream: stream('a'),
          expected: 'any',
          events: [newEvent('E', { i: 0 }), newEvent('E', { i: 1 })],
        });
        const iterator = store.subscribe()[Symbol.asyncIterator]();
        expect((await takeOurs(iterator, 3)).map(describeItem)).toEqual([0, 1, 'caught-up']);
        await iterator.return?.();
      });
    });

    describe('durability', () => {
      it('keeps every event when the store is opened again', async () => {
        await store.append({
          stream: stream('keep'),
          expected: 'no_stream',
          events: [newEvent('A', { i: 0 }), newEvent('B', { i: 1 })],
        });
        await store.appendMulti([
          { stream: stream('keep'), expected: 1, events: [newEvent('C', { i: 2 })] },
          { stream: stream('also'), expected: 'no_stream', events: [newEvent('D', { i: 3 })] },
        ]);
        const before = ours(await store.readAll({ after: start }));
        const reopened = await fixture.reopen();
        expect(ours(await reopened.readAll({ after: start }))).toEqual(before);
        expect((await reopened.append({ stream: stream('keep'), expected: 2, events: [newEvent()] })).revision).toBe(3);
      });
    });

    describe('bad input is refused before anything is written', () => {
      const refusals: Array<[string, () => Parameters<EventStore['append']>[0], string]> = [
        [
          'a stream name without a category',
          () => ({ stream: 'nocategory', expected: 'any', events: [newEvent()] }),
          'INVALID_STREAM_NAME',
        ],
        [
          'a system stream name',
          () => ({ stream: '$all', expected: 'any', events: [newEvent()] }),
          'INVALID_STREAM_NAME',
        ],
        [
          'a stream name with spaces',
          () => ({ stream: 'call-a b', expected: 'any', events: [newEvent()] }),
          'INVALID_STREAM_NAME',
        ],
        ['an empty batch', () => ({ stream: 'call-x', expected: 'any', events: [] }), 'EMPTY_APPEND'],
        [
          'an oversize event',
          () => ({ stream: 'call-x', expected: 'any', events: [newEvent('Big', { blob: 'x'.repeat(70 * 1024) })] }),
          'EVENT_TOO_LARGE',
        ],
        [
          'undefined data',
          () => ({ stream: 'call-x', expected: 'any', events: [newEvent('E', { a: undefined })] }),
          'INVALID_EVENT',
        ],
        [
          'a bigint',
          () => ({ stream: 'call-x', expected: 'any', events: [newEvent('E', { a: 10n })] }),
          'INVALID_EVENT',
        ],
        [
          'NaN',
          () => ({ stream: 'call-x', expected: 'any', events: [newEvent('E', { a: Number.NaN })] }),
          'INVALID_EVENT',
        ],
        [
          'a Date object',
          () => ({ stream: 'call-x', expected: 'any', events: [newEvent('E', { a: new Date(0) })] }),
          'INVALID_EVENT',
        ],
        [
          'a circular object',
          () => {
            const a: Record<string, unknown> = {};
            a['self'] = a;
            return { stream: 'call-x', expected: 'any', events: [newEvent('E', a)] };
          },
          'INVALID_EVENT',
        ],
        [
          'an event id that is not a UUID',
          () => ({ stream: 'call-x', expected: 'any', events: [newEvent('E', {}, 'not-a-uuid')] }),
          'INVALID_EVENT',
        ],
        [
          'a negative expected revision',
          () => ({ stream: 'call-x', expected: -1, events: [newEvent()] }),
          'INVALID_EVENT',
        ],
      ];

      it.each(refusals)('refuses %s', async (_, request, code) => {
        const head = await store.headPosition();
        await expect(store.append(request())).rejects.toMatchObject({ constructor: InvalidAppendError, code });
        expect(await store.headPosition()).toEqual(head);
      });

      it('refuses a multi-stream append naming one stream twice, or no stream at all', async () => {
        const s = stream('twice');
        await expect(
          store.appendMulti([
            { stream: s, expected: 'any', events: [newEvent()] },
            { stream: s, expected: 'any', events: [newEvent()] },
          ]),
        ).rejects.toMatchObject({ code: 'DUPLICATE_STREAM' });
        await expect(store.appendMulti([])).rejects.toMatchObject({ code: 'EMPTY_APPEND' });
        expect(await store.readStream(s)).toEqual([]);
      });

      it('refuses a multi-stream append naming two streams that differ only in case, and writes neither', async () => {
        const [lower, upper] = [stream('grant'), stream('GRANT')];
        const head = await store.headPosition();
        await expect(
          store.appendMulti([
            { stream: lower, expected: 'no_stream', events: [newEvent('GrantAwarded')] },
            { stream: upper, expected: 'no_stream', events: [newEvent('GrantAwarded')] },
          ]),
        ).rejects.toMatchObject({ constructor: InvalidAppendError, code: 'DUPLICATE_STREAM' });
        expect(await store.readStream(lower)).toEqual([]);
        expect(await store.readStream(upper)).toEqual([]);
        expect(await store.headPosition()).toEqual(head);
        // Apart, they are two streams on every adapter.
        await store.append({ stream: lower, expected: 'no_stream', events: [newEvent('GrantAwarded')] });
        await store.append({ stream: upper, expected: 'no_stream', events: [newEvent('GrantAwarded')] });
        expect(await store.readStream(upper)).toHaveLength(1);
      });
    });
  });
}
