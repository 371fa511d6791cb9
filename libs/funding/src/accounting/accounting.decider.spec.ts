import { describe, expect, it } from '@jest/globals';
import {
  ACT,
  EUR,
  G1_PLACE,
  at,
  budgetCommitted,
  budgetReserved,
  claimSubmitted,
  claimVerified,
  disbursed,
  grantAwarded,
  measureDefined,
  programmeEstablished,
} from '../../test-support/funding.fixtures.js';
import { expectRefusal, given } from '../../test-support/given-when-then.js';
import type { FundingEvent } from '../funding.events.js';
import type { GrantEvent } from '../grants/grant.events.js';
import type { ProgrammeEvent } from '../programmes/programme.events.js';
import type { PaymentApplicationSubmitted } from './declarations.events.js';
import { accountingYearOf } from './accounting-year.js';
import type { MakeFinancialCorrection } from './make-financial-correction.js';
import type { RecordCommissionReceipt } from './record-commission-receipt.js';
import type { SubmitAccounts } from './submit-accounts.js';
import type { SubmitPaymentApplication } from './submit-payment-application.js';

const WECARE_SPLIT = { euBp: 5000, nationalBp: 3500, regionalBp: 1500 };

/** WECARE with its FSE split 50 / 35 / 15 and M4 under priority axis II. */
const programme: ProgrammeEvent = {
  type: 'ProgrammeEstablished',
  data: {
    ...(programmeEstablished.data as Extract<ProgrammeEvent, { type: 'ProgrammeEstablished' }>['data']),
    funds: [{ fund: 'FSE', amountCents: EUR(15_000_000), euCoFinancingRateBp: 5000, cofinancing: WECARE_SPLIT }],
  },
};
const m4: ProgrammeEvent = {
  type: 'MeasureDefined',
  data: { ...(measureDefined.data as Extract<ProgrammeEvent, { type: 'MeasureDefined' }>['data']), priorityAxis: 'II' },
};

const paidOn = (event: GrantEvent, day: string): GrantEvent =>
  ({ ...event, data: { ...event.data, paidAt: `${day}T10:00:00.000Z` } }) as GrantEvent;

/**
 * g1: EUR 120,000 awarded on an operation of EUR 200,000 at a 60% funding rate; the 40% advance
 * (EUR 48,000) paid on 1 June 2026; claim-1 of EUR 100,000 verified on 15 July 2026 (EUR 60,000
 * covered); the interim payment of the remaining EUR 12,000 on 20 July 2026.
 */
const g1Paid: FundingEvent[] = [
  programme,
  m4,
  budgetReserved,
  budgetCommitted(EUR(120_000)),
  grantAwarded(EUR(120_000)),
  disbursed('p1', 'advance', EUR(48_000)),
  claimSubmitted('claim-1', 'interim', EUR(100_000)),
  claimVerified('claim-1', 'interim', EUR(100_000)),
  paidOn(disbursed('p2', 'interim', EUR(12_000), 'claim-1'), '2026-07-20'),
];

const apply = (applicationId: string, cutOffDate: string, accountingYear = '2026-2027'): SubmitPaymentApplication => ({
  type: 'SubmitPaymentApplication',
  applicationId,
  programmeId: 'wecare',
  fund: 'FSE',
  accountingYear,
  cutOffDate,
  submittedBy: 'accounting-1',
});

const AUGUST = at('2026-08-05T10:00:00.000Z');

async function applied(history: FundingEvent[], command: SubmitPaymentApplication, now = AUGUST) {
  const events = await given(...history).when(command, now);
  return { events, submitted: events[0] as PaymentApplicationSubmitted };
}

