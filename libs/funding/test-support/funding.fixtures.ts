/**
 * Given-events builders for the decider specs and the property tests: one small programme,
 * shaped like WECARE's M4 (corporate welfare) so figures read like real ones.
 */
import type { BidEvent } from '../src/bids/bid.events.js';
import type { Evolving } from '../src/command-plan.js';
import type { FundingEvent } from '../src/funding.events.js';
import type { CallEvent } from '../src/calls/call.events.js';
import type { OpenCall } from '../src/calls/open-call.js';
import type { GrantEvent } from '../src/grants/grant.events.js';
import type { ClaimItem } from '../src/expenditure/expenditure.events.js';
import { DEFAULT_PROGRAMME_RULES, type ProgrammeEvent } from '../src/programmes/programme.events.js';

export const EUR = (euros: number): number => Math.round(euros * 100);

export const at = (iso: string): Date => new Date(iso);

export const CUP_G1 = 'J11B17000270009';

/** The principals acting in the specs: each duty by another person. */
export const EVALUATOR = 'evaluator-1';
export const CONTROLLER = 'controller-1';
export const FINANCE_OFFICER = 'finance-1';
export const PORTAL = 'portal-1';

/** A valid CUP of its own for each grant id (FNV-1a of the id, as eleven digits). */
export function cupFor(grantId: string): string {
  let hash = 0x811c9dc5;
  for (const char of grantId) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return `J11B${String(hash).padStart(11, '0')}`;
}

/** The act every decision of the specs cites unless a spec is about acts: dated on the first day the specs' clocks reach. */
export const ACT = { number: 'D.D. 1/2026', date: '2026-01-01', signatory: 'Il Dirigente del Settore' } as const;

/** What an award must state besides its amount: a CUP of its own, an operation that costs at least the award, and its act. */
export function awardTerms(grantId: string, amountCents: number) {
  return {
    cup: cupFor(grantId),
    operation: { ...OPERATION, totalEligibleCostCents: Math.max(1, Math.min(amountCents, 10_000_000_000_000)) },
    act: ACT,
  };
}
/** An operation in Torino (ISTAT 001272), EUR 200,000 of eligible cost. */
export const OPERATION = {
  purpose: null,
  plannedStartDate: '2026-06-01',
  plannedEndDate: '2027-05-31',
  istatMunicipalityCode: '001272',
  nuts3: 'ITC11',
  nuts2: 'ITC1',
  totalEligibleCostCents: 20_000_000,
  interventionType: null,
  specificObjective: null,
} as const;
export const OPENS = '2026-02-01T09:00:00.000Z';
export const CLOSES = '2026-03-31T17:00:00.000Z';
export const BEFORE_WINDOW = at('2026-01-15T10:00:00.000Z');
export const IN_WINDOW = at('2026-02-15T10:00:00.000Z');
export const AFTER_WINDOW = at('2026-04-10T10:00:00.000Z');

/** A capability's state after the given events of its stream. */
export function fold<S, E extends FundingEvent>(of: Evolving<S, E>, ...events: readonly E[]): S {
  return events.reduce((state, event) => of.evolve(state, event), of.initialState());
}

export const programmeEstablished: ProgrammeEvent = {
  type: 'ProgrammeEstablished',
  data: {
    programmeId: 'wecare',
    code: 'WECARE',
    title: 'Welfare Cantiere Regionale',
    funds: [
      { fund: 'FSE', amountCents: EUR(15_000_000), euCoFinancingRateBp: null, cofinancing: null },
      { fund: 'FESR', amountCents: EUR(5_000_000), euCoFinancingRateBp: null, cofinancing: null },
    ],
    rules: DEFAULT_PROGRAMME_RULES,
    establishedAt: '2017-05-22T10:00:00.000Z',
  },
};

export const measureDefined: ProgrammeEvent = {
  type: 'MeasureDefined',
  data: {
    programmeId: 'wecare',
    measureId: 'm4',
    code: 'M4',
    title: 'Corporate welfare',
    fund: 'FSE',
    allocationCents: EUR(4_000_000),
    sensitive: false,
    priorityAxis: null,
    definedAt: '2017-05-22T10:00:00.000Z',
  },
};

