/**
 * The client the e2e suites talk through: every route of FundingRoutes, and the scenario steps a
 * suite builds its case with.
 */
import type { Schemas } from '@app/client';
import { KEYS } from './api-process.js';
import { FundingRoutes, type As } from './funding-routes.js';
import { actBody, awardBody, bidBody, claimItem, openCallBody } from './request-bodies.js';

export class FundingClient extends FundingRoutes {
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
  async verifiedClaim(
    grantId: string,
    declaredCents: number,
    kind: 'interim' | 'final' = 'interim',
    portalKey: string = KEYS.applicantService,
  ): Promise<string> {
    const submitted = await this.submitClaim(grantId, { kind, items: [claimItem(declaredCents)] }, portalKey);
    if (submitted.status !== 201) throw new Error(`claim: ${submitted.status} ${JSON.stringify(submitted.body)}`);
    const claimId = submitted.body.claimId;
    const verified = await this.verifyClaim(claimId, {
      eligibleCents: declaredCents,
      cuts: [],
      checklistRef: 'CL-2026-001',
      onTheSpot: false,
    });
    if (verified.status !== 200) throw new Error(`verify: ${verified.status} ${JSON.stringify(verified.body)}`);
    return claimId;
  }

  /** A payment of `amountCents` on a verified claim of that much (awards here cost what they award: intensity 100%). */
  async payOnClaim(
    grantId: string,
    amountCents: number,
    kind: 'interim' | 'final' = 'interim',
    extra: Partial<Schemas['RecordDisbursementDto']> = {},
  ) {
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
  async rankedBids(
    callId: string,
    bids: ReadonlyArray<{ readonly score: number } & Partial<Schemas['SubmitBidDto']>>,
  ): Promise<{ bidIds: string[]; position: string }> {
    const bidIds: string[] = [];
    for (const { score, ...overrides } of bids) {
      const submitted = await this.submitBid(callId, bidBody(overrides));
      if (submitted.status !== 201)
        throw new Error(`submit bid: ${submitted.status} ${JSON.stringify(submitted.body)}`);
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
      if (res.status !== 422 || !['RANKING_ORDER', 'ARRIVAL_ORDER'].includes(String(res.body.code)) || attempt >= 200)
        return res;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}
