/**
 * One method a route of the API, through the typed client of libs/client (a body or a parameter
 * the document does not allow does not compile): each answers the Reply, refused or not, checked
 * against the document (test/support/ledger.ts).
 */
import type { LedgerClient, paths, Schemas } from '@app/client';
import { KEYS, bearer } from './api-process.js';
import { request } from './http.js';
import { ledger, reply } from './ledger.js';
import { PROGRAMME_ID, actBody } from './request-bodies.js';

/** The data-protection officer's development key. */
export const DPO = 'data-protection-officer-dev-api-key';

/** Who sends a command (its API key), and the protocol headers it sends with it. */
export type As =
  | string
  | {
      readonly key: string;
      readonly headers?: Readonly<{
        'Idempotency-Key'?: string;
        'If-Match'?: string;
        'X-Correlation-Id'?: string;
        'X-Causation-Id'?: string;
      }>;
    };

/** Who reads (its API key) and the position the read models must have reached (X-Min-Position). */
export interface Reading {
  readonly key?: string;
  readonly at?: string | undefined;
}

const keyOf = (as: As) => (typeof as === 'string' ? as : as.key);
const headersOf = (as: As) => (typeof as === 'string' ? {} : { ...as.headers });
const readHeaders = (reading: Reading) => (reading.at === undefined ? {} : { 'X-Min-Position': reading.at });

