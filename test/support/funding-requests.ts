/**
 * The lifecycle's requests, as an internal service would send them: through the typed client of
 * libs/client (a body or a parameter the document does not allow does not compile), each response
 * checked against the document (test/support/ledger.ts).
 */
import type { LedgerClient, paths, Schemas } from '@app/client';
import { KEYS, bearer } from './api-process.js';
import { request } from './http.js';
import { ledger, reply } from './ledger.js';

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
export function freshDocument(amountCents: number, overrides: Partial<Schemas['ExpenditureDocumentDto']> = {}): Schemas['ExpenditureDocumentDto'] {
  documents += 1;
  return { type: 'invoice', number: `FT-${process.pid}-${documents}`, date: dayFromNow(-1), issuerTaxCode: '09876543210', amountCents, ...overrides };
}

/** An item of expenditure paid today on an invoice of its own amount. */
export function claimItem(amountCents: number, overrides: Partial<Schemas['ClaimItemDto']> = {}): Schemas['ClaimItemDto'] {
  return { description: 'Works as planned', category: 'services', amountCents, documentRef: `ARCH-${documents + 1}`, paidOn: dayFromNow(), document: freshDocument(amountCents), ...overrides };
}

let acts = 0;

/** An administrative act of today, numbered afresh: every decision on money cites one. */
export function actBody(overrides: Partial<Schemas['ActDto']> = {}): Schemas['ActDto'] {
  acts += 1;
  return { number: `D.D. ${process.pid % 100_000}-${acts}/${dayFromNow().slice(0, 4)}`, date: dayFromNow(), signatory: 'Il Dirigente del Settore Politiche per le famiglie', ...overrides };
}

/** The data-protection officer's development key. */
export const DPO = 'data-protection-officer-dev-api-key';

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
export function awardBody(bidId: string, amountCents: number, overrides: Partial<Schemas['AwardGrantDto']> = {}): Schemas['AwardGrantDto'] {
  return {
    bidId,
    amountCents,
    cup: freshCup(),
    operation: { ...operationDates(), istatMunicipalityCode: '001272', totalEligibleCostCents: amountCents },
    act: actBody(),
    ...overrides,
  };
}

/** Who sends a command (its API key), and the protocol headers it sends with it. */
export type As = string | { readonly key: string; readonly headers?: Readonly<{ 'Idempotency-Key'?: string; 'If-Match'?: string; 'X-Correlation-Id'?: string; 'X-Causation-Id'?: string }> };

/** Who reads (its API key) and the position the read models must have reached (X-Min-Position). */
export interface Reading {
  readonly key?: string;
  readonly at?: string | undefined;
}

const keyOf = (as: As) => (typeof as === 'string' ? as : as.key);
const headersOf = (as: As) => (typeof as === 'string' ? {} : { ...as.headers });
const readHeaders = (reading: Reading) => (reading.at === undefined ? {} : { 'X-Min-Position': reading.at });

export class FundingClient {
  private readonly clients = new Map<string, LedgerClient>();

  constructor(readonly url: string) {}

  /** The typed client with this API key; without one, the public routes only. */
  as(key?: string): LedgerClient {
    const name = key ?? '';
    let client = this.clients.get(name);
    if (!client) {
      client = ledger(this.url, key);
      this.clients.set(name, client);
    }
    return client;
  }

  /**
   * A command sent as raw HTTP, for suites that look at the exchange itself (headers set by hand,
   * logs, metrics): supertest, its response checked against the document all the same.
   */
  post(path: string, key: string, body: object = {}) {
    return request(this.url).post(path).set(bearer(key)).send(body);
  }

  // ---- commands, each answered as a Reply (status, headers, body)

  establishProgramme(body: Schemas['EstablishProgrammeDto'], as: As = KEYS.programmeManager) {
    return reply(this.as(keyOf(as)).POST('/programmes', { params: { header: headersOf(as) }, body }));
  }

  defineMeasure(programmeId: string, body: Schemas['DefineMeasureDto'], as: As = KEYS.programmeManager) {
    return reply(this.as(keyOf(as)).POST('/programmes/{programmeId}/measures', { params: { path: { programmeId }, header: headersOf(as) }, body }));
  }

