import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { EventDecodingError, InvalidAppendError } from '../event-store.errors.js';
import type { RecordedEvent } from '../event-store.port.js';
import { sequencePosition } from '../log-position.js';
import { EventTypeRegistry, type Upcaster } from './event-type-registry.js';

/** BidSubmitted v1 carried the amount in euros as a string; v2 in integer cents; v3 renamed the field. */
const upcasters: Upcaster[] = [
  {
    type: 'BidSubmitted',
    fromVersion: 1,
    upcast: (d) => {
      const { amountEuros, ...rest } = d as { amountEuros: string };
      return { ...rest, amountCents: Math.round(Number(amountEuros) * 100) };
    },
  },
  {
    type: 'BidSubmitted',
    fromVersion: 2,
    upcast: (d) => {
      const { amountCents, ...rest } = d as { amountCents: number };
      return { ...rest, requestedCents: amountCents };
    },
  },
];
const registry = new EventTypeRegistry({ BidSubmitted: 3, BidWithdrawn: 1 }, upcasters);

const stored = (type: string, schemaVersion: number, data: unknown): RecordedEvent => ({
  eventId: randomUUID(),
  type,
  schemaVersion,
  data,
  metadata: {
    actor: 'a',
    correlationId: 'c',
    causationId: null,
    commandId: null,
    recordedAt: '2019-01-10T10:00:00.000Z',
  },
  stream: 'bid-b1',
  revision: 4,
  position: sequencePosition(42),
});

describe('event type registry', () => {
  it('brings a v1 event through every upcaster to the current shape, leaving the stored event as it was', () => {
    const old = stored('BidSubmitted', 1, { bidId: 'b1', amountEuros: '150000.50' });
    expect(registry.upcast(old)).toMatchObject({ schemaVersion: 3, data: { bidId: 'b1', requestedCents: 15_000_050 } });
    expect(old.data).toEqual({ bidId: 'b1', amountEuros: '150000.50' });
  });

  it('returns a current event untouched', () => {
    const current = stored('BidWithdrawn', 1, { bidId: 'b1' });
    expect(registry.upcast(current)).toBe(current);
  });

  it.each([
    ['an unknown type', stored('BidTeleported', 1, {}), 'unknown event type BidTeleported'],
    ['a version newer than the build', stored('BidWithdrawn', 2, {}), 'newer than this build knows'],
    ['data that is not an object', stored('BidWithdrawn', 1, 'b1'), 'data is not an object'],
    ['null data', stored('BidSubmitted', 2, null), 'data is not an object'],
  ])('refuses %s with a typed error naming stream and position', (_, event, reason) => {
    let thrown: unknown;
    try {
      registry.upcast(event);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(EventDecodingError);
    expect((thrown as Error).message).toContain('bid-b1@4');
    expect((thrown as Error).message).toContain('global position 42');
    expect((thrown as Error).message).toContain(reason);
  });

  it('wraps a failing upcaster', () => {
    const broken = new EventTypeRegistry({ X: 2 }, [
      {
        type: 'X',
        fromVersion: 1,
        upcast: () => {
          throw new Error('boom');
        },
      },
    ]);
    expect(() => broken.upcast(stored('X', 1, {}))).toThrow(/upcasting X from v1 failed: Error: boom/);
  });

  it('refuses, when built, a chain with a missing upcaster', () => {
    expect(() => new EventTypeRegistry({ BidSubmitted: 3 }, [upcasters[0]!])).toThrow(
      'BidSubmitted v3 has no upcaster from v2',
    );
  });

  it('writes only known types at their current version', () => {
    const event = {
      eventId: randomUUID(),
      type: 'BidSubmitted',
      schemaVersion: 3,
      data: {},
      metadata: stored('X', 1, {}).metadata,
    };
    expect(() => registry.assertWritable(event, 'bid-b1')).not.toThrow();
    expect(() => registry.assertWritable({ ...event, schemaVersion: 2 }, 'bid-b1')).toThrow(InvalidAppendError);
    expect(() => registry.assertWritable({ ...event, type: 'Nope' }, 'bid-b1')).toThrow(InvalidAppendError);
  });
});
