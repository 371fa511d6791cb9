import type { DisbursementKind, Fund, GrantStatus } from '@app/funding';
import type { Projection } from './projection.js';
import { fundingEvent } from './projection.js';

export interface GrantSummary {
  readonly [field: string]: unknown;
  readonly grantId: string;
  readonly callId: string;
  readonly bidId: string;
  readonly programmeId: string;
  readonly measureId: string;
  readonly fund: Fund;
  readonly beneficiary: { readonly type: string; readonly name: string };
  readonly projectTitle: string;
  /** The award as first made. */
  readonly awardedCents: number;
  /** The award after any partial revocation. */
  readonly awardCents: number;
  readonly disbursedCents: number;
  /** What can still be paid: award − disbursed, never below 0. */
  readonly remainingCents: number;
  readonly releasedCents: number;
  readonly recoveryDueCents: number;
  readonly status: GrantStatus;
  readonly awardedAt: string;
  readonly completedAt: string | null;
  readonly revokedAt: string | null;
  /** The disbursement ledger, in the order the payments were recorded. */
  readonly disbursements: ReadonlyArray<{
    readonly disbursementId: string;
    readonly kind: DisbursementKind;
    readonly amountCents: number;
    readonly reference: string | null;
    readonly paidAt: string;
  }>;
  readonly revocations: ReadonlyArray<{
    readonly reason: string;
    readonly revokedCents: number;
    readonly whole: boolean;
    readonly releasedCents: number;
    readonly recoveryDueCents: number;
    readonly revokedAt: string;
  }>;
}

const GRANTS = 'grants';

export const grantSummaries: Projection = {
  name: 'grant-summaries',
  collections: [GRANTS],
  async apply(recorded, docs) {
    const event = fundingEvent(recorded);
    const update = async (grantId: string, change: (grant: GrantSummary) => GrantSummary) => {
      const grant = await docs.get<GrantSummary>(GRANTS, grantId);
      if (grant) docs.put(GRANTS, grantId, withRemaining(change(grant)));
    };
    switch (event.type) {
      case 'GrantAwarded': {
        const d = event.data;
        docs.put(GRANTS, d.grantId, {
          grantId: d.grantId,
          callId: d.callId,
          bidId: d.bidId,
          programmeId: d.programmeId,
          measureId: d.measureId,
          fund: d.fund,
          // The tax code stays in the event log; read models show who, not their identifiers.
          beneficiary: { type: d.beneficiary.type, name: d.beneficiary.name },
          projectTitle: d.projectTitle,
          awardedCents: d.amountCents,
          awardCents: d.amountCents,
          disbursedCents: 0,
          remainingCents: d.amountCents,
          releasedCents: 0,
          recoveryDueCents: 0,
          status: 'active',
          awardedAt: d.awardedAt,
          completedAt: null,
          revokedAt: null,
          disbursements: [],
          revocations: [],
        } satisfies GrantSummary);
        return;
      }
      case 'DisbursementRecorded': {
        const { disbursementId, kind, amountCents, reference, paidAt } = event.data;
        return update(event.data.grantId, (g) => ({
          ...g,
          disbursedCents: g.disbursedCents + amountCents,
          disbursements: [...g.disbursements, { disbursementId, kind, amountCents, reference, paidAt }],
        }));
      }
      case 'GrantCompleted':
        return update(event.data.grantId, (g) => ({
          ...g,
          status: 'completed',
          completedAt: event.data.completedAt,
          releasedCents: g.releasedCents + event.data.releasedCents,
        }));
      case 'GrantRevoked': {
        const d = event.data;
        return update(d.grantId, (g) => ({
          ...g,
          status: d.whole ? 'revoked' : g.status,
          awardCents: d.awardAfterCents,
          releasedCents: g.releasedCents + d.releasedCents,
          recoveryDueCents: d.recoveryDueCents,
          revokedAt: d.whole ? d.revokedAt : g.revokedAt,
          revocations: [
            ...g.revocations,
            { reason: d.reason, revokedCents: d.revokedCents, whole: d.whole, releasedCents: d.releasedCents, recoveryDueCents: d.recoveryDueCents, revokedAt: d.revokedAt },
          ],
        }));
      }
      default:
        return;
    }
  },
};

function withRemaining(grant: GrantSummary): GrantSummary {
  return { ...grant, remainingCents: Math.max(0, grant.awardCents - grant.disbursedCents) };
}