describe('a payment application', () => {
  it('declares the payments made on verified expenditure, the advance once covered, split by co-financing', async () => {
    const { events, submitted } = await applied(g1Paid, apply('pa-1', '2026-07-31'));
    const operation = { grantId: 'g1', cup: 'J11B17000270009', measureId: 'm4', priorityAxis: 'II' };
    expect(submitted.data).toEqual({
      applicationId: 'pa-1',
      programmeId: 'wecare',
      fund: 'FSE',
      accountingYear: '2026-2027',
      cutOffDate: '2026-07-31',
      cofinancing: WECARE_SPLIT,
      lines: [
        {
          ...operation,
          disbursementId: 'p1',
          kind: 'advance',
          paidOn: '2026-06-01',
          claimIds: ['claim-1'],
          eligibleExpenditureCents: EUR(100_000),
          publicContributionCents: EUR(48_000),
          euShareCents: EUR(24_000),
          nationalShareCents: EUR(16_800),
          regionalShareCents: EUR(7_200),
        },
        {
          ...operation,
          disbursementId: 'p2',
          kind: 'interim',
          paidOn: '2026-07-20',
          claimIds: [],
          eligibleExpenditureCents: 0,
          publicContributionCents: EUR(12_000),
          euShareCents: EUR(6_000),
          nationalShareCents: EUR(4_200),
          regionalShareCents: EUR(1_800),
        },
      ],
      deductions: [],
      totals: {
        eligibleExpenditureCents: EUR(100_000),
        publicContributionCents: EUR(60_000),
        euShareCents: EUR(30_000),
        nationalShareCents: EUR(21_000),
        regionalShareCents: EUR(9_000),
      },
      byAxis: [
        {
          priorityAxis: 'II',
          eligibleExpenditureCents: EUR(100_000),
          publicContributionCents: EUR(60_000),
          euShareCents: EUR(30_000),
          nationalShareCents: EUR(21_000),
          regionalShareCents: EUR(9_000),
        },
      ],
      // 2021-2027 (the programme's period): 95% of the EU share.
      interimPaymentBp: 9500,
      expectedInterimPaymentCents: EUR(28_500),
      submittedBy: 'accounting-1',
      submittedAt: AUGUST.toISOString(),
    });
    expect(events[1]).toEqual({
      type: 'PaymentApplicationNumbered',
      data: { applicationId: 'pa-1', programmeId: 'wecare', fund: 'FSE' },
    });
  });

  it('pays 90% of the EU share under 2014-2020 rules', async () => {
    const period2014 = {
      ...programme,
      data: {
        ...programme.data,
        rules: { ...(programme.data as { rules: object }).rules, programmingPeriod: '2014-2020' },
      },
    } as ProgrammeEvent;
    const { submitted } = await applied([period2014, ...g1Paid.slice(1)], apply('pa-1', '2026-07-31'));
    expect(submitted.data.interimPaymentBp).toBe(9000);
    expect(submitted.data.expectedInterimPaymentCents).toBe(EUR(27_000));
  });

  it('leaves an advance out until verified expenditure covers it: nothing to declare before the claim', async () => {
    await expectRefusal(given(...g1Paid).when(apply('pa-1', '2026-06-30', '2025-2026'), AUGUST), 'NOTHING_TO_DECLARE');
  });

  it('declares each payment once: a second application finds nothing', async () => {
    const { events } = await applied(g1Paid, apply('pa-1', '2026-07-31'));
    await expectRefusal(given(...g1Paid, ...events).when(apply('pa-2', '2026-07-31'), AUGUST), 'NOTHING_TO_DECLARE');
  });

  it('declares each payment once under a race: the application that lost decides again on the winner’s', async () => {
    const { events } = await applied(g1Paid, apply('pa-1', '2026-07-31'));
    await expectRefusal(
      given(...g1Paid).whenMeanwhile(apply('pa-2', '2026-07-31'), AUGUST, [events[0]!]),
      'NOTHING_TO_DECLARE',
    );
  });

  it('deducts recoveries received since, with their EU share', async () => {
    const { events } = await applied(g1Paid, apply('pa-1', '2026-07-31'));
    const received: GrantEvent = {
      type: 'RecoveryReceived',
      data: {
        ...G1_PLACE,
        receiptId: 'r1',
        amountCents: EUR(5_000),
        interestCents: 0,
        receivedAt: '2026-09-01',
        reference: 'TES-1',
        releasedCents: EUR(5_000),
        recordedAt: '2026-09-01T10:00:00.000Z',
      },
    };
    const { submitted } = await applied(
      [...g1Paid, ...events, received],
      apply('pa-2', '2026-09-30'),
      at('2026-10-01T10:00:00.000Z'),
    );
    expect(submitted.data.lines).toEqual([]);
    expect(submitted.data.deductions).toEqual([
      expect.objectContaining({
        kind: 'recovery',
        reference: 'r1',
        grantId: 'g1',
        // The grant declared EUR 100,000 of expenditure for EUR 60,000: EUR 5,000 back stands for 8,333.33.
        eligibleExpenditureCents: -833_333,
        publicContributionCents: -EUR(5_000),
        euShareCents: -EUR(2_500),
      }),
    ]);
    expect(submitted.data.totals.euShareCents).toBe(-EUR(2_500));
    expect(submitted.data.expectedInterimPaymentCents).toBe(-EUR(2_375));
  });

  it('declares no advance that verified expenditure does not cover, even once it is recovered in full', async () => {
    const revoked: GrantEvent = {
      type: 'GrantRevoked',
      data: {
        ...G1_PLACE,
        reason: 'Requirements lost',
        covar: null,
        whole: true,
        revokedCents: EUR(120_000),
        awardAfterCents: 0,
        releasedCents: EUR(72_000),
        recoveryDueCents: EUR(48_000),
        recoveryDueAddedCents: EUR(48_000),
        act: ACT,
        revokedAt: '2026-06-10T10:00:00.000Z',
      },
    };
    const received: GrantEvent = {
      type: 'RecoveryReceived',
      data: {
        ...G1_PLACE,
        receiptId: 'r1',
        amountCents: EUR(48_000),
        interestCents: 0,
        receivedAt: '2026-06-20',
        reference: 'TES-1',
        releasedCents: EUR(48_000),
        recordedAt: '2026-06-20T10:00:00.000Z',
      },
    };
    await expectRefusal(
      given(...g1Paid.slice(0, 6), revoked, received).when(apply('pa-1', '2026-07-31'), AUGUST),
      'NOTHING_TO_DECLARE',
    );
  });

  it.each([
    ['a cut-off outside the accounting year', apply('pa-1', '2026-06-30'), 'INVALID_INPUT'],
    ['a cut-off after today', apply('pa-1', '2026-08-06'), 'INVALID_INPUT'],
    ['an accounting year not written as two years', apply('pa-1', '2026-07-31', '2026-2028'), 'INVALID_INPUT'],
    [
      'a fund the programme does not have',
      { ...apply('pa-1', '2026-07-31'), fund: 'FESR' as const },
      'FUND_NOT_IN_PROGRAMME',
    ],
    ['an unknown programme', { ...apply('pa-1', '2026-07-31'), programmeId: 'nope' }, 'PROGRAMME_NOT_FOUND'],
  ])('refuses %s', async (_what, command, code) => {
    await expectRefusal(given(...g1Paid).when(command as SubmitPaymentApplication, AUGUST), code as never);
  });

  it('refuses a fund whose co-financing split is not stated', async () => {
    await expectRefusal(
      given(programmeEstablished, ...g1Paid.slice(1)).when(apply('pa-1', '2026-07-31'), AUGUST),
      'COFINANCING_NOT_STATED',
    );
  });

  it('refuses an id already taken, and a cut-off before the last application’s', async () => {
    const { events } = await applied(g1Paid, apply('pa-1', '2026-07-31'));
    await expectRefusal(
      given(...g1Paid, ...events).when(apply('pa-1', '2026-08-01'), at('2026-08-10T10:00:00.000Z')),
      'PAYMENT_APPLICATION_ALREADY_SUBMITTED',
    );
    await expectRefusal(
      given(...g1Paid, ...events).when(apply('pa-2', '2026-07-30'), AUGUST),
      'CUT_OFF_BEFORE_LAST_APPLICATION',
    );
  });
});