export class FundingRoutes {
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
    return reply(
      this.as(keyOf(as)).POST('/programmes/{programmeId}/measures', {
        params: { path: { programmeId }, header: headersOf(as) },
        body,
      }),
    );
  }

  /** Opens a call and answers the reply, refused or not (openCall is the scenario step). */
  tryOpenCall(body: Schemas['OpenCallDto'], as: As = KEYS.programmeManager) {
    return reply(this.as(keyOf(as)).POST('/calls', { params: { header: headersOf(as) }, body }));
  }

  closeCall(callId: string, as: As = KEYS.programmeManager) {
    return reply(
      this.as(keyOf(as)).POST('/calls/{callId}/close', { params: { path: { callId }, header: headersOf(as) } }),
    );
  }

  cancelCall(callId: string, body: Schemas['CancelCallDto'] = {}, as: As = KEYS.programmeManager) {
    return reply(
      this.as(keyOf(as)).POST('/calls/{callId}/cancel', { params: { path: { callId }, header: headersOf(as) }, body }),
    );
  }

  submitBid(callId: string, body: Schemas['SubmitBidDto'], as: As = KEYS.applicantService) {
    return reply(
      this.as(keyOf(as)).POST('/calls/{callId}/bids', { params: { path: { callId }, header: headersOf(as) }, body }),
    );
  }

  withdrawBid(bidId: string, as: As = KEYS.applicantService) {
    return reply(
      this.as(keyOf(as)).POST('/bids/{bidId}/withdraw', { params: { path: { bidId }, header: headersOf(as) } }),
    );
  }

  evaluateBid(bidId: string, body: Schemas['EvaluateBidDto'], as: As = KEYS.evaluator) {
    return reply(
      this.as(keyOf(as)).POST('/bids/{bidId}/evaluation', { params: { path: { bidId }, header: headersOf(as) }, body }),
    );
  }

  approveRanking(
    callId: string,
    body: Schemas['ApproveRankingDto'] = { act: actBody() },
    as: As = KEYS.programmeManager,
  ) {
    return reply(
      this.as(keyOf(as)).POST('/calls/{callId}/ranking', { params: { path: { callId }, header: headersOf(as) }, body }),
    );
  }

  passOverBid(bidId: string, body: Schemas['PassOverBidDto'], as: As = KEYS.programmeManager) {
    return reply(
      this.as(keyOf(as)).POST('/bids/{bidId}/pass-over', { params: { path: { bidId }, header: headersOf(as) }, body }),
    );
  }

  awardGrant(callId: string, body: Schemas['AwardGrantDto'], as: As = KEYS.programmeManager) {
    return reply(
      this.as(keyOf(as)).POST('/calls/{callId}/awards', { params: { path: { callId }, header: headersOf(as) }, body }),
    );
  }

  recordDisbursement(grantId: string, body: Schemas['RecordDisbursementDto'], as: As = KEYS.financeOfficer) {
    return reply(
      this.as(keyOf(as)).POST('/grants/{grantId}/disbursements', {
        params: { path: { grantId }, header: headersOf(as) },
        body,
      }),
    );
  }

  revokeGrant(grantId: string, body: Schemas['RevokeGrantDto'], as: As = KEYS.programmeManager) {
    return reply(
      this.as(keyOf(as)).POST('/grants/{grantId}/revocation', {
        params: { path: { grantId }, header: headersOf(as) },
        body,
      }),
    );
  }

  submitClaim(grantId: string, body: Schemas['SubmitExpenditureClaimDto'], as: As = KEYS.applicantService) {
    return reply(
      this.as(keyOf(as)).POST('/grants/{grantId}/expenditure-claims', {
        params: { path: { grantId }, header: headersOf(as) },
        body,
      }),
    );
  }

  verifyClaim(claimId: string, body: Schemas['VerifyExpenditureClaimDto'], as: As = KEYS.controller) {
    return reply(
      this.as(keyOf(as)).POST('/expenditure-claims/{claimId}/verification', {
        params: { path: { claimId }, header: headersOf(as) },
        body,
      }),
    );
  }

  orderRecovery(grantId: string, body: Schemas['OrderRecoveryDto'], as: As = KEYS.programmeManager) {
    return reply(
      this.as(keyOf(as)).POST('/grants/{grantId}/recovery-orders', {
        params: { path: { grantId }, header: headersOf(as) },
        body,
      }),
    );
  }

  recordRecoveryReceipt(grantId: string, body: Schemas['RecordRecoveryReceiptDto'], as: As = KEYS.financeOfficer) {
    return reply(
      this.as(keyOf(as)).POST('/grants/{grantId}/recovery-receipts', {
        params: { path: { grantId }, header: headersOf(as) },
        body,
      }),
    );
  }

  writeOffRecovery(grantId: string, body: Schemas['WriteOffRecoveryDto'], as: As = KEYS.programmeManager) {
    return reply(
      this.as(keyOf(as)).POST('/grants/{grantId}/recovery-write-off', {
        params: { path: { grantId }, header: headersOf(as) },
        body,
      }),
    );
  }

  eraseDataSubject(subjectId: string, body: Schemas['EraseDataSubjectDto'], as: As = DPO) {
    return reply(
      this.as(keyOf(as)).POST('/data-subjects/{subjectId}/erasure', {
        params: { path: { subjectId }, header: headersOf(as) },
        body,
      }),
    );
  }

  rebuildReadModels(as: As = KEYS.programmeManager) {
    return reply(this.as(keyOf(as)).POST('/admin/projections/rebuild', { params: { header: headersOf(as) } }));
  }

  // ---- queries (the read models), as a Reply

  dashboard(programmeId: string, reading: Reading = {}) {
    return reply(
      this.as(reading.key ?? KEYS.viewer).GET('/programmes/{programmeId}/dashboard', {
        params: { path: { programmeId }, header: readHeaders(reading) },
      }),
    );
  }

  calls(query: ListCallsQuery = {}, reading: Reading = {}) {
    return reply(
      this.as(reading.key ?? KEYS.viewer).GET('/calls', { params: { query, header: readHeaders(reading) } }),
    );
  }

  call(callId: string, reading: Reading = {}) {
    return reply(
      this.as(reading.key ?? KEYS.viewer).GET('/calls/{callId}', {
        params: { path: { callId }, header: readHeaders(reading) },
      }),
    );
  }

  bidsOfCall(callId: string, query: ListBidsQuery = {}, reading: Reading = {}) {
    return reply(
      this.as(reading.key ?? KEYS.viewer).GET('/calls/{callId}/bids', {
        params: { path: { callId }, query, header: readHeaders(reading) },
      }),
    );
  }

  bid(bidId: string, reading: Reading = {}) {
    return reply(
      this.as(reading.key ?? KEYS.viewer).GET('/bids/{bidId}', {
        params: { path: { bidId }, header: readHeaders(reading) },
      }),
    );
  }

  grants(query: ListGrantsQuery = {}, reading: Reading = {}) {
    return reply(
      this.as(reading.key ?? KEYS.viewer).GET('/grants', { params: { query, header: readHeaders(reading) } }),
    );
  }

  grant(grantId: string, reading: Reading = {}) {
    return reply(
      this.as(reading.key ?? KEYS.viewer).GET('/grants/{grantId}', {
        params: { path: { grantId }, header: readHeaders(reading) },
      }),
    );
  }

  expenditureClaims(query: ListExpenditureClaimsQuery = {}, reading: Reading = {}) {
    return reply(
      this.as(reading.key ?? KEYS.controller).GET('/expenditure-claims', {
        params: { query, header: readHeaders(reading) },
      }),
    );
  }

  expenditureClaim(claimId: string, reading: Reading = {}) {
    return reply(
      this.as(reading.key ?? KEYS.controller).GET('/expenditure-claims/{claimId}', {
        params: { path: { claimId }, header: readHeaders(reading) },
      }),
    );
  }

  deMinimisStatement(taxCode: string, reading: Reading = {}) {
    return reply(
      this.as(reading.key ?? KEYS.programmeManager).GET('/undertakings/{taxCode}/de-minimis', {
        params: { path: { taxCode } },
      }),
    );
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
}

type QueryOf<Path extends '/calls' | '/calls/{callId}/bids' | '/grants' | '/expenditure-claims'> = NonNullable<
  paths[Path]['get']['parameters']['query']
>;
export type ListCallsQuery = QueryOf<'/calls'>;
export type ListBidsQuery = QueryOf<'/calls/{callId}/bids'>;
export type ListGrantsQuery = QueryOf<'/grants'>;
export type ListExpenditureClaimsQuery = QueryOf<'/expenditure-claims'>;
