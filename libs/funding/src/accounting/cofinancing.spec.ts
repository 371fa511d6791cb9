import fc from 'fast-check';
import { DomainError } from '../domain-error.js';
import { assertCofinancing, splitContribution, type Cofinancing } from './cofinancing.js';

const WECARE: Cofinancing = { euBp: 5000, nationalBp: 3500, regionalBp: 1500 };

const cofinancing = fc
  .tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 }))
  .map(([a, b]): Cofinancing => {
    const [low, high] = a <= b ? [a, b] : [b, a];
    return { euBp: low, nationalBp: high - low, regionalBp: 10_000 - high };
  });

describe('splitContribution', () => {
  it('splits WECARE’s 50 / 35 / 15 exactly when the amount divides', () => {
    expect(splitContribution(10_000_000, WECARE)).toEqual({
      euCents: 5_000_000,
      nationalCents: 3_500_000,
      regionalCents: 1_500_000,
    });
  });

  it('gives the cents left over to the largest remainders, ties to the EU first', () => {
    // 1 cent: 0.5 / 0.35 / 0.15 → the EU's half-cent is the largest remainder.
    expect(splitContribution(1, WECARE)).toEqual({ euCents: 1, nationalCents: 0, regionalCents: 0 });
    // 3 cents: 1.5 / 1.05 / 0.45 → the EU's .5 and the region's .45 take the two cents left.
    expect(splitContribution(3, WECARE)).toEqual({ euCents: 2, nationalCents: 1, regionalCents: 0 });
    // Equal thirds of 1 cent: the tie goes to the EU.
    expect(splitContribution(1, { euBp: 3334, nationalBp: 3333, regionalBp: 3333 })).toEqual({
      euCents: 1,
      nationalCents: 0,
      regionalCents: 0,
    });
  });

  it('never gives a cent to a share of nothing', () => {
    expect(splitContribution(7, { euBp: 10_000, nationalBp: 0, regionalBp: 0 })).toEqual({
      euCents: 7,
      nationalCents: 0,
      regionalCents: 0,
    });
  });

  it('sums to the amount to the cent, each part within a cent of its exact share, the same amount always alike', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10_000_000_000_000, max: 10_000_000_000_000 }), cofinancing, (amount, split) => {
        const parts = splitContribution(amount, split);
        expect(parts.euCents + parts.nationalCents + parts.regionalCents).toBe(amount);
        const exact = [split.euBp, split.nationalBp, split.regionalBp].map((bp) => (amount * bp) / 10_000);
        [parts.euCents, parts.nationalCents, parts.regionalCents].forEach((part, i) =>
          expect(Math.abs(part - exact[i]!)).toBeLessThan(1.000001),
        );
        expect(splitContribution(amount, split)).toEqual(parts);
        // A deduction of the amount nets every part to zero.
        const back = splitContribution(-amount, split);
        expect(back.euCents + parts.euCents).toBe(0);
        expect(back.nationalCents + parts.nationalCents).toBe(0);
        expect(back.regionalCents + parts.regionalCents).toBe(0);
      }),
    );
  });
});

describe('assertCofinancing', () => {
  it('takes shares summing to 10000 basis points', () => {
    expect(assertCofinancing(WECARE, 'FSE')).toEqual(WECARE);
  });

  it.each([
    [{ euBp: 5000, nationalBp: 3500, regionalBp: 1499 }, 'sum to 10000'],
    [{ euBp: 5000.5, nationalBp: 3499.5, regionalBp: 1500 }, '0 to 10000'],
    [{ euBp: -1, nationalBp: 8501, regionalBp: 1500 }, '0 to 10000'],
  ])('refuses %j', (split, message) => {
    expect(() => assertCofinancing(split, 'FSE')).toThrow(DomainError);
    expect(() => assertCofinancing(split, 'FSE')).toThrow(message);
  });
});
