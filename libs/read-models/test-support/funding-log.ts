/** A small programme's history, as the command handlers would have written it, for projector tests. */
import { randomUUID } from 'node:crypto';
import type { NewEvent } from '@app/event-store';
import { FUNDING_EVENT_SCHEMA_VERSIONS, type FundingCommand, type FundingEventType } from '@app/funding';
import { ACT, EVALUATOR, awardTerms } from '../../funding/test-support/funding.fixtures.js';
import { claimVerifyAndPay } from '../../funding/test-support/paying.js';
import { TestLedger } from '../../funding/test-support/test-ledger.js';
import { dayAt } from '../../funding/test-support/funding.arbitraries.js';
import { testMetadata } from './in-memory-projection.js';

export function envelope(event: { type: string; data: unknown }): NewEvent {
  return {
    eventId: randomUUID(),
    type: event.type,
    schemaVersion: FUNDING_EVENT_SCHEMA_VERSIONS[event.type as FundingEventType] ?? 1,
    data: event.data,
    metadata: testMetadata(),
  };
}

/** A programme with a call, bids, its ranking, an award and payments. */
export async function lifecycle(): Promise<Array<{ stream: string; event: { type: string; data: unknown } }>> {
  const ledger = new TestLedger();
  const run = async (command: FundingCommand, day: number) => {
    const outcome = await ledger.at(dayAt(day)).execute(command);
    if (outcome.kind !== 'accepted') throw new Error(`${command.type}: ${JSON.stringify(outcome)}`);
  };
  await run(
    {
      type: 'EstablishProgramme',
      programmeId: 'p1',
      code: 'P1',
      title: 'P',
      funds: [{ fund: 'FSE', amountCents: 10_000_000 }],
    },
    0,
  );
  await run(
    {
      type: 'DefineMeasure',
      programmeId: 'p1',
      measureId: 'm1',
      code: 'M1',
      title: 'M',
      fund: 'FSE',
      allocationCents: 5_000_000,
    },
    0,
  );
  await run(
    {
      type: 'OpenCall',
      callId: 'c1',
      programmeId: 'p1',
      measureId: 'm1',
      title: 'C',
      budgetCents: 1_000_000,
      opensAt: dayAt(0).toISOString(),
      closesAt: dayAt(30).toISOString(),
      eligibleApplicantTypes: ['company'],
    },
    0,
  );
  for (const b of ['b1', 'b2', 'b3']) {
    await run(
      {
        type: 'SubmitBid',
        bidId: b,
        callId: 'c1',
        submittedBy: 'portal-1',
        applicant: { kind: 'legal-person', type: 'company', taxCode: '01234567890', name: `Company ${b}` },
        projectTitle: 'P',
        requestedCents: 300_000,
      },
      1,
    );
    await run(
      { type: 'EvaluateBid', bidId: b, admissible: true, score: b === 'b2' ? 90 : 70, evaluatedBy: EVALUATOR },
      2,
    );
  }
  // A ranking call awards by its approved ranking: closed, ranked (b2 first), then awarded.
  await run({ type: 'CloseCall', callId: 'c1' }, 2);
  await run({ type: 'ApproveRanking', callId: 'c1', act: ACT, bidIds: ['b1', 'b2', 'b3'] }, 2);
  await run(
    {
      type: 'AwardGrant',
      grantId: 'g1',
      callId: 'c1',
      bidId: 'b2',
      amountCents: 250_000,
      ...awardTerms('g1', 250_000),
    },
    3,
  );
  for (const command of claimVerifyAndPay('g1', 'd1', 100_000)) await run(command, 4);
  return ledger.log;
}

/** A late bid on the lifecycle's call: one more event for every projection to follow. */
export function lateBid(bidId: string): { stream: string; event: { type: string; data: unknown } } {
  return {
    stream: `bid-${bidId}`,
    event: {
      type: 'BidSubmitted',
      data: {
        bidId,
        callId: 'c1',
        applicant: { kind: 'legal-person', type: 'company', taxCode: '1', name: 'Late' },
        projectTitle: 'P',
        requestedCents: 1,
      },
    },
  };
}
