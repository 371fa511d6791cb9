import type { Applicant } from '@app/funding';
import type { BidStatusName } from './call-summaries.projection.js';
import type { Projection } from './projection.js';
import { fundingEvent } from './projection.js';

export interface BidSummary {
  readonly [field: string]: unknown;
  readonly bidId: string;
  readonly callId: string;
  readonly applicant: Applicant;
  readonly projectTitle: string;
  readonly requestedCents: number;
  readonly status: BidStatusName;
  readonly score: number | null;
  readonly grantId: string | null;
  readonly awardedCents: number | null;
  readonly submittedAt: string;
  readonly evaluatedAt: string | null;
  readonly withdrawnAt: string | null;
}

const BIDS = 'bids';

export const bidSummaries: Projection = {
  name: 'bid-summaries',
  collections: [BIDS],
  async apply(recorded, docs) {
    const event = fundingEvent(recorded);
    const update = async (bidId: string, change: (bid: BidSummary) => BidSummary) => {
      const bid = await docs.get<BidSummary>(BIDS, bidId);
      if (bid) docs.put(BIDS, bidId, change(bid));
    };
    switch (event.type) {
      case 'BidSubmitted': {
        const d = event.data;
        docs.put(BIDS, d.bidId, {
          bidId: d.bidId,
          callId: d.callId,
          applicant: d.applicant,
          projectTitle: d.projectTitle,
          requestedCents: d.requestedCents,
          status: 'submitted',
          score: null,
          grantId: null,
          awardedCents: null,
          submittedAt: d.submittedAt,
          evaluatedAt: null,
          withdrawnAt: null,
        } satisfies BidSummary);
        return;
      }
      case 'BidWithdrawn':
        return update(event.data.bidId, (b) => ({ ...b, status: 'withdrawn', withdrawnAt: event.data.withdrawnAt }));
      case 'BidEvaluated':
        return update(event.data.bidId, (b) => ({
          ...b,
          status: event.data.admissible ? 'admissible' : 'inadmissible',
          score: event.data.score,
          evaluatedAt: event.data.evaluatedAt,
        }));
      case 'BidAwarded':
        return update(event.data.bidId, (b) => ({ ...b, status: 'awarded', grantId: event.data.grantId, awardedCents: event.data.amountCents }));
      default:
        return;
    }
  },
};
