import type { ApplicantType, CallStatus, Fund } from '@app/funding';
import type { Projection } from './projection.js';
import { fundingEvent } from './projection.js';

export const BID_STATUSES = ['submitted', 'admissible', 'inadmissible', 'withdrawn', 'awarded'] as const;
export type BidStatusName = (typeof BID_STATUSES)[number];

export interface CallSummary {
  readonly [field: string]: unknown;
  readonly callId: string;
  readonly programmeId: string;
  readonly measureId: string;
  readonly fund: Fund;
  readonly title: string;
  readonly status: CallStatus;
  readonly opensAt: string;
  readonly closesAt: string;
  readonly budgetCents: number;
  readonly maxGrantCents: number | null;
  readonly committedCents: number;
  readonly releasedCents: number;
  /** budget − committed + released */
  readonly remainingCents: number;
  readonly grantCount: number;
  readonly bids: {
    readonly total: number;
    readonly byStatus: Readonly<Record<BidStatusName, number>>;
    readonly byApplicantType: Readonly<Partial<Record<ApplicantType, number>>>;
  };
  readonly openedAt: string;
  readonly closedAt: string | null;
  readonly cancelledAt: string | null;
}

/** Where a bid stands, kept so a later event of the bid can move its count from one status to another. */
interface BidTally {
  readonly [field: string]: unknown;
  readonly callId: string;
  readonly status: BidStatusName;
}

const CALLS = 'calls';
const TALLIES = 'call_bid_tallies';

export const callSummaries: Projection = {
  name: 'call-summaries',
  collections: [CALLS, TALLIES],
  async apply(recorded, docs) {
    const event = fundingEvent(recorded);
    switch (event.type) {
      case 'CallOpened': {
        const d = event.data;
        docs.put(CALLS, d.callId, {
          callId: d.callId,
          programmeId: d.programmeId,
          measureId: d.measureId,
          fund: d.fund,
          title: d.title,
          status: 'open',
          opensAt: d.opensAt,
          closesAt: d.closesAt,
          budgetCents: d.budgetCents,
          maxGrantCents: d.maxGrantCents,
          committedCents: 0,
          releasedCents: 0,
          remainingCents: d.budgetCents,
          grantCount: 0,
          bids: { total: 0, byStatus: { submitted: 0, admissible: 0, inadmissible: 0, withdrawn: 0, awarded: 0 }, byApplicantType: {} },
          openedAt: d.openedAt,
          closedAt: null,
          cancelledAt: null,
        } satisfies CallSummary);
        return;
      }
      case 'CallClosed':
        return update(event.data.callId, (c) => ({ ...c, status: 'closed', closedAt: event.data.closedAt }));
      case 'CallCancelled':
        return update(event.data.callId, (c) => ({ ...c, status: 'cancelled', cancelledAt: event.data.cancelledAt }));
      case 'CallBudgetCommitted':
        return update(event.data.callId, (c) =>
          withRemaining({ ...c, committedCents: c.committedCents + event.data.amountCents, grantCount: c.grantCount + 1 }),
        );
      case 'CallBudgetReleased':
        return update(event.data.callId, (c) => withRemaining({ ...c, releasedCents: c.releasedCents + event.data.amountCents }));
      case 'BidSubmitted': {
        const { bidId, callId, applicant } = event.data;
        docs.put(TALLIES, bidId, { callId, status: 'submitted' } satisfies BidTally);
        return update(callId, (c) => ({
          ...c,
          bids: {
            total: c.bids.total + 1,
            byStatus: { ...c.bids.byStatus, submitted: c.bids.byStatus.submitted + 1 },
            byApplicantType: { ...c.bids.byApplicantType, [applicant.type]: (c.bids.byApplicantType[applicant.type] ?? 0) + 1 },
          },
        }));
      }
      case 'BidWithdrawn':
        return moveBid(event.data.bidId, 'withdrawn');
      case 'BidEvaluated':
        return moveBid(event.data.bidId, event.data.admissible ? 'admissible' : 'inadmissible');
      case 'BidAwarded':
        return moveBid(event.data.bidId, 'awarded');
      default:
        return;
    }

    async function update(callId: string, change: (call: CallSummary) => CallSummary): Promise<void> {
      const call = await docs.get<CallSummary>(CALLS, callId);
      if (call) docs.put(CALLS, callId, change(call));
    }

    async function moveBid(bidId: string, to: BidStatusName): Promise<void> {
      const tally = await docs.get<BidTally>(TALLIES, bidId);
      if (!tally) return;
      docs.put(TALLIES, bidId, { ...tally, status: to });
      await update(tally.callId, (c) => ({
        ...c,
        bids: { ...c.bids, byStatus: { ...c.bids.byStatus, [tally.status]: c.bids.byStatus[tally.status] - 1, [to]: c.bids.byStatus[to] + 1 } },
      }));
    }
  },
};

function withRemaining(call: CallSummary): CallSummary {
  return { ...call, remainingCents: call.budgetCents - call.committedCents + call.releasedCents };
}