  /** Opens a call and answers the reply, refused or not (openCall is the scenario step). */
  tryOpenCall(body: Schemas['OpenCallDto'], as: As = KEYS.programmeManager) {
    return reply(this.as(keyOf(as)).POST('/calls', { params: { header: headersOf(as) }, body }));
  }

  closeCall(callId: string, as: As = KEYS.programmeManager) {
    return reply(this.as(keyOf(as)).POST('/calls/{callId}/close', { params: { path: { callId }, header: headersOf(as) } }));
  }

  cancelCall(callId: string, body: Schemas['CancelCallDto'] = {}, as: As = KEYS.programmeManager) {
    return reply(this.as(keyOf(as)).POST('/calls/{callId}/cancel', { params: { path: { callId }, header: headersOf(as) }, body }));
  }

  submitBid(callId: string, body: Schemas['SubmitBidDto'], as: As = KEYS.applicantService) {
    return reply(this.as(keyOf(as)).POST('/calls/{callId}/bids', { params: { path: { callId }, header: headersOf(as) }, body }));
  }

  withdrawBid(bidId: string, as: As = KEYS.applicantService) {
    return reply(this.as(keyOf(as)).POST('/bids/{bidId}/withdraw', { params: { path: { bidId }, header: headersOf(as) } }));
  }

  evaluateBid(bidId: string, body: Schemas['EvaluateBidDto'], as: As = KEYS.evaluator) {
    return reply(this.as(keyOf(as)).POST('/bids/{bidId}/evaluation', { params: { path: { bidId }, header: headersOf(as) }, body }));
  }

  approveRanking(callId: string, body: Schemas['ApproveRankingDto'] = { act: actBody() }, as: As = KEYS.programmeManager) {
    return reply(this.as(keyOf(as)).POST('/calls/{callId}/ranking', { params: { path: { callId }, header: headersOf(as) }, body }));
  }

  passOverBid(bidId: string, body: Schemas['PassOverBidDto'], as: As = KEYS.programmeManager) {
    return reply(this.as(keyOf(as)).POST('/bids/{bidId}/pass-over', { params: { path: { bidId }, header: headersOf(as) }, body }));
  }

  awardGrant(callId: string, body: Schemas['AwardGrantDto'], as: As = KEYS.programmeManager) {
    return reply(this.as(keyOf(as)).POST('/calls/{callId}/awards', { params: { path: { callId }, header: headersOf(as) }, body }));
  }

  recordDisbursement(grantId: string, body: Schemas['RecordDisbursementDto'], as: As = KEYS.financeOfficer) {
    return reply(this.as(keyOf(as)).POST('/grants/{grantId}/disbursements', { params: { path: { grantId }, header: headersOf(as) }, body }));
  }

  revokeGrant(grantId: string, body: Schemas['RevokeGrantDto'], as: As = KEYS.programmeManager) {
    return reply(this.as(keyOf(as)).POST('/grants/{grantId}/revocation', { params: { path: { grantId }, header: headersOf(as) }, body }));
  }

  submitClaim(grantId: string, body: Schemas['SubmitExpenditureClaimDto'], as: As = KEYS.applicantService) {
    return reply(this.as(keyOf(as)).POST('/grants/{grantId}/expenditure-claims', { params: { path: { grantId }, header: headersOf(as) }, body }));
  }

  verifyClaim(claimId: string, body: Schemas['VerifyExpenditureClaimDto'], as: As = KEYS.controller) {
    return reply(this.as(keyOf(as)).POST('/expenditure-claims/{claimId}/verification', { params: { path: { claimId }, header: headersOf(as) }, body }));
  }

  orderRecovery(grantId: string, body: Schemas['OrderRecoveryDto'], as: As = KEYS.programmeManager) {
    return reply(this.as(keyOf(as)).POST('/grants/{grantId}/recovery-orders', { params: { path: { grantId }, header: headersOf(as) }, body }));
  }

