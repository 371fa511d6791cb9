/**
 * No expenditure funded twice, under concurrency (Reg. (EU) 2021/1060 art. 63(9)): claims on
 * different grants that name the same document race through two pipelines on one in-memory store,
 * as through two API processes; the document's stream is the only place they meet. Exactly one
 * takes it; the others are decided again on fresh state and refused, naming the claim that won.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  PORTAL,
  SUPPLIER,
  bidAdmissible,
  bidSubmitted,
  callOpened,
  claimItem,
  grantAwarded,
  programmeEstablished,
} from '../../test-support/funding.fixtures.js';
import { documentsClaimedOnceInsideTheEligibilityPeriod } from '../../test-support/grant.invariants.js';
import { TestLedger, record } from '../../test-support/test-ledger.js';
import type { FundingEvent } from '../funding.events.js';
import type { GrantEvent } from '../grants/grant.events.js';
import { documentKey } from './document.js';
import type { SubmitExpenditureClaim } from './submit-expenditure-claim.js';

const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 100);
const GRANTS = ['g1', 'g2', 'g3', 'g4'] as const;
let conflicts = 0;

/** Grants of EUR 100,000 on call c1 of programme wecare, recorded as their awards' events. */
function awarded(grantId: string): FundingEvent[] {
  const award = grantAwarded(10_000_000) as Extract<GrantEvent, { type: 'GrantAwarded' }>;
  const bidId = `b-${grantId}`;
  return [
    { ...bidSubmitted, data: { ...bidSubmitted.data, bidId } } as FundingEvent,
    { ...bidAdmissible, data: { ...bidAdmissible.data, bidId } } as FundingEvent,
    {
      ...award,
      data: {
        ...award.data,
        grantId,
        bidId,
        cup: `J11B170002700${GRANTS.indexOf(grantId as (typeof GRANTS)[number])}9`,
      },
    },
  ];
}

/** The same invoice as its issuer wrote it, or as a beneficiary retyped it: another case, spaces around. */
const spelling = fc.constantFrom('FT 118/2026', 'ft 118/2026', ' Ft 118/2026  ');

const race = fc.record({
  claims: fc.array(fc.record({ grant: fc.constantFrom(...GRANTS), number: spelling, withOther: fc.boolean() }), {
    minLength: 2,
    maxLength: 6,
  }),
  now: fc.constantFrom('2026-07-01T10:00:00.000Z', '2026-12-01T10:00:00.000Z'),
});

describe('a document claimed by claims racing on several grants', () => {
  afterAll(() => {
    // The interleavings really raced: some appends found the document's stream moved on and were decided again.
    expect(conflicts).toBeGreaterThan(0);
  });

  it('is taken by exactly one claim; every other is refused naming it, never lost to a conflict', async () => {
    await fc.assert(
      fc.asyncProperty(race, async ({ claims, now }) => {
        const ledger = new TestLedger();
        await record(ledger.store, [programmeEstablished, callOpened, ...GRANTS.flatMap(awarded)]);
        const commands = claims.map(({ grant, number, withOther }, i): SubmitExpenditureClaim => ({
          type: 'SubmitExpenditureClaim',
          grantId: grant,
          claimId: `k${i}`,
          kind: 'interim',
          submittedBy: PORTAL,
          items: [
            // An invoice of the claim's own beside the contested one: the refusal takes neither.
            ...(withOther ? [claimItem(50_000, `own-${i}`)] : []),
            {
              ...claimItem(100_000, 'contested'),
              document: { type: 'invoice', number, date: '2026-06-10', issuerTaxCode: SUPPLIER, amountCents: 100_000 },
            },
          ],
        }));
        const outcomes = await ledger.at(new Date(now)).executeConcurrently(commands);
        conflicts += ledger.conflicts;

        expect(outcomes.filter((o) => o.kind === 'accepted')).toHaveLength(1);
        expect(outcomes.filter((o) => o.kind !== 'accepted')).toEqual(
          Array(claims.length - 1).fill({ kind: 'refused', code: 'DOCUMENT_ALREADY_CLAIMED' }),
        );
        const winner = outcomes.findIndex((o) => o.kind === 'accepted');
        const taken = ledger.log.filter((e) => e.event.type === 'ExpenditureDocumentClaimed');
        const key = documentKey('wecare', { issuerTaxCode: SUPPLIER, number: 'FT 118/2026', date: '2026-06-10' });
        expect(
          taken
            .filter((e) => (e.event.data as { key: string }).key === key)
            .map((e) => (e.event.data as { claimId: string }).claimId),
        ).toEqual([`k${winner}`]);
        // Nothing of a refused claim was written: not its claim, not its own invoice.
        expect(ledger.log.filter((e) => e.event.type === 'ExpenditureClaimSubmitted')).toHaveLength(1);
        expect(taken).toHaveLength(claims[winner]!.withOther ? 2 : 1);
        const violation = documentsClaimedOnceInsideTheEligibilityPeriod(ledger.log);
        if (violation) throw new Error(`Invariant ${violation}`);
      }),
      { numRuns: RUNS },
    );
  });
});
