import { dayInItaly } from '../acts/administrative-act.js';
import type { Evolving } from '../command-plan.js';
import type { FundingTerms } from '../figures.js';
import type { CallEvent } from '../calls/call.events.js';
import type { DisbursementKind } from '../funding.types.js';
import type { GrantEvent } from '../grants/grant.events.js';
import type { Cents } from '../money.js';

/** A day in Italy, from an instant the events store. */
const dayOf = (at: string): string => dayInItaly(new Date(at));

/** A grant as the accounting function reads it: its payments, verified claims and recoveries, each with its day. */
export type GrantPayments =
  | { readonly status: 'none' }
  | {
      readonly status: 'awarded';
      readonly grantId: string;
      readonly cup: string;
      readonly programmeId: string;
      readonly measureId: string;
      readonly terms: FundingTerms;
      readonly payments: ReadonlyArray<{
        readonly disbursementId: string;
        readonly kind: DisbursementKind;
        readonly claimId: string | null;
        readonly amountCents: Cents;
        readonly paidOn: string;
      }>;
      readonly verifiedClaims: ReadonlyArray<{
        readonly claimId: string;
        readonly eligibleCents: Cents;
        readonly verifiedOn: string;
      }>;
      readonly receipts: ReadonlyArray<{
        readonly receiptId: string;
        readonly amountCents: Cents;
        readonly receivedOn: string;
      }>;
      readonly recoveryOrderedCents: Cents;
      readonly writeOffs: ReadonlyArray<{ readonly amountCents: Cents; readonly on: string }>;
    };

export type AwardedGrantPayments = Exclude<GrantPayments, { status: 'none' }>;

function evolve(state: GrantPayments, event: GrantEvent): GrantPayments {
  if (event.type === 'GrantAwarded') {
    const d = event.data;
    return {
      status: 'awarded',
      grantId: d.grantId,
      cup: d.cup,
      programmeId: d.programmeId,
      measureId: d.measureId,
      terms: {
        currentAwardCents: d.amountCents,
        totalEligibleCostCents: d.operation.totalEligibleCostCents,
        fundingRateBp: d.fundingRateBp,
      },
      payments: [],
      verifiedClaims: [],
      receipts: [],
      recoveryOrderedCents: 0,
      writeOffs: [],
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'DisbursementRecorded': {
      const d = event.data;
      const payment = {
        disbursementId: d.disbursementId,
        kind: d.kind,
        claimId: d.claimId,
        amountCents: d.amountCents,
        paidOn: dayOf(d.paidAt),
      };
      return { ...state, payments: [...state.payments, payment] };
    }
    case 'GrantRevoked':
      return { ...state, terms: { ...state.terms, currentAwardCents: event.data.awardAfterCents } };
    case 'ExpenditureClaimVerified': {
      const d = event.data;
      const claim = { claimId: d.claimId, eligibleCents: d.eligibleCents, verifiedOn: dayOf(d.verifiedAt) };
      return { ...state, verifiedClaims: [...state.verifiedClaims, claim] };
    }
    case 'RecoveryOrdered':
      return { ...state, recoveryOrderedCents: state.recoveryOrderedCents + event.data.amountCents };
    case 'RecoveryReceived': {
      const d = event.data;
      return {
        ...state,
        receipts: [...state.receipts, { receiptId: d.receiptId, amountCents: d.amountCents, receivedOn: d.receivedAt }],
      };
    }
    case 'RecoveryWrittenOff':
      return {
        ...state,
        writeOffs: [...state.writeOffs, { amountCents: event.data.amountCents, on: dayOf(event.data.writtenOffAt) }],
      };
    default:
      return state;
  }
}

export const GRANT_PAYMENTS: Evolving<GrantPayments, GrantEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve,
};

/** The grants a call committed budget to: how the accounts find every grant of a fund in the event streams. */
export type CallGrants = { readonly grantIds: readonly string[] };

export const CALL_GRANTS: Evolving<CallGrants, CallEvent> = {
  initialState: () => ({ grantIds: [] }),
  evolve: (state, event) =>
    event.type === 'CallBudgetCommitted' ? { grantIds: [...state.grantIds, event.data.grantId] } : state,
};
