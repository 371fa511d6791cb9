/**
 * The accounting function's invariants (issue #27) over random payments, recoveries, corrections,
 * applications, receipts and accounts, with applications and corrections racing through two
 * processes on one store: checked on the recorded events after every step.
 *
 * - declared ≤ paid on verified expenditure: per grant, the lines' public contribution is at most
 *   what was paid, and their eligible expenditure at most what was verified; an advance only once
 *   what was paid up to it, less what came back, is covered by the expenditure verified;
 * - each payment line in at most one application (a line the accounts left out may be declared once more);
 * - every application's totals are the sums of its lines and deductions, part by part, each line
 *   split by the fund's co-financing exactly (EU share = the lines' EU shares, to the cent);
 * - the accounts are the sum of the year's applications less what they left out;
 * - a correction never takes a grant beyond what was declared of it;
 * - the Commission never pays an application more than its EU share.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { TestLedger, type LoggedEvent } from '../../test-support/test-ledger.js';
import {
  ACT,
  CONTROLLER,
  EVALUATOR,
  FINANCE_OFFICER,
  PORTAL,
  awardTerms,
  claimItem,
} from '../../test-support/funding.fixtures.js';
import { dayAt } from '../../test-support/funding.arbitraries.js';
import type { FundingCommand } from '../funding.commands.js';
import type { FundingEvent, FundingEventType } from '../funding.events.js';
import { coveredCents, type FundingTerms } from '../figures.js';
import { splitContribution, type Cofinancing } from './cofinancing.js';
import { accountingYearOf } from './accounting-year.js';
import { sumAmounts } from './declarable.js';
import type { AccountsSubmitted, PaymentApplicationSubmitted } from './declarations.events.js';

const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 150);
const GRANTS = 4;
const accepted = new Map<FundingEventType, number>();
let conflicts = 0;

const cofinancing = fc
  .tuple(fc.integer({ min: 1, max: 9_999 }), fc.integer({ min: 1, max: 9_999 }))
  .map(([a, b]): Cofinancing => {
    const [low, high] = a <= b ? [a, b] : [b, a];
    return { euBp: low, nationalBp: high - low, regionalBp: 10_000 - high };
  });

const grant = fc.nat({ max: GRANTS - 1 });
const step = fc.oneof(
  fc.record({ kind: fc.constant('advance' as const), grant, perMille: fc.integer({ min: 1, max: 400 }) }),
  fc.record({
    kind: fc.constant('claim-and-pay' as const),
    grant,
    claimPerMille: fc.integer({ min: 1, max: 600 }),
    payPerMille: fc.integer({ min: 0, max: 1_000 }),
  }),
  fc.record({
    kind: fc.constant('revoke-and-recover' as const),
    grant,
    revokePerMille: fc.oneof(fc.constant(1_000), fc.integer({ min: 1, max: 1_000 })),
    // Often all of it: a recovery in full is where an advance's coverage turns.
    receivePerMille: fc.oneof(fc.constant(1_000), fc.integer({ min: 1, max: 1_000 })),
  }),
  fc.record({
    kind: fc.constant('correct' as const),
    grant,
    onMeasure: fc.boolean(),
    rateBp: fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: null }),
    amountCents: fc.integer({ min: 1, max: 200_000 }),
    treatment: fc.constantFrom('withdrawal' as const, 'recovery' as const),
    racing: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('apply' as const), racing: fc.integer({ min: 1, max: 3 }) }),
  fc.record({
    kind: fc.constant('receive' as const),
    application: fc.nat({ max: 5 }),
    perMille: fc.integer({ min: 1, max: 1_200 }),
  }),
  fc.record({ kind: fc.constant('accounts' as const), leaveOut: fc.nat({ max: 3 }) }),
);
const scenario = fc.record({
  cofinancing,
  awards: fc.array(fc.integer({ min: 50_000, max: 300_000 }), { minLength: GRANTS, maxLength: GRANTS }),
  steps: fc.array(fc.tuple(step, fc.integer({ min: 0, max: 45 })), { minLength: 3, maxLength: 16 }),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer S> ? S : never;

/** Programme p1: FSE split as drawn, measures m0 (axis I) and m1 (axis II), a first-come call each, grants g0..g3 alternating between them. */
function setup(split: Cofinancing, awards: readonly number[]): FundingCommand[] {
  const measures = [0, 1].flatMap((m): FundingCommand[] => [
    {
      type: 'DefineMeasure',
      programmeId: 'p1',
      measureId: `m${m}`,
      code: `M${m}`,
      title: 'Measure',
      fund: 'FSE',
      allocationCents: 5_000_000,
      priorityAxis: m === 0 ? 'I' : 'II',
    },
    {
      type: 'OpenCall',
      callId: `c${m}`,
      programmeId: 'p1',
      measureId: `m${m}`,
      title: 'Call',
      budgetCents: 2_000_000,
      opensAt: dayAt(0).toISOString(),
      closesAt: dayAt(100).toISOString(),
      eligibleApplicantTypes: ['company'],
      advanceShareBp: 4000,
      selection: 'first-come',
    },
  ]);
  const grants = awards.flatMap((award, i): FundingCommand[] => [
    {
      type: 'SubmitBid',
      bidId: `b${i}`,
      callId: `c${i % 2}`,
      submittedBy: PORTAL,
      applicant: { kind: 'legal-person', type: 'company', taxCode: `0000000000${i}`, name: `Company ${i}` },
      projectTitle: 'Project',
      requestedCents: award,
    },
    { type: 'EvaluateBid', bidId: `b${i}`, admissible: true, score: 70, evaluatedBy: EVALUATOR },
    {
      type: 'AwardGrant',
      grantId: `g${i}`,
      callId: `c${i % 2}`,
      bidId: `b${i}`,
      amountCents: award,
      ...awardTerms(`g${i}`, award),
    },
  ]);
  return [
    {
      type: 'EstablishProgramme',
      programmeId: 'p1',
      code: 'P1',
      title: 'Programme',
      funds: [{ fund: 'FSE', amountCents: 10_000_000, cofinancing: split }],
    },
    ...measures,
    ...grants,
  ];
}

