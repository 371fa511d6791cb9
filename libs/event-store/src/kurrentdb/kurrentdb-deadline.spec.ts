/**
 * Deadlines on KurrentDB calls (kurrentdb-deadline.ts), without a server: the client's default
 * deadline set in the connection string, and reads bounded by the adapter itself.
 */
import { describe, expect, it } from '@jest/globals';
import { DeadlineExceededError } from '@kurrent/kurrentdb-client';
import { DEFAULT_DEADLINE_MS, withDefaultDeadline, withinDeadline } from './kurrentdb-deadline.js';

describe('deadlines', () => {
  it('sets the client\u2019s defaultDeadline in the connection string unless it sets one', () => {
    expect(withDefaultDeadline('kurrentdb://localhost:2113', 2500)).toBe(
      'kurrentdb://localhost:2113?defaultDeadline=2500',
    );
    expect(withDefaultDeadline('kurrentdb://localhost:2113?tls=false', 2500)).toBe(
      'kurrentdb://localhost:2113?tls=false&defaultDeadline=2500',
    );
    expect(withDefaultDeadline('kurrentdb://admin:a?b@localhost:2113', 2500)).toBe(
      'kurrentdb://admin:a?b@localhost:2113?defaultDeadline=2500',
    );
    expect(withDefaultDeadline('kurrentdb://localhost:2113?default-deadline=700', 2500)).toBe(
      'kurrentdb://localhost:2113?default-deadline=700',
    );
    expect(DEFAULT_DEADLINE_MS).toBe(10_000);
  });

  it('fails a read that outlives its deadline with the client\u2019s DeadlineExceededError, and abandons it', async () => {
    let returned = false;
    const stalled: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => (returned ? { done: true, value: undefined } : new Promise<never>(() => undefined)),
        return: async () => {
          returned = true;
          return { done: true, value: undefined };
        },
      }),
    };
    const started = Date.now();
    const read = async () => {
      for await (const _ of withinDeadline(stalled, 40, 'Reading bid-1')) void _;
    };
    await expect(read()).rejects.toMatchObject({
      constructor: DeadlineExceededError,
      message: 'Reading bid-1 took longer than its deadline of 40 ms',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
    expect(returned).toBe(true);
  });

  it('passes through a read that ends in time', async () => {
    async function* three() {
      yield* [1, 2, 3];
    }
    const seen: number[] = [];
    for await (const n of withinDeadline(three(), 1_000, 'Reading')) seen.push(n);
    expect(seen).toEqual([1, 2, 3]);
  });
});
