/**
 * The event-store port's contract, run against every adapter (see test-support/event-store.adapters.ts):
 * appending to one stream and to several at once. Reading, subscribing and durability are in
 * event-store.reads.contract-spec.ts; bad input in event-store.bad-input.contract-spec.ts.
 */
import { describe, expect, it } from '@jest/globals';
import { withoutLink } from './chain/stream-link.js';
import { newEvent } from '../test-support/event-store.adapters.js';
import { describeEventStoreContract } from '../test-support/event-store.contract.js';
import { ConcurrencyError, DuplicateEventIdError } from './event-store.errors.js';
import { comparePositions } from './log-position.js';

describeEventStoreContract((ctx) => {
  const { stream } = ctx;

  describe('appending to one stream', () => {
    it('records the envelope: id, type, schema version, data, metadata, stream, revision, position', async () => {
      const first = newEvent('BidSubmitted', { bidId: 'b1', requestedCents: 15_000_000 });
      const second = newEvent('BidWithdrawn', { bidId: 'b1' });
      const result = await ctx.store.append({ stream: stream('1'), expected: 'no_stream', events: [first, second] });
      expect(result.revision).toBe(1);

      const events = await ctx.store.readStream(stream('1'));
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
      await expect(ctx.store.append({ stream: s, expected: 'exists', events: [newEvent()] })).rejects.toMatchObject({
        constructor: ConcurrencyError,
        stream: s,
        expected: 'exists',
        actual: null,
      });
      await ctx.store.append({ stream: s, expected: 'no_stream', events: [newEvent()] });
      await expect(ctx.store.append({ stream: s, expected: 'no_stream', events: [newEvent()] })).rejects.toMatchObject({
        constructor: ConcurrencyError,
        stream: s,
        expected: 'no_stream',
        actual: 0,
      });
      await expect(ctx.store.append({ stream: s, expected: 5, events: [newEvent()] })).rejects.toMatchObject({
        constructor: ConcurrencyError,
        stream: s,
        expected: 5,
        actual: 0,
      });
      expect((await ctx.store.append({ stream: s, expected: 0, events: [newEvent()] })).revision).toBe(1);
      expect((await ctx.store.append({ stream: s, expected: 'exists', events: [newEvent()] })).revision).toBe(2);
      expect((await ctx.store.append({ stream: s, expected: 'any', events: [newEvent()] })).revision).toBe(3);
      expect(await ctx.store.readStream(s)).toHaveLength(4);
    });

    it('lets exactly one of many concurrent appends with the same expected revision through', async () => {
      const s = stream('race');
      await ctx.store.append({ stream: s, expected: 'no_stream', events: [newEvent()] });
      const outcomes = await Promise.allSettled(
        Array.from({ length: 25 }, (_, i) =>
          ctx.store.append({ stream: s, expected: 0, events: [newEvent('Raced', { i })] }),
        ),
      );
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(24);
      for (const { reason } of lost) expect(reason).toBeInstanceOf(ConcurrencyError);
      expect(await ctx.store.readStream(s)).toHaveLength(2);
    });

    it('treats a retry of the same event ids with the same expected state as a success that writes nothing', async () => {
      const s = stream('retry');
      const events = [newEvent('A'), newEvent('B')];
      const first = await ctx.store.append({ stream: s, expected: 'no_stream', events });
      const head = await ctx.store.headPosition();
      const again = await ctx.store.append({ stream: s, expected: 'no_stream', events });
      expect(again).toEqual(first);
      expect(await ctx.store.readStream(s)).toHaveLength(2);
      expect(await ctx.store.headPosition()).toEqual(head);
    });

    it.each(['any', 'exists'] as const)(
      'treats a retry of the same event ids appended with %s as a success that writes nothing',
      async (expected) => {
        const s = stream(`loose-${expected}`);
        await ctx.store.append({ stream: s, expected: 'no_stream', events: [newEvent('Opened')] });
        const events = [newEvent('A'), newEvent('B')];
        const first = await ctx.store.append({ stream: s, expected, events });
        const head = await ctx.store.headPosition();
        const again = await ctx.store.append({ stream: s, expected, events });
        expect(again).toEqual(first);
        expect(await ctx.store.readStream(s)).toHaveLength(3);
        expect(await ctx.store.headPosition()).toEqual(head);
      },
    );

    // Exactly once: an append whose answer was lost (a timeout after the write) is retried as it
    // was sent; the retry must find the first attempt's events, not write them again.
    it('treats a retry with the same numeric expected revision, after the first landed and the stream moved on, as a success with the same revision and position', async () => {
      const s = stream('exactly-once');
      await ctx.store.append({ stream: s, expected: 'no_stream', events: [newEvent('Opened')] });
      const events = [newEvent('A'), newEvent('B')];
      const first = await ctx.store.append({ stream: s, expected: 0, events });
      await ctx.store.append({ stream: s, expected: 2, events: [newEvent('C')] });
      const head = await ctx.store.headPosition();
      const again = await ctx.store.append({ stream: s, expected: 0, events });
      expect(again).toEqual(first);
      expect((await ctx.store.readStream(s)).map((e) => e.type)).toEqual(['Opened', 'A', 'B', 'C']);
      expect(await ctx.store.headPosition()).toEqual(head);
    });

    it('refuses a different event that reuses a stored event id, and writes nothing', async () => {
      const s = stream('dup');
      const original = newEvent('A', { v: 1 });
      await ctx.store.append({ stream: s, expected: 'no_stream', events: [original] });
      const impostor = { ...original, data: { v: 2 } };
      await expect(ctx.store.append({ stream: s, expected: 'no_stream', events: [impostor] })).rejects.toBeInstanceOf(
        DuplicateEventIdError,
      );
      const events = await ctx.store.readStream(s);
      expect(events.map((e) => e.data)).toEqual([{ v: 1 }]);
    });
  });

  describe('appending to several streams at once', () => {
    it('writes every stream, each at its own revision', async () => {
      await ctx.store.append({ stream: stream('call'), expected: 'no_stream', events: [newEvent('CallOpened')] });
      const result = await ctx.store.appendMulti([
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
      const grant = await ctx.store.readStream(stream('grant'));
      expect(grant.map((e) => e.type)).toEqual(['GrantAwarded', 'DisbursementRecorded']);
      for (const r of result.streams) expect(comparePositions(r.position, result.position)).toBeLessThanOrEqual(0);
    });

    it('treats a retry of the whole append with the same expected revisions as a success with the same revisions and position', async () => {
      await ctx.store.append({ stream: stream('call'), expected: 'no_stream', events: [newEvent('CallOpened')] });
      const requests = [
        { stream: stream('call'), expected: 0, events: [newEvent('CallBudgetCommitted')] },
        {
          stream: stream('grant'),
          expected: 'no_stream' as const,
          events: [newEvent('GrantAwarded'), newEvent('DisbursementRecorded')],
        },
      ];
      const first = await ctx.store.appendMulti(requests);
      await ctx.store.append({ stream: stream('call'), expected: 1, events: [newEvent('CallClosed')] });
      const head = await ctx.store.headPosition();
      const again = await ctx.store.appendMulti(requests);
      expect(again).toEqual(first);
      expect((await ctx.store.readStream(stream('call'))).map((e) => e.type)).toEqual([
        'CallOpened',
        'CallBudgetCommitted',
        'CallClosed',
      ]);
      expect(await ctx.store.readStream(stream('grant'))).toHaveLength(2);
      expect(await ctx.store.headPosition()).toEqual(head);
    });

    it('writes nothing anywhere when one stream is not in its expected state', async () => {
      await ctx.store.append({
        stream: stream('call'),
        expected: 'no_stream',
        events: [newEvent('CallOpened'), newEvent('CallBudgetCommitted')],
      });
      const head = await ctx.store.headPosition();
      await expect(
        ctx.store.appendMulti([
          { stream: stream('grant'), expected: 'no_stream', events: [newEvent('GrantAwarded')] },
          { stream: stream('call'), expected: 0, events: [newEvent('CallBudgetCommitted')] },
        ]),
      ).rejects.toMatchObject({ constructor: ConcurrencyError, stream: stream('call'), expected: 0, actual: 1 });
      expect(await ctx.store.readStream(stream('grant'))).toEqual([]);
      expect(await ctx.store.readStream(stream('call'))).toHaveLength(2);
      expect(await ctx.store.headPosition()).toEqual(head);
    });
  });
});
