import { describe, expect, it } from '@jest/globals';
import { AddressBuckets, WorkInProgress } from './limits.js';

describe('per-address buckets', () => {
  it('gives each address its burst, then says how long to wait, refilling over a minute', () => {
    let now = 0;
    const buckets = new AddressBuckets(3, 100, () => now);
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([0, 0, 0]);
    expect(buckets.take('a')).toBe(20);
    expect(buckets.take('b')).toBe(0);
    now = 20_000;
    expect(buckets.take('a')).toBe(0);
  });

  it('never resets an address that is still limited, however many others come: new ones are refused instead', () => {
    let now = 0;
    const buckets = new AddressBuckets(1, 10, () => now);
    expect(buckets.take('first')).toBe(0);
    expect(buckets.take('first')).toBeGreaterThan(0);
    for (let i = 0; i < 50; i++) buckets.take(`other-${i}`);
    expect(buckets.size).toBe(10);
    expect(buckets.take('first')).toBeGreaterThan(0);
    // A minute later every bucket has refilled: they are forgotten as room is needed.
    now = 61_000;
    expect(buckets.take('newcomer')).toBe(0);
    expect(buckets.size).toBeLessThanOrEqual(10);
  });
});

describe('work in progress per principal', () => {
  it('lets each principal run its share, and frees a place when one ends (once)', () => {
    const work = new WorkInProgress(2);
    const first = work.start('auditor')!;
    expect(work.start('auditor')).not.toBeNull();
    expect(work.start('auditor')).toBeNull();
    expect(work.start('someone-else')).not.toBeNull();
    first();
    first();
    expect(work.start('auditor')).not.toBeNull();
    expect(work.start('auditor')).toBeNull();
  });
});
