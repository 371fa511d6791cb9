/**
 * The steps of a random scenario: single commands, pairs that race on one stream, and short flows
 * of commands that fit together (a claim verified and paid; a revocation and its recovery).
 */
import fc from 'fast-check';
import type { FundingCommand } from '../src/funding.commands.js';
import { ACT, claimItem } from './funding.fixtures.js';
import { command } from './funding-command.arbitraries.js';
import { CLAIM_ITEMS, cents, claimId, grantId, payer, recoveryId } from './funding-values.arbitraries.js';

/**
 * The way money really moves after an award, as one step of commands that fit together: a claim,
 * its verification and its payment; a revocation, the recovery ordered, a receipt and a write-off.
 * Random single commands alone would seldom line their ids up that well.
 */
const claimFlow: fc.Arbitrary<FundingCommand[]> = fc
  .record({
    grantId,
    claimId,
    kind: fc.constantFrom('interim' as const, 'final' as const),
    cutPerMille: fc.constantFrom(0, 0, 500),
    amount: cents(0, 30_000),
    paidBy: payer,
    verifiedBy: fc.constantFrom('controller-1', 'controller-2'),
  })
  .map(({ grantId: grant, claimId: claim, kind, cutPerMille, amount, paidBy, verifiedBy }) => {
    const items = CLAIM_ITEMS[claim] ?? [];
    const cut = Math.floor(((items[0] ?? 0) * cutPerMille) / 1000);
    return [
      {
        type: 'SubmitExpenditureClaim',
        grantId: grant,
        claimId: claim,
        kind,
        submittedBy: 'portal-1',
        items: items.map((amountCents, i) => claimItem(amountCents, `${claim}-${i}`)),
      },
      {
        type: 'VerifyExpenditureClaim',
        claimId: claim,
        eligibleCents: items.reduce((a, b) => a + b, 0) - cut,
        cuts: cut > 0 ? [{ item: 0, amountCents: cut, reason: 'Not supported' }] : [],
        checklistRef: 'CL-1',
        onTheSpot: false,
        verifiedBy,
      },
      {
        type: 'RecordDisbursement',
        grantId: grant,
        disbursementId: `p-${claim}`,
        kind,
        claimId: claim,
        amountCents: amount,
        paidBy,
      },
    ];
  });
const recoveryFlow: fc.Arbitrary<FundingCommand[]> = fc
  .record({
    grantId,
    revoked: fc.option(cents(1_000, 60_000), { nil: null }),
    ordered: cents(500, 20_000),
    received: cents(0, 20_000),
    writeOff: fc.boolean(),
    orderId: recoveryId,
  })
  .map(({ grantId: grant, revoked, ordered, received, writeOff, orderId }) => [
    {
      type: 'RecordDisbursement',
      grantId: grant,
      disbursementId: `a-${orderId}`,
      kind: 'advance',
      claimId: null,
      amountCents: 5_000,
      paidBy: 'finance-1',
    },
    { type: 'RevokeGrant', grantId: grant, reason: 'Irregularity found', amountCents: revoked, covar: null, act: ACT },
    {
      type: 'OrderRecovery',
      grantId: grant,
      orderId,
      amountCents: ordered,
      interestRateBp: 250,
      dueDate: '2027-01-31',
      reference: 'ORD-1',
      act: ACT,
    },
    {
      type: 'RecordRecoveryReceipt',
      grantId: grant,
      receiptId: `${orderId}-r`,
      amountCents: received,
      interestCents: 100,
      receivedAt: '2026-01-01',
      reference: 'RCV-1',
    },
    ...(writeOff
      ? [
          {
            type: 'WriteOffRecovery' as const,
            grantId: grant,
            amountCents: null,
            reason: 'Beneficiary insolvent',
            act: ACT,
          },
        ]
      : []),
  ]);

/** A bid and the close of its call sent at once: the bid may land after the close, and is late. */
const closeRace: fc.Arbitrary<FundingCommand[]> = command
  .filter((c): c is Extract<FundingCommand, { type: 'SubmitBid' }> => c.type === 'SubmitBid')
  .chain((bid) =>
    fc
      .boolean()
      .map((closeFirst): FundingCommand[] =>
        closeFirst
          ? [{ type: 'CloseCall', callId: bid.callId }, bid]
          : [bid, { type: 'CloseCall', callId: bid.callId }],
      ),
  );

export type Step = { days: number; commands: FundingCommand[] };
/** The clock moves forward by 0-2 days a step (mostly not at all), so a sequence lives through call windows and after them. */
export const step: fc.Arbitrary<Step> = fc.record({
  days: fc.constantFrom(0, 0, 0, 1, 2),
  commands: fc.oneof(
    { weight: 6, arbitrary: fc.tuple(command) },
    { weight: 3, arbitrary: fc.tuple(command, command) },
    { weight: 3, arbitrary: racingPair() },
    { weight: 2, arbitrary: claimFlow },
    { weight: 1, arbitrary: recoveryFlow },
    { weight: 1, arbitrary: closeRace },
  ),
});

/** Two commands of one kind aimed at the same money-owning stream: the races that matter. */
function racingPair(): fc.Arbitrary<[FundingCommand, FundingCommand]> {
  return command.chain((first) =>
    command
      .filter((second) => second.type === first.type)
      .map((second): [FundingCommand, FundingCommand] => [
        first,
        { ...second, ...sharedTarget(first) } as FundingCommand,
      ]),
  );
}

function sharedTarget(command: FundingCommand): Partial<FundingCommand> {
  switch (command.type) {
    case 'EstablishProgramme':
    case 'DefineMeasure':
      return { programmeId: command.programmeId };
    case 'OpenCall':
      return { programmeId: command.programmeId, measureId: command.measureId };
    case 'CloseCall':
    case 'CancelCall':
    case 'ApproveRanking':
      return { callId: command.callId };
    case 'SubmitBid':
    case 'WithdrawBid':
    case 'EvaluateBid':
    case 'PassOverBid':
      return { bidId: command.bidId };
    case 'AwardGrant':
      return { callId: command.callId };
    case 'RecordDisbursement':
    case 'RevokeGrant':
    case 'SubmitExpenditureClaim':
    case 'OrderRecovery':
    case 'RecordRecoveryReceipt':
    case 'WriteOffRecovery':
      return { grantId: command.grantId };
    case 'VerifyExpenditureClaim':
      return { claimId: command.claimId };
    case 'RecordIrregularity':
    case 'FollowUpIrregularity':
      return { irregularityId: command.irregularityId };
    case 'EraseDataSubject':
      return { subjectId: command.subjectId };
    case 'StateCofinancing':
    case 'SubmitPaymentApplication':
    case 'SubmitAccounts':
    case 'MakeFinancialCorrection':
      return { programmeId: command.programmeId };
    case 'RecordCommissionReceipt':
      return { applicationId: command.applicationId };
  }
}