  recordRecoveryReceipt(grantId: string, body: Schemas['RecordRecoveryReceiptDto'], as: As = KEYS.financeOfficer) {
    return reply(this.as(keyOf(as)).POST('/grants/{grantId}/recovery-receipts', { params: { path: { grantId }, header: headersOf(as) }, body }));
  }

  writeOffRecovery(grantId: string, body: Schemas['WriteOffRecoveryDto'], as: As = KEYS.programmeManager) {
    return reply(this.as(keyOf(as)).POST('/grants/{grantId}/recovery-write-off', { params: { path: { grantId }, header: headersOf(as) }, body }));
  }

  eraseDataSubject(subjectId: string, body: Schemas['EraseDataSubjectDto'], as: As = DPO) {
    return reply(this.as(keyOf(as)).POST('/data-subjects/{subjectId}/erasure', { params: { path: { subjectId }, header: headersOf(as) }, body }));
  }

  rebuildReadModels(as: As = KEYS.programmeManager) {
    return reply(this.as(keyOf(as)).POST('/admin/projections/rebuild', { params: { header: headersOf(as) } }));
  }

  // ---- queries (the read models), as a Reply

  dashboard(programmeId: string, reading: Reading = {}) {
    return reply(this.as(reading.key ?? KEYS.viewer).GET('/programmes/{programmeId}/dashboard', { params: { path: { programmeId }, header: readHeaders(reading) } }));
  }

  calls(query: ListCallsQuery = {}, reading: Reading = {}) {
    return reply(this.as(reading.key ?? KEYS.viewer).GET('/calls', { params: { query, header: readHeaders(reading) } }));
  }

  call(callId: string, reading: Reading = {}) {
    return reply(this.as(reading.key ?? KEYS.viewer).GET('/calls/{callId}', { params: { path: { callId }, header: readHeaders(reading) } }));
  }

  bidsOfCall(callId: string, query: ListBidsQuery = {}, reading: Reading = {}) {
    return reply(this.as(reading.key ?? KEYS.viewer).GET('/calls/{callId}/bids', { params: { path: { callId }, query, header: readHeaders(reading) } }));
  }

  bid(bidId: string, reading: Reading = {}) {
    return reply(this.as(reading.key ?? KEYS.viewer).GET('/bids/{bidId}', { params: { path: { bidId }, header: readHeaders(reading) } }));
  }

  grants(query: ListGrantsQuery = {}, reading: Reading = {}) {
    return reply(this.as(reading.key ?? KEYS.viewer).GET('/grants', { params: { query, header: readHeaders(reading) } }));
  }

  grant(grantId: string, reading: Reading = {}) {
    return reply(this.as(reading.key ?? KEYS.viewer).GET('/grants/{grantId}', { params: { path: { grantId }, header: readHeaders(reading) } }));
  }

  expenditureClaims(query: ListExpenditureClaimsQuery = {}, reading: Reading = {}) {
    return reply(this.as(reading.key ?? KEYS.controller).GET('/expenditure-claims', { params: { query, header: readHeaders(reading) } }));
  }

  expenditureClaim(claimId: string, reading: Reading = {}) {
    return reply(this.as(reading.key ?? KEYS.controller).GET('/expenditure-claims/{claimId}', { params: { path: { claimId }, header: readHeaders(reading) } }));
  }

  deMinimisStatement(taxCode: string, reading: Reading = {}) {
    return reply(this.as(reading.key ?? KEYS.programmeManager).GET('/undertakings/{taxCode}/de-minimis', { params: { path: { taxCode } } }));
  }

  findDataSubject(taxCode: string, key: string = DPO) {
    return reply(this.as(key).GET('/data-subjects', { params: { query: { taxCode } } }));
  }

  dataSubject(subjectId: string, key: string = DPO) {
    return reply(this.as(key).GET('/data-subjects/{subjectId}', { params: { path: { subjectId } } }));
  }

  /**
   * Waits until every read model has applied the event at `position` (a query with X-Min-Position
   * waits for all of them): the public lists, which take no X-Min-Position, then show it.
   */
  async readModelsAt(position: string): Promise<void> {
    const res = await this.dashboard(PROGRAMME_ID, { at: position });
    if (res.status !== 200) throw new Error(`read models at ${position}: ${res.status} ${JSON.stringify(res.body)}`);
  }

