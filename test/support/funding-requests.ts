/** The lifecycle's requests, as an internal service would send them. */
import request from 'supertest';
import { KEYS, bearer } from './api-process.js';

const HOUR = 3_600_000;

export function openCallBody(overrides: Record<string, unknown> = {}) {
  return {
    programmeId: 'wecare',
    measureId: 'wecare-m4',
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

export function bidBody(overrides: Record<string, unknown> = {}) {
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

/** An award's body: the bid, the amount, a CUP of its own, and an operation in Torino that costs at least the award. */
export function awardBody(bidId: string, amountCents: number, overrides: Record<string, unknown> = {}) {
  return {
    bidId,
    amountCents,
    cup: freshCup(),
    operation: { plannedStartDate: '2026-06-01', plannedEndDate: '2027-05-31', istatMunicipalityCode: '001272', totalEligibleCostCents: amountCents },
    ...overrides,
  };
}

export class FundingClient {
  constructor(readonly url: string) {}

  post(path: string, key: string, body: object = {}) {
    return request(this.url).post(path).set(bearer(key)).send(body);
  }

  async openCall(overrides: Record<string, unknown> = {}): Promise<string> {
    const res = await this.post('/calls', KEYS.programmeManager, openCallBody(overrides));
    if (res.status !== 201) throw new Error(`open call: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.callId as string;
  }

  /** A bid submitted and evaluated admissible: ready to be awarded. */
  async admissibleBid(callId: string, overrides: Record<string, unknown> = {}): Promise<string> {
    const submitted = await this.post(`/calls/${callId}/bids`, KEYS.applicantService, bidBody(overrides));
    if (submitted.status !== 201) throw new Error(`submit bid: ${submitted.status} ${JSON.stringify(submitted.body)}`);
    const bidId = submitted.body.bidId as string;
    const evaluated = await this.post(`/bids/${bidId}/evaluation`, KEYS.evaluator, { admissible: true, score: 80 });
    if (evaluated.status !== 200) throw new Error(`evaluate: ${evaluated.status} ${JSON.stringify(evaluated.body)}`);
    return bidId;
  }

  /** An expenditure claim of one item, submitted by the grant's portal and verified all eligible by a controller: ready to be paid. */
  async verifiedClaim(grantId: string, declaredCents: number, kind: 'interim' | 'final' = 'interim', portalKey: string = KEYS.applicantService): Promise<string> {
    const submitted = await this.post(`/grants/${grantId}/expenditure-claims`, portalKey, { kind, items: [{ description: 'Works as planned', category: 'services', amountCents: declaredCents, documentRef: 'INV-2026-001' }] });
    if (submitted.status !== 201) throw new Error(`claim: ${submitted.status} ${JSON.stringify(submitted.body)}`);
    const claimId = submitted.body.claimId as string;
    const verified = await this.post(`/expenditure-claims/${claimId}/verification`, KEYS.controller, { eligibleCents: declaredCents, cuts: [], checklistRef: 'CL-2026-001', onTheSpot: false });
    if (verified.status !== 200) throw new Error(`verify: ${verified.status} ${JSON.stringify(verified.body)}`);
    return claimId;
  }

  /** A payment of `amountCents` on a verified claim of that much (awards here cost what they award: intensity 100%). */
  async payOnClaim(grantId: string, amountCents: number, kind: 'interim' | 'final' = 'interim', extra: Record<string, unknown> = {}) {
    const claimId = await this.verifiedClaim(grantId, Math.max(1, amountCents), kind);
    return this.post(`/grants/${grantId}/disbursements`, KEYS.financeOfficer, { kind, amountCents, claimId, ...extra });
  }

  async grant(callId: string, amountCents = 10_000_000): Promise<string> {
    const bidId = await this.admissibleBid(callId);
    const res = await this.post(`/calls/${callId}/awards`, KEYS.programmeManager, awardBody(bidId, amountCents));
    if (res.status !== 201) throw new Error(`award: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.grantId as string;
  }
}
