/**
 * Invariant 15 under random interleavings: on a ranking call, awards and pass-overs sent at once
 * through two processes (two CommandPipelines on one in-memory store, as two API processes on one
 * data directory), with withdrawals and revocations that hand money back, never skip a bid ranked
 * higher and still waiting. Checked after every step against the recorded events
 * (test-support/funding.invariants.ts), never against the deciders' own state.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { PASS_OVER_REASONS, type PassOverReason } from '../bids/bid.events.js';
import type { FundingCommand } from '../funding.commands.js';
import { dayAt } from '../../test-support/funding.arbitraries.js';
import { ACT, EVALUATOR, awardTerms } from '../../test-support/funding.fixtures.js';
import { firstViolation } from '../../test-support/funding.invariants.js';
import { companyBidOnC1, programmeWithOneCall } from '../../test-support/programme-with-one-call.js';
import { TestLedger, type Outcome } from '../../test-support/test-ledger.js';

const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 300);
const BIDS = 8;

/** The call: its budget, and each bid's request and score (a narrow range of scores, so equal scores are common). */
const call = fc.record({
  budget: fc.integer({ min: 200_000, max: 1_200_000 }),
  bids: fc.array(
    fc.record({
      requested: fc.integer({ min: 50_000, max: 400_000 }),
      score: fc.integer({ min: 60, max: 64 }),
      admissible: fc.constantFrom(true, true, true, true, false),
    }),
    { minLength: 3, maxLength: BIDS },
  ),
});
type Bids = ReadonlyArray<{ readonly requested: number }>;

/** An award on bid i: for its request or less (a grant id per bid: a bid is awarded once). */
const award = (bids: Bids, i: number, perMille: number, grantId = `g-b${i}`): FundingCommand => {
  const amount = Math.max(1, Math.floor(((bids[i]?.requested ?? 50_000) * perMille) / 1000));
  return {
    type: 'AwardGrant',
    grantId,
    callId: 'c1',
    bidId: `b${i}`,
    amountCents: amount,
    ...awardTerms(grantId, amount),
  };
};
const passOver = (i: number, reason: PassOverReason): FundingCommand => ({
  type: 'PassOverBid',
  bidId: `b${i}`,
  reason,
  act: ACT,
});

/** What the programme manager, the applicants and first-level control do once the ranking is approved. */
const command = (bids: Bids): fc.Arbitrary<FundingCommand> => {
  const bid = fc.integer({ min: 0, max: bids.length - 1 });
  const reason = fc.constantFrom<PassOverReason>('insufficient-funds', 'insufficient-funds', ...PASS_OVER_REASONS);
  return fc.oneof(
    {
      weight: 10,
      arbitrary: fc.tuple(bid, fc.integer({ min: 300, max: 1000 })).map(([i, perMille]) => award(bids, i, perMille)),
    },
    { weight: 5, arbitrary: fc.tuple(bid, reason).map(([i, why]) => passOver(i, why)) },
    {
      weight: 1,
      arbitrary: bid.map((i): FundingCommand => ({ type: 'WithdrawBid', bidId: `b${i}`, requestedBy: 'portal-1' })),
    },
    // A renunciation or an irregularity: the grant's money, or part of it, goes back to the call.
    {
      weight: 3,
      arbitrary: fc
        .tuple(bid, fc.option(fc.integer({ min: 5_000, max: 100_000 }), { nil: null }))
        .map(([i, amount]): FundingCommand => ({
          type: 'RevokeGrant',
          grantId: `g-b${i}`,
          reason: 'Renounced',
          amountCents: amount,
          act: ACT,
        })),
    },
  );
};

/** Two commands aimed at the same line: two awards of one bid, an award and a pass-over, two awards of neighbours. */
const racingPair = (bids: Bids): fc.Arbitrary<FundingCommand[]> => {
  const bid = fc.integer({ min: 0, max: bids.length - 1 });
  return fc.oneof(
    fc
      .tuple(bid, fc.integer({ min: 300, max: 1000 }))
      .map(([i, perMille]) => [award(bids, i, perMille), award(bids, i, perMille, `g-b${i}-twin`)]),
    fc
      .tuple(bid, bid, fc.constantFrom<PassOverReason>(...PASS_OVER_REASONS))
      .map(([i, j, why]) => [award(bids, i, 1000), passOver(j, why)]),
    fc
      .tuple(bid, fc.integer({ min: 300, max: 1000 }))
      .map(([i, perMille]) => [award(bids, i, perMille), award(bids, (i + 1) % bids.length, perMille)]),
  );
};