async function run({ cofinancing: split, awards, steps }: Scenario): Promise<void> {
  const ledger = new TestLedger();
  for (const command of setup(split, awards))
    expect(await ledger.at(dayAt(1)).execute(command)).toEqual({ kind: 'accepted' });
  // From 20 June 2026: claims of items paid on 15 June, across the end of the accounting year on 30 June.
  let day = 170;
  let ids = 0;
  const applications: string[] = [];
  const check = (what: unknown) => {
    const violation = firstViolation(ledger.log, split);
    if (violation) throw new Error(`${violation}\nafter ${JSON.stringify(what)}`);
  };
  for (const [action, days] of steps) {
    day += days;
    const now = dayAt(day);
    const today = now.toISOString().slice(0, 10);
    ledger.at(now);
    const id = () => `${action.kind}-${(ids += 1)}`;
    const award =
      awards[action.kind === 'apply' || action.kind === 'receive' || action.kind === 'accounts' ? 0 : action.grant]!;
    switch (action.kind) {
      case 'advance':
        await ledger.execute({
          type: 'RecordDisbursement',
          grantId: `g${action.grant}`,
          disbursementId: id(),
          kind: 'advance',
          amountCents: Math.max(1, Math.floor((award * action.perMille) / 1000)),
          paidBy: FINANCE_OFFICER,
        });
        break;
      case 'claim-and-pay': {
        const claimId = id();
        const eligible = Math.max(1, Math.floor((award * action.claimPerMille) / 1000));
        await ledger.execute({
          type: 'SubmitExpenditureClaim',
          grantId: `g${action.grant}`,
          claimId,
          kind: 'interim',
          items: [claimItem(eligible, claimId)],
          submittedBy: PORTAL,
        });
        await ledger.execute({
          type: 'VerifyExpenditureClaim',
          claimId,
          eligibleCents: eligible,
          cuts: [],
          checklistRef: 'CL',
          onTheSpot: false,
          verifiedBy: CONTROLLER,
        });
        await ledger.execute({
          type: 'RecordDisbursement',
          grantId: `g${action.grant}`,
          disbursementId: id(),
          kind: 'interim',
          claimId,
          amountCents: Math.max(1, Math.floor((eligible * action.payPerMille) / 1000)),
          paidBy: FINANCE_OFFICER,
        });
        break;
      }
      case 'revoke-and-recover': {
        const grantId = `g${action.grant}`;
        await ledger.execute({
          type: 'RevokeGrant',
          grantId,
          reason: 'Requirements lost',
          amountCents: Math.max(1, Math.floor((award * action.revokePerMille) / 1000)),
          act: ACT,
        });
        const due = dueOf(ledger.log, grantId);
        if (due <= 0) break;
        const orderId = id();
        await ledger.execute({
          type: 'OrderRecovery',
          grantId,
          orderId,
          amountCents: due,
          interestRateBp: 0,
          dueDate: today,
          reference: orderId,
          act: ACT,
        });
        await ledger.execute({
          type: 'RecordRecoveryReceipt',
          grantId,
          receiptId: id(),
          amountCents: Math.max(1, Math.floor((due * action.receivePerMille) / 1000)),
          interestCents: 0,
          receivedAt: today,
          reference: 'TES',
        });
        break;
      }
      case 'correct': {
        const correction = (n: number): FundingCommand => ({
          type: 'MakeFinancialCorrection',
          correctionId: `${id()}-${n}`,
          programmeId: 'p1',
          ...(action.onMeasure ? { measureId: `m${action.grant % 2}` } : { grantId: `g${action.grant}` }),
          ...(action.rateBp !== null ? { rateBp: action.rateBp } : { amountCents: action.amountCents }),
          treatment: action.treatment,
          reason: 'Procurement breach',
          act: ACT,
          madeBy: 'accounting-1',
        });
        if (action.racing) await ledger.executeConcurrently([correction(1), correction(2)]);
        else await ledger.execute(correction(1));
        break;
      }
      case 'apply': {
        const racing = Array.from({ length: action.racing }, () => id());
        await ledger.executeConcurrently(
          racing.map((applicationId) => ({
            type: 'SubmitPaymentApplication',
            applicationId,
            programmeId: 'p1',
            fund: 'FSE',
            accountingYear: accountingYearOf(today).label,
            cutOffDate: today,
            submittedBy: 'accounting-1',
          })),
        );
        applications.push(...racing);
        break;
      }
      case 'receive': {
        const applicationId = applications[action.application % Math.max(1, applications.length)] ?? 'none';
        const submitted = applicationEvents(ledger.log).find((a) => a.applicationId === applicationId);
        await ledger.execute({
          type: 'RecordCommissionReceipt',
          applicationId,
          receiptId: id(),
          amountCents: Math.max(1, Math.floor(((submitted?.totals.euShareCents ?? 1) * action.perMille) / 1000)),
          receivedOn: today,
          recordedBy: 'accounting-1',
        });
        break;
      }
      case 'accounts': {
        const year = accountingYearOf(today);
        const previous = `${Number(year.label.slice(0, 4)) - 1}-${year.label.slice(0, 4)}`;
        const lines = applicationEvents(ledger.log)
          .filter((a) => a.accountingYear === previous)
          .flatMap((a) => a.lines.map((l) => l.disbursementId));
        await ledger.execute({
          type: 'SubmitAccounts',
          programmeId: 'p1',
          fund: 'FSE',
          accountingYear: previous,
          act: ACT,
          underAssessment: lines.slice(0, action.leaveOut),
          submittedBy: 'accounting-1',
        });
        break;
      }
    }
    check(action);
  }
  conflicts += ledger.conflicts;
  for (const { event } of ledger.log) accepted.set(event.type, (accepted.get(event.type) ?? 0) + 1);
}

