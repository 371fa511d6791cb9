import type { AdministrativeAct, Applicant, BidStatus, PassOverReason } from '@app/funding';
import { readModel } from './projection.js';

export interface BidSummary {
  readonly [field: string]: unknown;
  readonly bidId: string;
  readonly callId: string;
  /** The applicant portal that submitted it: the one principal of that role that may see it. */
  readonly submittedBy: string;
  /** A legal person with its identity; a natural person by subject id and region only (the identity is in the vault). */
  readonly applicant: Applicant;
  /** The natural person's subject id (null for a legal person): finds everything held about them. */
  readonly subjectId: string | null;
  /** Its measure touches health or social hardship. */
  readonly sensitive: boolean;
  /** False for a natural person in a sensitive measure: shown only to the roles that act on it. */
  readonly publicView: boolean;
  readonly projectTitle: string;
  readonly requestedCents: number;
  readonly status: BidStatus;
  readonly score: number | null;
  readonly grantId: string | null;
  /** The amount of the award made on this bid. */
  readonly awardedCents: number | null;
  readonly submittedAt: string;
  /** Where its submission sits in the log: the order of arrival (first-come calls fund in this order). */
  readonly arrivalPosition: string;
  /** The same, as a key that sorts as the log does. */
  readonly arrivalKey: string;
  readonly evaluatedAt: string | null;
  readonly withdrawnAt: string | null;
  /** Its place in its call's approved ranking (1: the best); null until then, or when it is not in it. */
  readonly rank: number | null;
  /** A key that sorts the ranked bids by rank and the others after them. */
  readonly rankKey: string;
  /** Why and by which act it was last passed over; null if never. */
  readonly passedOver: {
    readonly reason: PassOverReason;
    readonly act: AdministrativeAct;
    readonly passedOverAt: string;
  } | null;
}

/** Unranked bids sort after every ranked one. */
const UNRANKED = 'z';
const rankKey = (rank: number): string => `r${String(rank).padStart(10, '0')}`;

/** Each bid as the queries show it: `GET /bids/:bidId`, `GET /calls/:callId/bids`. */
export const bidSummaries = readModel<
  BidSummary,
  'BidSubmitted' | 'BidWithdrawn' | 'BidEvaluated' | 'BidAwarded' | 'BidRanked' | 'BidPassedOver'
>({
  collection: 'bids',
  eventTypes: ['BidSubmitted', 'BidWithdrawn', 'BidEvaluated', 'BidAwarded', 'BidRanked', 'BidPassedOver'],
  documentId: (event) => event.data.bidId,
  evolve(bid, event, at) {
    if (event.type === 'BidSubmitted') {
      const d = event.data;
      return {
        bidId: d.bidId,
        callId: d.callId,
        submittedBy: d.submittedBy,
        applicant: d.applicant,
        subjectId: d.applicant.kind === 'natural-person' ? d.applicant.subjectId : null,
        sensitive: d.sensitive,
        publicView: !(d.applicant.kind === 'natural-person' && d.sensitive),
        projectTitle: d.projectTitle,
        requestedCents: d.requestedCents,
        status: 'submitted',
        score: null,
        grantId: null,
        awardedCents: null,
        submittedAt: d.submittedAt,
        arrivalPosition: at.position,
        arrivalKey: at.key,
        evaluatedAt: null,
        withdrawnAt: null,
        rank: null,
        rankKey: UNRANKED,
        passedOver: null,
      };
    }
    if (bid === null) return null;
    switch (event.type) {
      case 'BidWithdrawn':
        return { ...bid, status: 'withdrawn', withdrawnAt: event.data.withdrawnAt };
      case 'BidEvaluated':
        return {
          ...bid,
          status: event.data.admissible ? 'admissible' : 'inadmissible',
          score: event.data.score,
          evaluatedAt: event.data.evaluatedAt,
        };
      case 'BidAwarded':
        return { ...bid, status: 'awarded', grantId: event.data.grantId, awardedCents: event.data.amountCents };
      case 'BidRanked':
        return { ...bid, rank: event.data.rank, rankKey: rankKey(event.data.rank) };
      case 'BidPassedOver':
        return {
          ...bid,
          status: 'passed-over',
          passedOver: { reason: event.data.reason, act: event.data.act, passedOverAt: event.data.passedOverAt },
        };
    }
  },
});
