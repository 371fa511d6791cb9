/**
 * The text form of the faults a store is made to show (EVENT_STORE_FAULTS): what it takes, and what
 * it refuses, naming the part at fault.
 */
import { describe, expect, it } from '@jest/globals';
import { InvalidEventStoreFaultsError, formatEventStoreFaults, parseEventStoreFaults } from './event-store-faults.js';

describe('parseEventStoreFaults', () => {
  it('takes each fault with the share of calls it strikes', () => {
    expect(parseEventStoreFaults('commit-then-fail:0.05,unavailable:0.02,drop-subscription:0.01')).toEqual({
      'commit-then-fail': 0.05,
      unavailable: 0.02,
      'drop-subscription': 0.01,
    });
    expect(parseEventStoreFaults(' leader-change : 1 , unavailable:0 ')).toEqual({
      'leader-change': 1,
      unavailable: 0,
    });
    expect(parseEventStoreFaults('unavailable:.5')).toEqual({ unavailable: 0.5 });
  });

  it('reads an empty setting as no fault', () => {
    expect(parseEventStoreFaults('')).toEqual({});
    expect(parseEventStoreFaults('   ')).toEqual({});
  });

  it.each([
    ['clock-skew:0.1', 'clock-skew:0.1', 'unknown fault "clock-skew"'],
    ['unavailable:0.1,Unavailable:0.2', 'Unavailable:0.2', 'unknown fault'],
    ['unavailable:1.5', 'unavailable:1.5', 'from 0 to 1'],
    ['unavailable:-0.1', 'unavailable:-0.1', 'from 0 to 1'],
    ['unavailable:1e-2', 'unavailable:1e-2', 'from 0 to 1'],
    ['unavailable:0x1', 'unavailable:0x1', 'from 0 to 1'],
    ['unavailable:abc', 'unavailable:abc', 'from 0 to 1'],
    ['unavailable:', 'unavailable:', 'from 0 to 1'],
    ['commit-then-fail:0.1,unavailable', 'unavailable', 'expected <fault>:<share>'],
    ['unavailable:0.1,,leader-change:0.1', '', 'expected <fault>:<share>'],
    ['unavailable:0.1,unavailable:0.2', 'unavailable:0.2', 'named more than once'],
  ])('refuses %j, naming %j', (text, part, reason) => {
    let refusal: unknown;
    try {
      parseEventStoreFaults(text);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(InvalidEventStoreFaultsError);
    expect(refusal).toMatchObject({ part });
    expect((refusal as Error).message).toContain(JSON.stringify(part));
    expect((refusal as Error).message).toContain(reason);
  });

  it('writes the faults back in the form it reads', () => {
    const faults = parseEventStoreFaults('drop-subscription:0.01,commit-then-fail:0.05');
    expect(formatEventStoreFaults(faults)).toBe('commit-then-fail:0.05,drop-subscription:0.01');
    expect(parseEventStoreFaults(formatEventStoreFaults(faults))).toEqual(faults);
  });
});
