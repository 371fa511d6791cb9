/**
 * Money stays exact at the bounds: with every amount at most MAX_AMOUNT_CENTS and a call's
 * commitments bounded by COMMITMENT_LIMIT times its budget, no total the ledger or its read models
 * keep leaves the range where JavaScript numbers are exact, however many award and revocation
 * cycles a call goes through. Totals are checked against the events summed as BigInt.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { COMMITMENT_LIMIT, MAX_AMOUNT_CENTS, type FundingCommand } from '@app/funding';
import { ACT, EVALUATOR, awardTerms } from '../../../funding/test-support/funding.fixtures.js';
import { claimVerifyAndPay } from '../../../funding/test-support/paying.js';
import { TestLedger } from '../../../funding/test-support/test-ledger.js';
import { dayAt } from '../../../funding/test-support/funding.arbitraries.js';
import { projectInMemory, recorded } from '../../test-support/in-memory-projection.js';
import { FUNDING_PROJECTIONS } from './index.js';

const RUNS = Math.max(3, Math.ceil(Number(process.env['PROPERTY_RUNS'] ?? 300) / 30));
let runsThatReachedTheLimit = 0;

function centsValues(value: unknown): number[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key.endsWith('Cents') && typeof inner === 'number' ? [inner] : centsValues(inner),
  );
}

const sum = (events: ReturnType<typeof recorded>, type: string, field = 'amountCents') =>
  events
    .filter((e) => e.type === type)
    .reduce((total, e) => total + BigInt((e.data as Record<string, number>)[field]!), 0n);

describe(`money at the bounds (${RUNS} runs of over ${COMMITMENT_LIMIT} award and revocation cycles at the largest amounts)`, () => {
  it('every figure stays an exact integer, and the totals equal the events summed exactly', async () => {
    const cycle = fc.record({
      award: fc.integer({ min: MAX_AMOUNT_CENTS - 1_000, max: MAX_AMOUNT_CENTS }),
      paidPerMille: fc.constantFrom(0, 0, 1),
      partial: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(cycle, { minLength: COMMITMENT_LIMIT + 8, maxLength: COMMITMENT_LIMIT + 12 }),
        async (cycles) => {
          const ledger = new TestLedger().at(dayAt(1));
          const run = (command: FundingCommand) => ledger.execute(command);
          for (const command of [
            {
              type: 'EstablishProgramme',
              programmeId: 'p',
              code: 'P',
              title: 'P',
              funds: [
                { fund: 'FSE', amountCents: MAX_AMOUNT_CENTS },
                { fund: 'FESR', amountCents: MAX_AMOUNT_CENTS },
              ],
            },
            {
              type: 'DefineMeasure',
              programmeId: 'p',
              measureId: 'm',
              code: 'M',
              title: 'M',
              fund: 'FSE',
              allocationCents: MAX_AMOUNT_CENTS,
            },
            {
              type: 'OpenCall',
              callId: 'c',
              programmeId: 'p',
              measureId: 'm',
              title: 'C',
              budgetCents: MAX_AMOUNT_CENTS,
              opensAt: dayAt(0).toISOString(),
              closesAt: dayAt(30).toISOString(),
              eligibleApplicantTypes: ['company'],
              selection: 'first-come',
            },
          ] satisfies FundingCommand[]) {
            expect(await run(command)).toEqual({ kind: 'accepted' });
          }
          // What the call still holds (paid money stays committed) and has committed over its life.
          let held = 0;
          let committed = 0;
          let limitReached = false;
          for (const [i, { award: wanted, paidPerMille, partial }] of cycles.entries()) {
            const award = Math.min(wanted, MAX_AMOUNT_CENTS - held);
            await run({
              type: 'SubmitBid',
              bidId: `b${i}`,
              callId: 'c',
              submittedBy: 'portal',
              applicant: { kind: 'legal-person', type: 'company', taxCode: '01234567890', name: 'A' },
              projectTitle: 'P',
              requestedCents: MAX_AMOUNT_CENTS,
            });
            await run({ type: 'EvaluateBid', bidId: `b${i}`, admissible: true, score: 50, evaluatedBy: EVALUATOR });
            const awarded = await run({
              type: 'AwardGrant',
              grantId: `g${i}`,
              callId: 'c',
              bidId: `b${i}`,
              amountCents: award,
              ...awardTerms(`g${i}`, award),
            });
            const overLimit = committed + award > COMMITMENT_LIMIT * MAX_AMOUNT_CENTS;
            expect(awarded).toEqual(
              overLimit ? { kind: 'refused', code: 'COMMITMENT_LIMIT_REACHED' } : { kind: 'accepted' },
            );
            if (overLimit) {
              limitReached = true;
              // A first-come call funds in order of arrival: the refused bid steps aside for the next one.
              expect(await run({ type: 'WithdrawBid', bidId: `b${i}`, requestedBy: 'portal' })).toEqual({
                kind: 'accepted',
              });
              continue;
            }
            committed += award;
            const paid = Math.floor((award * paidPerMille) / 1000);
            held += paid;
            if (paid > 0)
              for (const command of claimVerifyAndPay(`g${i}`, 'd', paid, { portal: 'portal' })) await run(command);
            if (partial)
              await run({
                type: 'RevokeGrant',
                grantId: `g${i}`,
                reason: 'Cut',
                amountCents: Math.max(1, award - paid),
                act: ACT,
              });
            await run({ type: 'RevokeGrant', grantId: `g${i}`, reason: 'Revoked', act: ACT });
          }
          if (limitReached) runsThatReachedTheLimit++;

          const events = recorded(ledger.log);
          for (const e of events)
            for (const cents of centsValues(e.data)) expect(Number.isSafeInteger(cents)).toBe(true);
          const documents = projectInMemory(events, FUNDING_PROJECTIONS);
          for (const collection of documents.values()) {
            for (const document of collection.values())
              for (const cents of centsValues(document)) expect(Number.isSafeInteger(cents)).toBe(true);
          }
          const call = documents.get('calls')!.get('c') as Record<string, number>;
          expect(BigInt(call['committedCents']!)).toBe(sum(events, 'CallBudgetCommitted'));
          expect(BigInt(call['releasedCents']!)).toBe(sum(events, 'CallBudgetReleased'));
          const fund = (documents.get('programme_dashboards')!.get('p') as { funds: Array<Record<string, number>> })
            .funds[0]!;
          expect(BigInt(fund['committedCents']!)).toBe(sum(events, 'GrantAwarded'));
          expect(BigInt(fund['disbursedCents']!)).toBe(sum(events, 'DisbursementRecorded'));
          expect(BigInt(fund['recoveryDueCents']!)).toBe(sum(events, 'GrantRevoked', 'recoveryDueAddedCents'));
        },
      ),
      { numRuns: RUNS },
    );
    // The limit itself was met, not only approached.
    expect(runsThatReachedTheLimit).toBeGreaterThan(0);
  }, 120_000);
});