  /** The public list of operations (no key), as JSON. */
  async publicOperations() {
    const res = await reply(this.as().GET('/open-data/operations', { params: { query: { format: 'json' } } }));
    if (typeof res.body === 'string') throw new Error('the JSON list answered text');
    return { ...res, body: res.body };
  }

  /** The public list of operations (no key), as CSV, or in OpenCoesione's format. */
  publicCsv(list: 'operations' | 'opencoesione') {
    return list === 'operations'
      ? reply(this.as().GET('/open-data/operations', { params: { query: { format: 'csv' } }, parseAs: 'text' }))
      : reply(this.as().GET('/open-data/opencoesione', { parseAs: 'text' }));
  }

  streamHistory(stream: string, query: { limit?: number; fromRevision?: number } = {}, key: string = KEYS.auditor) {
    return reply(this.as(key).GET('/audit/streams/{stream}', { params: { path: { stream }, query } }));
  }

  logEvents(query: { limit?: number; after?: string } = {}, key: string = KEYS.auditor) {
    return reply(this.as(key).GET('/audit/events', { params: { query } }));
  }

  stateAsOf(kind: 'programmes' | 'calls' | 'bids' | 'grants', id: string, asOf: string, key: string = KEYS.auditor) {
    return reply(this.as(key).GET('/audit/{kind}/{id}/state', { params: { path: { kind, id }, query: { asOf } } }));
  }

  exportLog(key: string = KEYS.auditor) {
    return reply(this.as(key).GET('/audit/export', { parseAs: 'text' }));
  }

  verifyLog(key: string = KEYS.auditor) {
    return reply(this.as(key).GET('/audit/verify'));
  }

  health() {
    return reply(this.as().GET('/health'));
  }

  /** The read models' part of /health, when the read-model store answers. */
  async readModelsHealth(): Promise<Schemas['ReadModelsHealth']> {
    const { readModels } = (await this.health()).body;
    if (!('projections' in readModels)) throw new Error(`the read models cannot be read: ${readModels.error}`);
    return readModels;
  }

  // ---- scenario steps: each succeeds or throws, and answers the id it made