describe('what the Commission pays', () => {
  const receipt = (receiptId: string, amountCents: number): RecordCommissionReceipt => ({
    type: 'RecordCommissionReceipt',
    applicationId: 'pa-1',
    receiptId,
    amountCents,
    receivedOn: '2026-09-15',
    recordedBy: 'accounting-1',
  });
  const SEPTEMBER = at('2026-09-20T10:00:00.000Z');

  it('records receipts up to the EU share the application declared', async () => {
    const { events } = await applied(g1Paid, apply('pa-1', '2026-07-31'));
    const first = await given(...g1Paid, ...events).when(receipt('ec-1', EUR(28_500)), SEPTEMBER);
    expect(first).toEqual([
      {
        type: 'CommissionPaymentReceived',
        data: {
          programmeId: 'wecare',
          fund: 'FSE',
          applicationId: 'pa-1',
          receiptId: 'ec-1',
          amountCents: EUR(28_500),
          receivedOn: '2026-09-15',
          recordedBy: 'accounting-1',
          recordedAt: SEPTEMBER.toISOString(),
        },
      },
    ]);
    await expectRefusal(
      given(...g1Paid, ...events, ...first).when(receipt('ec-2', EUR(1_500) + 1), SEPTEMBER),
      'RECEIPT_EXCEEDS_APPLICATION',
    );
    await expectRefusal(
      given(...g1Paid, ...events, ...first).when(receipt('ec-1', 1), SEPTEMBER),
      'RECEIPT_ALREADY_RECORDED',
    );
    // Paid before the application was submitted (5 August): a mistyped day.
    await expectRefusal(
      given(...g1Paid, ...events).when({ ...receipt('ec-3', 1), receivedOn: '2026-08-04' }, SEPTEMBER),
      'INVALID_INPUT',
    );
  });

  it('refuses a receipt on an application that does not exist', async () => {
    await expectRefusal(given(...g1Paid).when(receipt('ec-1', 1), SEPTEMBER), 'PAYMENT_APPLICATION_NOT_FOUND');
  });
});

