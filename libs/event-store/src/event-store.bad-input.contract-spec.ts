/**
 * The event-store port's contract, run against every adapter (see test-support/event-store.adapters.ts):
 * bad input is refused before anything is written.
 */
import { describe, expect, it } from '@jest/globals';
import { newEvent } from '../test-support/event-store.adapters.js';
import { describeEventStoreContract } from '../test-support/event-store.contract.js';
import { InvalidAppendError } from './event-store.errors.js';
import type { EventStore } from './event-store.port.js';

describeEventStoreContract((ctx) => {
  const { stream } = ctx;

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
      ['a bigint', () => ({ stream: 'call-x', expected: 'any', events: [newEvent('E', { a: 10n })] }), 'INVALID_EVENT'],
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
      const head = await ctx.store.headPosition();
      await expect(ctx.store.append(request())).rejects.toMatchObject({ constructor: InvalidAppendError, code });
      expect(await ctx.store.headPosition()).toEqual(head);
    });

    it('refuses a multi-stream append naming one stream twice, or no stream at all', async () => {
      const s = stream('twice');
      await expect(
        ctx.store.appendMulti([
          { stream: s, expected: 'any', events: [newEvent()] },
          { stream: s, expected: 'any', events: [newEvent()] },
        ]),
      ).rejects.toMatchObject({ code: 'DUPLICATE_STREAM' });
      await expect(ctx.store.appendMulti([])).rejects.toMatchObject({ code: 'EMPTY_APPEND' });
      expect(await ctx.store.readStream(s)).toEqual([]);
    });

    it('refuses a multi-stream append naming two streams that differ only in case, and writes neither', async () => {
      const [lower, upper] = [stream('grant'), stream('GRANT')];
      const head = await ctx.store.headPosition();
      await expect(
        ctx.store.appendMulti([
          { stream: lower, expected: 'no_stream', events: [newEvent('GrantAwarded')] },
          { stream: upper, expected: 'no_stream', events: [newEvent('GrantAwarded')] },
        ]),
      ).rejects.toMatchObject({ constructor: InvalidAppendError, code: 'DUPLICATE_STREAM' });
      expect(await ctx.store.readStream(lower)).toEqual([]);
      expect(await ctx.store.readStream(upper)).toEqual([]);
      expect(await ctx.store.headPosition()).toEqual(head);
      // Apart, they are two streams on every adapter.
      await ctx.store.append({ stream: lower, expected: 'no_stream', events: [newEvent('GrantAwarded')] });
      await ctx.store.append({ stream: upper, expected: 'no_stream', events: [newEvent('GrantAwarded')] });
      expect(await ctx.store.readStream(upper)).toHaveLength(1);
    });
  });
});