const applicationEvents = (log: readonly LoggedEvent[]) =>
  log.flatMap(({ event }) => (event.type === 'PaymentApplicationSubmitted' ? [event.data] : []));

/** What a grant owes back and is not yet ordered, from its events. */
function dueOf(log: readonly LoggedEvent[], grantId: string): number {
  let due = 0;
  let ordered = 0;
  for (const { event } of log) {
    if (!('grantId' in event.data) || event.data.grantId !== grantId) continue;
    if (event.type === 'GrantRevoked' || event.type === 'ExpenditureClaimVerified') due = event.data.recoveryDueCents;
    if (event.type === 'RecoveryOrdered') ordered += event.data.amountCents;
  }
  return due - ordered;
}

function firstViolation(log: readonly LoggedEvent[], split: Cofinancing): string | null {
  const paid = new Map<string, number>();
  const verified = new Map<string, number>();
  const declaredPublic = new Map<string, number>();
  const declaredEligible = new Map<string, number>();
  const corrected = new Map<string, number>();
  const lineSeen = new Set<string>();
  const leftOut = new Set<string>();
  const received = new Map<string, number>();
  const applications = new Map<string, PaymentApplicationSubmitted['data']>();
  const terms = new Map<string, FundingTerms>();
  /** Each grant's payments in order, as the advance rule counts them. */
  const payments = new Map<string, Array<{ disbursementId: string; amountCents: number }>>();
  const recovered = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, amount: number) => map.set(key, (map.get(key) ?? 0) + amount);
  for (const { event } of log as ReadonlyArray<{ event: FundingEvent }>) {
    switch (event.type) {
      case 'GrantAwarded':
        terms.set(event.data.grantId, {
          currentAwardCents: event.data.amountCents,
          totalEligibleCostCents: event.data.operation.totalEligibleCostCents,
          fundingRateBp: event.data.fundingRateBp,
        });
        break;
      case 'GrantRevoked':
        terms.set(event.data.grantId, {
          ...terms.get(event.data.grantId)!,
          currentAwardCents: event.data.awardAfterCents,
        });
        break;
      case 'RecoveryReceived':
        add(recovered, event.data.grantId, event.data.amountCents);
        break;
      case 'DisbursementRecorded':
        add(paid, event.data.grantId, event.data.amountCents);
        payments.set(event.data.grantId, [...(payments.get(event.data.grantId) ?? []), event.data]);
        break;
      case 'ExpenditureClaimVerified':
        add(verified, event.data.grantId, event.data.eligibleCents);
        break;
      case 'PaymentApplicationSubmitted': {
        const a = event.data;
        applications.set(a.applicationId, a);
        for (const line of a.lines) {
          if (lineSeen.has(line.disbursementId) && !leftOut.has(line.disbursementId))
            return `payment ${line.disbursementId} declared twice (application ${a.applicationId})`;
          lineSeen.add(line.disbursementId);
          leftOut.delete(line.disbursementId);
          add(declaredPublic, line.grantId, line.publicContributionCents);
          add(declaredEligible, line.grantId, line.eligibleExpenditureCents);
          if ((declaredPublic.get(line.grantId) ?? 0) > (paid.get(line.grantId) ?? 0))
            return `grant ${line.grantId} declared beyond what it was paid`;
          if ((declaredEligible.get(line.grantId) ?? 0) > (verified.get(line.grantId) ?? 0))
            return `grant ${line.grantId} declared more expenditure than was verified`;
          if (line.kind === 'advance') {
            // Paid up to and including the advance, less what came back, within what verified expenditure covers.
            const upTo = payments.get(line.grantId) ?? [];
            const through = upTo.slice(0, upTo.findIndex((p) => p.disbursementId === line.disbursementId) + 1);
            const covered = coveredCents(terms.get(line.grantId)!, verified.get(line.grantId) ?? 0);
            const net = through.reduce((sum, p) => sum + p.amountCents, 0) - (recovered.get(line.grantId) ?? 0);
            if (covered === 0 || net > covered)
              return `advance ${line.disbursementId} declared beyond what verified expenditure covers (${net} > ${covered})`;
          }
        }
        for (const item of [...a.lines, ...a.deductions]) {
          const split_ = splitContribution(item.publicContributionCents, split);
          if (
            item.euShareCents !== split_.euCents ||
            item.nationalShareCents !== split_.nationalCents ||
            item.regionalShareCents !== split_.regionalCents
          )
            return `application ${a.applicationId}: an amount not split by its co-financing`;
        }
        const sums = sumAmounts([...a.lines, ...a.deductions]);
        if (JSON.stringify(sums) !== JSON.stringify(a.totals))
          return `application ${a.applicationId}: totals ${JSON.stringify(a.totals)} are not the sums ${JSON.stringify(sums)}`;
        if (JSON.stringify(sumAmounts(a.byAxis)) !== JSON.stringify(a.totals))
          return `application ${a.applicationId}: the axes do not add up to the totals`;
        break;
      }
      case 'CommissionPaymentReceived': {
        add(received, event.data.applicationId, event.data.amountCents);
        const a = applications.get(event.data.applicationId);
        if (!a || (received.get(a.applicationId) ?? 0) > a.totals.euShareCents)
          return `the Commission paid application ${event.data.applicationId} beyond its EU share`;
        break;
      }
      case 'FinancialCorrectionMade':
        for (const share of event.data.shares) {
          add(corrected, share.grantId, share.amountCents);
          if ((corrected.get(share.grantId) ?? 0) > (declaredPublic.get(share.grantId) ?? 0))
            return `grant ${share.grantId} corrected beyond what was declared`;
        }
        break;
      case 'AccountsSubmitted': {
        const accounts: AccountsSubmitted['data'] = event.data;
        const year = [...applications.values()].filter((a) => a.accountingYear === accounts.accountingYear);
        const expected = sumAmounts(year.map((a) => a.totals));
        const left = sumAmounts(accounts.underAssessment);
        const accounted = {
          eligibleExpenditureCents: expected.eligibleExpenditureCents - left.eligibleExpenditureCents,
          publicContributionCents: expected.publicContributionCents - left.publicContributionCents,
          euShareCents: expected.euShareCents - left.euShareCents,
          nationalShareCents: expected.nationalShareCents - left.nationalShareCents,
          regionalShareCents: expected.regionalShareCents - left.regionalShareCents,
        };
        if (JSON.stringify(accounted) !== JSON.stringify(accounts.accounted))
          return `accounts of ${accounts.accountingYear} are not the year's applications less what they leave out`;
        for (const line of accounts.underAssessment) {
          leftOut.add(line.disbursementId);
          add(declaredPublic, line.grantId, -line.publicContributionCents);
          add(declaredEligible, line.grantId, -line.eligibleExpenditureCents);
        }
        break;
      }
      default:
        break;
    }
  }
  return null;
}

describe(`the accounting function's invariants over ${RUNS} random sequences`, () => {
  afterAll(() => {
    // The runs did exercise what they claim to check.
    for (const type of [
      'PaymentApplicationSubmitted',
      'FinancialCorrectionMade',
      'CommissionPaymentReceived',
      'AccountsSubmitted',
      'RecoveryReceived',
    ] as const)
      expect(accepted.get(type) ?? 0).toBeGreaterThan(0);
    expect(conflicts).toBeGreaterThan(0);
  });

  it('hold after every step, with applications and corrections racing through two processes', async () => {
    await fc.assert(fc.asyncProperty(scenario, run), { numRuns: RUNS });
  });
});