/** Steps of one command, two unrelated ones, or a racing pair; two are sent at once, one through each process. */
const steps = (bids: Bids) =>
  fc.array(
    fc.oneof(
      { weight: 3, arbitrary: command(bids).map((c) => [c]) },
      { weight: 2, arbitrary: fc.tuple(command(bids), command(bids)) },
      { weight: 3, arbitrary: racingPair(bids) },
    ),
    { minLength: 10, maxLength: 40 },
  );

const seen = { accepted: new Map<string, number>(), refused: new Map<string, number>(), conflicts: 0, racedSteps: 0 };
const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

describe(`a ranking call's awards follow its ranking (invariant 15) over ${RUNS} random interleavings`, () => {
  it('never award or pass over for insufficient funds a bid while one ranked higher is waiting, when awards and pass-overs race through two processes', async () => {
    await fc.assert(
      fc.asyncProperty(
        call.chain((c) => fc.tuple(fc.constant(c), steps(c.bids))),
        async ([{ budget, bids }, plan]) => {
          const ledger = new TestLedger();
          const setup: FundingCommand[] = [
            ...programmeWithOneCall(budget),
            ...bids.flatMap(({ requested, score, admissible }, i): FundingCommand[] => [
              companyBidOnC1(i, Math.min(requested, budget)),
              {
                type: 'EvaluateBid',
                bidId: `b${i}`,
                admissible,
                score: admissible ? score : null,
                evaluatedBy: EVALUATOR,
              },
            ]),
            { type: 'CloseCall', callId: 'c1' },
            { type: 'ApproveRanking', callId: 'c1', act: ACT, bidIds: bids.map((_, i) => `b${i}`) },
          ];
          for (const c of setup) expect(await ledger.at(dayAt(1)).execute(c)).toEqual({ kind: 'accepted' });
          ledger.at(dayAt(40));
          for (const commands of plan) {
            const outcomes: Outcome[] =
              commands.length === 2
                ? await ledger.executeConcurrently([...commands])
                : [await ledger.execute(commands[0]!)];
            if (commands.length === 2) seen.racedSteps++;
            outcomes.forEach((o, i) =>
              o.kind === 'refused'
                ? count(seen.refused, o.code)
                : count(seen.accepted, `${commands[i]!.type} ${o.kind}`),
            );
            const violation = firstViolation(ledger.log);
            if (violation) throw new Error(`Invariant ${violation}\nafter ${JSON.stringify(commands)}`);
            // Losing a race is never an answer: the loser is decided again on the state the winner left.
            for (const outcome of outcomes) expect(outcome.kind).not.toBe('conflict');
          }
          seen.conflicts += ledger.conflicts;
        },
      ),
      { numRuns: RUNS },
    );
  });

  afterAll(() => {
    if (process.env['SHOW_COUNTS']) console.log(seen);
    // The races were real: appends refused for a stale revision of the call, decided again.
    expect(seen.conflicts).toBeGreaterThan(RUNS / 10);
    // ...and the sequences reached every rule: awards in order, out of order, pass-overs, money back.
    expect(seen.accepted.get('AwardGrant accepted') ?? 0).toBeGreaterThan(RUNS);
    expect(seen.accepted.get('PassOverBid accepted') ?? 0).toBeGreaterThan(RUNS / 2);
    expect(seen.accepted.get('RevokeGrant accepted') ?? 0).toBeGreaterThan(RUNS / 10);
    for (const code of ['RANKING_ORDER', 'BID_PASSED_OVER', 'FUNDS_AVAILABLE', 'BUDGET_EXCEEDED'])
      expect(`${code}: ${(seen.refused.get(code) ?? 0) > RUNS / 20 ? 'reached' : 'rare'}`).toBe(`${code}: reached`);
  });
});