describe('a financial correction', () => {
  const correct = (fields: Partial<MakeFinancialCorrection>): MakeFinancialCorrection => ({
    type: 'MakeFinancialCorrection',
    correctionId: 'fc-1',
    programmeId: 'wecare',
    grantId: 'g1',
    rateBp: 1000,
    reason: 'Procurement breach: 10% flat rate',
    act: ACT,
    madeBy: 'accounting-1',
    ...fields,
  });
  const OCTOBER = at('2026-10-01T10:00:00.000Z');

  it('cancels a flat rate of what the grant declared, withdrawn by the next application', async () => {
    const { events } = await applied(g1Paid, apply('pa-1', '2026-07-31'));
    const correction = await given(...g1Paid, ...events).when(correct({}), OCTOBER);
    expect(correction).toEqual([
      {
        type: 'FinancialCorrectionMade',
        data: expect.objectContaining({
          correctionId: 'fc-1',
          fund: 'FSE',
          target: { grantId: 'g1' },
          rateBp: 1000,
          amountCents: EUR(6_000),
          shares: [
            { grantId: 'g1', cup: 'J11B17000270009', measureId: 'm4', priorityAxis: 'II', amountCents: EUR(6_000) },
          ],
          treatment: 'withdrawal',
        }),
      },
    ]);
    const { submitted } = await applied([...g1Paid, ...events, ...correction], apply('pa-2', '2026-09-30'), OCTOBER);
    expect(submitted.data.deductions).toEqual([
      expect.objectContaining({
        kind: 'withdrawal',
        reference: 'fc-1',
        publicContributionCents: -EUR(6_000),
        euShareCents: -EUR(3_000),
      }),
    ]);
  });

  it('never corrects more than what is declared and open: the rest after one correction, and nothing undeclared', async () => {
    const { events } = await applied(g1Paid, apply('pa-1', '2026-07-31'));
    const first = await given(...g1Paid, ...events).when(correct({ rateBp: null, amountCents: EUR(50_000) }), OCTOBER);
    await expectRefusal(
      given(...g1Paid, ...events, ...first).when(
        correct({ correctionId: 'fc-2', rateBp: null, amountCents: EUR(10_000) + 1 }),
        OCTOBER,
      ),
      'CORRECTION_EXCEEDS_DECLARED',
    );
    await expectRefusal(given(...g1Paid).when(correct({}), OCTOBER), 'CORRECTION_EXCEEDS_DECLARED');
    await expectRefusal(given(...g1Paid, ...events, ...first).when(correct({}), OCTOBER), 'CORRECTION_ALREADY_MADE');
  });

  it('shares a measure’s correction among its declared grants', async () => {
    const { events } = await applied(g1Paid, apply('pa-1', '2026-07-31'));
    const correction = await given(...g1Paid, ...events).when(
      correct({ grantId: null, measureId: 'm4', rateBp: null, amountCents: EUR(1_000) }),
      OCTOBER,
    );
    expect(correction[0]).toMatchObject({
      data: {
        target: { measureId: 'm4' },
        amountCents: EUR(1_000),
        shares: [{ grantId: 'g1', amountCents: EUR(1_000) }],
      },
    });
  });

  it.each([
    ['neither a grant nor a measure', { grantId: null }],
    ['both a rate and an amount', { amountCents: 100 }],
    ['a rate above 100%', { rateBp: 10_001 }],
    ['an unknown treatment', { treatment: 'forgiven' as never }],
  ])('refuses %s', async (_what, fields) => {
    const { events } = await applied(g1Paid, apply('pa-1', '2026-07-31'));
    await expectRefusal(given(...g1Paid, ...events).when(correct(fields), OCTOBER), 'INVALID_INPUT');
  });
});