export const budgetReserved: ProgrammeEvent = {
  type: 'MeasureBudgetReserved',
  data: {
    programmeId: 'wecare',
    measureId: 'm4',
    callId: 'c1',
    amountCents: EUR(2_500_000),
    reservedAt: '2026-01-10T09:00:00.000Z',
  },
};

/** Call c1 on measure M4 as its manager states it: what OpenCall carries and CallOpened records. */
export const C1_TERMS = {
  callId: 'c1',
  programmeId: 'wecare',
  measureId: 'm4',
  title: 'Welfare aziendale: design and activation',
  budgetCents: EUR(2_500_000),
  opensAt: OPENS,
  closesAt: CLOSES,
  eligibleApplicantTypes: ['company', 'third-sector'],
  maxGrantCents: EUR(200_000),
  advanceShareBp: 4000,
  // A grant of EUR 120,000 on an operation of EUR 200,000 is paid 60% of its verified expenditure.
  fundingRateBp: 6000,
} satisfies Omit<OpenCall, 'type'>;

export const callOpened: CallEvent = {
  type: 'CallOpened',
  data: {
    ...C1_TERMS,
    fund: 'FSE',
    sensitive: false,
    aidRegime: 'none',
    selection: 'ranking',
    gber: null,
    openedAt: '2026-01-10T09:00:00.000Z',
  },
};

export const bidSubmitted: BidEvent = {
  type: 'BidSubmitted',
  data: {
    bidId: 'b1',
    callId: 'c1',
    submittedBy: 'portal-1',
    applicant: { kind: 'legal-person', type: 'company', taxCode: '01234567890', name: 'Officine Riunite Srl' },
    linkedUndertakings: [],
    sensitive: false,
    projectTitle: 'Nido aziendale condiviso',
    requestedCents: EUR(150_000),
    submittedAt: IN_WINDOW.toISOString(),
  },
};

export const bidAdmissible: BidEvent = {
  type: 'BidEvaluated',
  data: {
    bidId: 'b1',
    callId: 'c1',
    admissible: true,
    score: 82,
    evaluatedBy: EVALUATOR,
    evaluatedAt: '2026-04-20T10:00:00.000Z',
  },
};

export const budgetCommitted = (amountCents: number, grantId = 'g1', bidId = 'b1'): CallEvent => ({
  type: 'CallBudgetCommitted',
  data: { callId: 'c1', grantId, bidId, amountCents, committedAt: '2026-05-01T10:00:00.000Z' },
});

export const bidAwarded = (amountCents: number): BidEvent => ({
  type: 'BidAwarded',
  data: { bidId: 'b1', callId: 'c1', grantId: 'g1', amountCents, awardedAt: '2026-05-01T10:00:00.000Z' },
});

export const grantAwarded = (amountCents: number): GrantEvent => ({
  type: 'GrantAwarded',
  data: {
    grantId: 'g1',
    callId: 'c1',
    bidId: 'b1',
    submittedBy: 'portal-1',
    programmeId: 'wecare',
    measureId: 'm4',
    fund: 'FSE',
    beneficiary: { kind: 'legal-person', type: 'company', taxCode: '01234567890', name: 'Officine Riunite Srl' },
    sensitive: false,
    projectTitle: 'Nido aziendale condiviso',
    amountCents,
    cup: CUP_G1,
    operation: OPERATION,
    aidRegime: 'none',
    rna: null,
    euCoFinancingRateBp: null,
    cofinancing: null,
    priorityAxis: null,
    advanceShareBp: 4000,
    fundingRateBp: 6000,
    act: ACT,
    awardedAt: '2026-05-01T10:00:00.000Z',
  },
});

/** Where the events of grant g1 (on call c1 of measure M4) are filed: what each of them states first. */
export const G1_PLACE = { grantId: 'g1', callId: 'c1', programmeId: 'wecare', measureId: 'm4' } as const;

