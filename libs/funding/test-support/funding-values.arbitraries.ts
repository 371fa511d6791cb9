/**
 * The values random commands draw from: the clock of a scenario, the ids (few, so that commands
 * meet on the same streams), the principals, what each claim id declares, and amounts in cents.
 */
import fc from 'fast-check';

export const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const DAY = 86_400_000;
export const dayAt = (day: number) => new Date(T0 + day * DAY);

export const programmeId = fc.constantFrom('p1', 'p1', 'p1', 'p2');
export const measureId = fc.constantFrom('m1', 'm2', 'm3');
export const callId = fc.constantFrom('c1', 'c1', 'c2', 'c3');
export const bidId = fc.constantFrom('b1', 'b2', 'b3', 'b4', 'b5');
/** Bids go to their own call (b1-b2 → c1, b3-b4 → c2) and now and then to another one, or one that does not exist. */
export const callOfBid = (bid: string) =>
  fc.oneof({ weight: 8, arbitrary: fc.constant(bid <= 'b2' ? 'c1' : 'c2') }, { weight: 1, arbitrary: callId });
export const grantId = fc.constantFrom('g1', 'g2', 'g3', 'g4');
/** The setup awards g1 and g3: new awards mostly take other ids. */
export const newGrantId = fc.constantFrom('g1', 'g2', 'g2', 'g4', 'g4');
export const disbursementId = fc.constantFrom('d1', 'd2', 'd3', 'd4', 'd5', 'd6');
const CLAIM_IDS = ['k1', 'k2', 'k3', 'k4', 'k5', 'k6'] as const;
export const claimId = fc.constantFrom(...CLAIM_IDS);
/**
 * What each claim id declares, item by item, whichever grant files it: so a verification drawn
 * at random can mostly add up (eligible + cuts = declared), and now and then does not. Each item on
 * an invoice of its own, numbered by claim id and item (a claim id is taken once).
 */
export const CLAIM_ITEMS: Readonly<Record<(typeof CLAIM_IDS)[number], readonly number[]>> = {
  k1: [6_000, 4_000],
  k2: [12_000],
  k3: [1_000, 1_000, 2_000],
  k4: [25_000],
  k5: [9_000, 3_000],
  k6: [500],
};
/** Principals: the controller also evaluates now and then, and pays now and then: separation of duties must refuse it. */
export const evaluator = fc.constantFrom('evaluator-1', 'evaluator-1', 'evaluator-1', 'controller-1');
export const payer = fc.constantFrom('finance-1', 'finance-1', 'finance-1', 'controller-1');
export const recoveryId = fc.constantFrom('r1', 'r2', 'r3', 'r4', 'r5', 'r6');
/** Mostly sensible integer cents, now and then a value the domain must refuse. */
export const cents = (min: number, max: number) =>
  fc.oneof(
    { weight: 40, arbitrary: fc.integer({ min, max }) },
    { weight: 1, arbitrary: fc.constantFrom(0, -100, 12.5) },
  );

/**
 * A fund share's co-financing: WECARE's 50 / 35 / 15 now and then, else any three whole basis points
 * summing to 10,000 (odd ones too, so that splits have cents left over to assign).
 */
export const cofinancing = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ euBp: 5_000, nationalBp: 3_500, regionalBp: 1_500 }) },
  {
    weight: 3,
    arbitrary: fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 })).map(([a, b]) => ({
      euBp: Math.min(a, b),
      nationalBp: Math.max(a, b) - Math.min(a, b),
      regionalBp: 10_000 - Math.max(a, b),
    })),
  },
);