describe('the accounts of a year', () => {
  const accounts = (fields: Partial<SubmitAccounts> = {}): SubmitAccounts => ({
    type: 'SubmitAccounts',
    programmeId: 'wecare',
    fund: 'FSE',
    accountingYear: '2026-2027',
    act: ACT,
    submittedBy: 'accounting-1',
    ...fields,
  });
  const NEXT_AUGUST = at('2027-08-01T10:00:00.000Z');

  it('reconcile the year’s applications, leave out what is under assessment, and close the year', async () => {
    const { events } = await applied(g1Paid, apply('pa-1', '2026-07-31'));
    const closed = await given(...g1Paid, ...events).when(accounts({ underAssessment: ['p2'] }), NEXT_AUGUST);
    const data = (closed[0] as Extract<FundingEvent, { type: 'AccountsSubmitted' }>).data;
    expect(data.applications).toEqual([
      expect.objectContaining({ applicationId: 'pa-1', publicContributionCents: EUR(60_000) }),
    ]);
    expect(data.declared.publicContributionCents).toBe(EUR(60_000));
    expect(data.underAssessment).toEqual([
      expect.objectContaining({ disbursementId: 'p2', applicationId: 'pa-1', publicContributionCents: EUR(12_000) }),
    ]);
    expect(data.accounted).toEqual({
      eligibleExpenditureCents: EUR(100_000),
      publicContributionCents: EUR(48_000),
      euShareCents: EUR(24_000),
      nationalShareCents: EUR(16_800),
      regionalShareCents: EUR(7_200),
    });
    expect(data.balanceCents).toBe(EUR(24_000));
    // The year is closed; what was left out is declared again in the next year.
    await expectRefusal(
      given(...g1Paid, ...events, ...closed).when(apply('pa-2', '2027-06-30'), NEXT_AUGUST),
      'ACCOUNTING_YEAR_CLOSED',
    );
    const { submitted } = await applied(
      [...g1Paid, ...events, ...closed],
      apply('pa-2', '2027-07-31', '2027-2028'),
      NEXT_AUGUST,
    );
    expect(submitted.data.lines.map((l) => l.disbursementId)).toEqual(['p2']);
    await expectRefusal(
      given(...g1Paid, ...events, ...closed).when(accounts(), NEXT_AUGUST),
      'ACCOUNTS_ALREADY_SUBMITTED',
    );
  });

  it('leave out no payment whose contribution a correction already took back', async () => {
    const { events } = await applied(g1Paid, apply('pa-1', '2026-07-31'));
    const correction: FundingEvent = {
      type: 'FinancialCorrectionMade',
      data: {
        correctionId: 'fc-1',
        programmeId: 'wecare',
        fund: 'FSE',
        target: { grantId: 'g1' },
        rateBp: null,
        amountCents: EUR(50_000),
        shares: [
          { grantId: 'g1', cup: 'J11B17000270009', measureId: 'm4', priorityAxis: 'II', amountCents: EUR(50_000) },
        ],
        treatment: 'withdrawal',
        reason: 'Procurement breach',
        act: ACT,
        madeBy: 'accounting-1',
        madeAt: '2026-09-01T10:00:00.000Z',
      },
    };
    // EUR 60,000 declared, 50,000 corrected: 10,000 open, less than the EUR 12,000 payment.
    await expectRefusal(
      given(...g1Paid, ...events, correction).when(accounts({ underAssessment: ['p2'] }), NEXT_AUGUST),
      'NOT_UNDER_ASSESSMENT',
    );
    // Without the correction it may be left out.
    expect(await given(...g1Paid, ...events).when(accounts({ underAssessment: ['p2'] }), NEXT_AUGUST)).toHaveLength(1);
  });

  it('wait for the year to end, and leave out only payments the year declared', async () => {
    const { events } = await applied(g1Paid, apply('pa-1', '2026-07-31'));
    await expectRefusal(
      given(...g1Paid, ...events).when(accounts(), at('2027-06-30T10:00:00.000Z')),
      'ACCOUNTING_YEAR_NOT_ENDED',
    );
    await expectRefusal(
      given(...g1Paid, ...events).when(accounts({ underAssessment: ['p9'] }), NEXT_AUGUST),
      'NOT_UNDER_ASSESSMENT',
    );
  });
});

describe('the accounting year of a day', () => {
  it.each([
    ['2026-06-30', '2025-2026'],
    ['2026-07-01', '2026-2027'],
    ['2027-01-01', '2026-2027'],
    // A mistyped day of a recorded event is still placed, never refused.
    ['1999-03-15', '1998-1999'],
    ['0026-03-15', '0025-0026'],
  ])('%s falls in %s', (day, label) => {
    expect(accountingYearOf(day).label).toBe(label);
  });
});