export const disbursed = (
  disbursementId: string,
  kind: 'advance' | 'interim' | 'final',
  amountCents: number,
  claimId: string | null = kind === 'advance' ? null : 'claim-1',
): GrantEvent => ({
  type: 'DisbursementRecorded',
  data: {
    ...G1_PLACE,
    disbursementId,
    kind,
    claimId,
    paidBy: FINANCE_OFFICER,
    amountCents,
    reference: null,
    deggendorfVisuraRef: null,
    paidAt: '2026-06-01T10:00:00.000Z',
  },
});

/**
 * g1 revoked for `reason`: `revokedCents` of it (whole when nothing is left of the award),
 * `releasedCents` back to its call and `recoveryDueCents` due back, all of it added by this revocation.
 */
export const grantRevoked = (revocation: {
  readonly reason: string;
  readonly revokedCents: number;
  readonly awardAfterCents?: number;
  readonly releasedCents: number;
  readonly recoveryDueCents?: number;
  readonly act?: typeof ACT | null;
  readonly revokedAt?: string;
}): GrantEvent => {
  const { reason, revokedCents, awardAfterCents = 0, releasedCents, recoveryDueCents = 0 } = revocation;
  return {
    type: 'GrantRevoked',
    data: {
      ...G1_PLACE,
      reason,
      covar: null,
      whole: awardAfterCents === 0,
      revokedCents,
      awardAfterCents,
      releasedCents,
      recoveryDueCents,
      recoveryDueAddedCents: recoveryDueCents,
      act: revocation.act ?? null,
      revokedAt: revocation.revokedAt ?? '',
    },
  };
};

/** The issuer of the invoices in the specs. */
export const SUPPLIER = '09876543210';

/** An item of expenditure paid inside the operation's dates, on an invoice of its own amount numbered `number`. */
export const claimItem = (amountCents: number, number: string, paidOn = '2026-06-15'): ClaimItem => ({
  description: `Item ${number}`,
  category: 'services',
  amountCents,
  documentRef: `INV-${number}`,
  paidOn,
  document: { type: 'invoice', number, date: '2026-06-10', issuerTaxCode: SUPPLIER, amountCents },
});

/** An expenditure claim on g1 of the given items' amounts (on the grant's stream). */
export const claimSubmitted = (claimId: string, kind: 'interim' | 'final', ...itemCents: number[]): GrantEvent => ({
  type: 'ExpenditureClaimSubmitted',
  data: {
    ...G1_PLACE,
    claimId,
    kind,
    items: itemCents.map((amountCents, i) => claimItem(amountCents, `${claimId}-${i}`)),
    declaredCents: itemCents.reduce((a, b) => a + b, 0),
    submittedBy: PORTAL,
    submittedAt: '2026-07-01T10:00:00.000Z',
  },
});

/** The claim verified with everything eligible but `cutCents` on its first item. */
export const claimVerified = (
  claimId: string,
  kind: 'interim' | 'final',
  declaredCents: number,
  cutCents = 0,
  effects: { releasedCents?: number; recoveryDueCents?: number; recoveryDueAddedCents?: number } = {},
): GrantEvent => ({
  type: 'ExpenditureClaimVerified',
  data: {
    ...G1_PLACE,
    claimId,
    kind,
    declaredCents,
    eligibleCents: declaredCents - cutCents,
    cutCents,
    cuts: cutCents > 0 ? [{ item: 0, amountCents: cutCents, reason: 'Not supported by the invoice' }] : [],
    checklistRef: 'CL-1',
    onTheSpot: false,
    verifiedBy: CONTROLLER,
    releasedCents: effects.releasedCents ?? 0,
    recoveryDueCents: effects.recoveryDueCents ?? 0,
    recoveryDueAddedCents: effects.recoveryDueAddedCents ?? 0,
    verifiedAt: '2026-07-15T10:00:00.000Z',
  },
});