  async openCall(overrides: Partial<Schemas['OpenCallDto']> = {}): Promise<string> {
    const res = await this.tryOpenCall(openCallBody(overrides));
    if (res.status !== 201) throw new Error(`open call: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.callId;
  }

  /** A bid submitted and evaluated admissible: ready to be awarded. */
  async admissibleBid(callId: string, overrides: Partial<Schemas['SubmitBidDto']> = {}): Promise<string> {
    const submitted = await this.submitBid(callId, bidBody(overrides));
    if (submitted.status !== 201) throw new Error(`submit bid: ${submitted.status} ${JSON.stringify(submitted.body)}`);
    const bidId = submitted.body.bidId;
    const evaluated = await this.evaluateBid(bidId, { admissible: true, score: 80 });
    if (evaluated.status !== 200) throw new Error(`evaluate: ${evaluated.status} ${JSON.stringify(evaluated.body)}`);
    return bidId;
  }

  /** An expenditure claim of one item (paid today, on an invoice of its own), submitted by the grant's portal and verified all eligible by a controller: ready to be paid. */
  async verifiedClaim(grantId: string, declaredCents: number, kind: 'interim' | 'final' = 'interim', portalKey: string = KEYS.applicantService): Promise<string> {
    const submitted = await this.submitClaim(grantId, { kind, items: [claimItem(declaredCents)] }, portalKey);
    if (submitted.status !== 201) throw new Error(`claim: ${submitted.status} ${JSON.stringify(submitted.body)}`);
    const claimId = submitted.body.claimId;
    const verified = await this.verifyClaim(claimId, { eligibleCents: declaredCents, cuts: [], checklistRef: 'CL-2026-001', onTheSpot: false });
    if (verified.status !== 200) throw new Error(`verify: ${verified.status} ${JSON.stringify(verified.body)}`);
    return claimId;
  }

  /** A payment of `amountCents` on a verified claim of that much (awards here cost what they award: intensity 100%). */
  async payOnClaim(grantId: string, amountCents: number, kind: 'interim' | 'final' = 'interim', extra: Partial<Schemas['RecordDisbursementDto']> = {}) {
    const claimId = await this.verifiedClaim(grantId, Math.max(1, amountCents), kind);
    return this.recordDisbursement(grantId, { kind, amountCents, claimId, ...extra });
  }

  /**
   * A grant awarded on a new admissible bid of the call, as its selection allows: on a first-come
   * call at once (its earlier bids awarded or withdrawn); on a ranking call the bid must be its
   * only one: the call is closed, its ranking approved, and the bid awarded.
   */
  async newGrant(callId: string, amountCents = 10_000_000): Promise<string> {
    const bidId = await this.admissibleBid(callId);
    let res = await this.awardGrant(callId, awardBody(bidId, amountCents));
    if (res.status === 422 && res.body.code === 'RANKING_NOT_APPROVED') {
      await this.closeAndRank(callId);
      res = await this.awardGrant(callId, awardBody(bidId, amountCents));
    }
    if (res.status !== 201) throw new Error(`award: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.grantId;
  }

  /** Closes a ranking call and approves its ranking by an act of today: its bids must all be evaluated. Answers the approval's reply. */
  async closeAndRank(callId: string, act: Schemas['ActDto'] = actBody()) {
    const closed = await this.closeCall(callId);
    if (closed.status !== 200) throw new Error(`close: ${closed.status} ${JSON.stringify(closed.body)}`);
    const ranked = await this.approveRanking(callId, { act });
    if (ranked.status !== 200) throw new Error(`ranking: ${ranked.status} ${JSON.stringify(ranked.body)}`);
    return ranked;
  }

  /**
   * A ranking call's selection, for tests that need awardable bids: each bid submitted and found
   * admissible with its score (in the order given: equal scores rank by arrival), the call closed and
   * its ranking approved. Answers the bids in the order given, and where the approval sits in the log.
   */
  async rankedBids(callId: string, bids: ReadonlyArray<{ readonly score: number } & Partial<Schemas['SubmitBidDto']>>): Promise<{ bidIds: string[]; position: string }> {
    const bidIds: string[] = [];
    for (const { score, ...overrides } of bids) {
      const submitted = await this.submitBid(callId, bidBody(overrides));
      if (submitted.status !== 201) throw new Error(`submit bid: ${submitted.status} ${JSON.stringify(submitted.body)}`);
      const evaluated = await this.evaluateBid(submitted.body.bidId, { admissible: true, score });
      if (evaluated.status !== 200) throw new Error(`evaluate: ${evaluated.status} ${JSON.stringify(evaluated.body)}`);
      bidIds.push(submitted.body.bidId);
    }
    const ranked = await this.closeAndRank(callId);
    return { bidIds, position: ranked.headers['x-event-position']! };
  }

  /**
   * An award sent until it is answered on its merits, as a manager awarding down the ranking (or
   * the order of arrival) while others award too: sent again while a bid ahead of it still waits
   * (RANKING_ORDER, ARRIVAL_ORDER).
   */
  async awardInTurn(callId: string, body: Schemas['AwardGrantDto'], as: As = KEYS.programmeManager) {
    for (let attempt = 1; ; attempt++) {
      const res = await this.awardGrant(callId, body, as);
      if (res.status !== 422 || !['RANKING_ORDER', 'ARRIVAL_ORDER'].includes(String(res.body.code)) || attempt >= 200) return res;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

type QueryOf<Path extends '/calls' | '/calls/{callId}/bids' | '/grants' | '/expenditure-claims'> = NonNullable<paths[Path]['get']['parameters']['query']>;
export type ListCallsQuery = QueryOf<'/calls'>;
export type ListBidsQuery = QueryOf<'/calls/{callId}/bids'>;
export type ListGrantsQuery = QueryOf<'/grants'>;
export type ListExpenditureClaimsQuery = QueryOf<'/expenditure-claims'>;
