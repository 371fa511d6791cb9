/**
 * The bodies of the lifecycle's requests, valid as the OpenAPI document has them and fresh where a
 * value may be used once (an act's number, a CUP, an invoice): a test overrides what it is about.
 */
import type { Schemas } from '@app/client';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The seeded programme today's operations run in: the 2021-2027 demonstration programme, its
 * eligibility period 2021-01-01 to 2029-12-31 (WECARE, 2014-2020, takes none since 2024).
 */
export const PROGRAMME_ID = 'wecare-2127';
/** Its measures, by code (M4: corporate welfare, the calls' default). */
export const measureId = (code: 'M1' | 'M2' | 'M3' | 'M4' | 'M5') => `${PROGRAMME_ID}-${code.toLowerCase()}`;

/** A day (YYYY-MM-DD) `days` from now. */
export const dayFromNow = (days = 0): string => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

/** An operation's planned dates around today: begun half a year ago, ending in a year, inside the eligibility period. */
export function operationDates(): { plannedStartDate: string; plannedEndDate: string } {
  const clamp = (day: string) => (day < '2021-01-01' ? '2021-01-01' : day > '2029-12-31' ? '2029-12-31' : day);
  return { plannedStartDate: clamp(dayFromNow(-180)), plannedEndDate: clamp(dayFromNow(365)) };
}

let documents = 0;

/** An invoice no other claim in this test run has named (a document is claimed once in its programme), of `amountCents`. */
export function freshDocument(
  amountCents: number,
  overrides: Partial<Schemas['ExpenditureDocumentDto']> = {},
): Schemas['ExpenditureDocumentDto'] {
  documents += 1;
  return {
    type: 'invoice',
    number: `FT-${process.pid}-${documents}`,
    date: dayFromNow(-1),
    issuerTaxCode: '09876543210',
    amountCents,
    ...overrides,
  };
}

/** An item of expenditure paid today on an invoice of its own amount. */
export function claimItem(
  amountCents: number,
  overrides: Partial<Schemas['ClaimItemDto']> = {},
): Schemas['ClaimItemDto'] {
  return {
    description: 'Works as planned',
    category: 'services',
    amountCents,
    documentRef: `ARCH-${documents + 1}`,
    paidOn: dayFromNow(),
    document: freshDocument(amountCents),
    ...overrides,
  };
}

let acts = 0;

/** An administrative act of today, numbered afresh: every decision on money cites one. */
export function actBody(overrides: Partial<Schemas['ActDto']> = {}): Schemas['ActDto'] {
  acts += 1;
  return {
    number: `D.D. ${process.pid % 100_000}-${acts}/${dayFromNow().slice(0, 4)}`,
    date: dayFromNow(),
    signatory: 'Il Dirigente del Settore Politiche per le famiglie',
    ...overrides,
  };
}

export function openCallBody(overrides: Partial<Schemas['OpenCallDto']> = {}): Schemas['OpenCallDto'] {
  return {
    programmeId: PROGRAMME_ID,
    measureId: measureId('M4'),
    title: 'Welfare aziendale: design and activation',
    budgetCents: 30_000_000,
    opensAt: new Date(Date.now() - HOUR).toISOString(),
    closesAt: new Date(Date.now() + 30 * 24 * HOUR).toISOString(),
    eligibleApplicantTypes: ['company', 'third-sector'],
    maxGrantCents: 20_000_000,
    advanceShareBp: 4000,
    ...overrides,
  };
}

export function bidBody(overrides: Partial<Schemas['SubmitBidDto']> = {}): Schemas['SubmitBidDto'] {
  return {
    applicant: { type: 'company', taxCode: '01234567890', name: 'Officine Riunite Srl' },
    projectTitle: 'Nido aziendale condiviso',
    requestedCents: 15_000_000,
    ...overrides,
  };
}

let cups = 0;

/** A CUP no other award in this test run has used. */
export function freshCup(): string {
  cups += 1;
  return `J11B${String(process.pid % 100_000).padStart(5, '0')}${String(cups).padStart(6, '0')}`;
}

/** An award's body: the bid, the amount, a CUP of its own, and an operation in Torino, running today, that costs at least the award. */
export function awardBody(
  bidId: string,
  amountCents: number,
  overrides: Partial<Schemas['AwardGrantDto']> = {},
): Schemas['AwardGrantDto'] {
  return {
    bidId,
    amountCents,
    cup: freshCup(),
    operation: { ...operationDates(), istatMunicipalityCode: '001272', totalEligibleCostCents: amountCents },
    act: actBody(),
    ...overrides,
  };
}
