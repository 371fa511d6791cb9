/** The document of the grant summaries read model (`grants`): what `GET /grants/:grantId` shows. */
import type {
  AdministrativeAct,
  AidRegime,
  Applicant,
  ClaimCut,
  ClaimItem,
  ClaimKind,
  Cofinancing,
  ContributionSplit,
  DisbursementKind,
  Fund,
  GrantStatus,
  OperationData,
  RnaRegistration,
} from '@app/funding';

/** A claim item as the grant shows it: a natural person's tax code as the issuer of a document is left out (null). */
export type ClaimItemShown = Omit<ClaimItem, 'document'> & {
  readonly document:
    (Omit<NonNullable<ClaimItem['document']>, 'issuerTaxCode'> & { readonly issuerTaxCode: string | null }) | null;
};

export interface GrantSummary {
  readonly [field: string]: unknown;
  readonly grantId: string;
  readonly callId: string;
  readonly bidId: string;
  /** The applicant portal that submitted the bid: the one principal of that role that may see the grant. */
  readonly submittedBy: string;
  readonly programmeId: string;
  readonly measureId: string;
  readonly fund: Fund;
  /** A legal person by type and name (its tax code stays in the log); a natural person by subject id and region only. */
  readonly beneficiary:
    | { readonly kind: 'legal-person'; readonly type: string; readonly name: string }
    | Omit<Extract<Applicant, { kind: 'natural-person' }>, never>;
  /** The natural person's subject id (null for a legal person). */
  readonly subjectId: string | null;
  readonly sensitive: boolean;
  /** False for a natural person in a sensitive measure: shown only to the roles that act on it. */
  readonly publicView: boolean;
  /** When the last payment was made: where the retention of a grant's records is counted from. */
  readonly lastPaymentAt: string | null;
  readonly projectTitle: string;
  readonly cup: string;
  /** The operation as its award states it (a natural person's location: NUTS 2 only, below). */
  readonly operation: OperationData;
  /** YYYY-MM-DD, once the final payment completed it. */
  readonly actualEndDate: string | null;
  readonly aidRegime: AidRegime;
  readonly rna: RnaRegistration | null;
  readonly euCoFinancingRateBp: number | null;
  /** Who pays each euro of it, EU / national / regional, as its award recorded; null where its programme stated none. */
  readonly cofinancing: Cofinancing | null;
  /** The priority axis (2014-2020) or priority (2021-2027) of its measure; null where not stated. */
  readonly priorityAxis: string | null;
  /**
   * `currentAwardCents` split by `cofinancing` (splitContribution on the award itself, never a sum of
   * rounded parts): its parts sum to it exactly. Null without co-financing.
   */
  readonly awardSplit: ContributionSplit | null;
  /** What was paid net of principal recovered (`disbursedCents − recovery.receivedCents`), split the same way; null without co-financing. */
  readonly paidSplit: ContributionSplit | null;
  /** Its call's funding rate (basis points of verified expenditure paid, up to the award); null: awarded before calls had one. */
  readonly fundingRateBp: number | null;
  /** The award act; null on awards recorded before acts were. */
  readonly act: AdministrativeAct | null;
  /** The day the aid was granted (YYYY-MM-DD): the award act's date (the RNA's and the de minimis windows' date). */
  readonly grantDate: string;
  /** The award as first made. */
  readonly originalAwardCents: number;
  /** The award now: the original less every partial revocation. */
  readonly currentAwardCents: number;
  readonly disbursedCents: number;
  /** The award not paid yet, the domain's `remainingAwardCents`: current award − (disbursed − recovered) while active, never below 0; nothing once completed or revoked. */
  readonly remainingCents: number;
  /** What verified expenditure entitles the grant to and was not paid yet, the domain's `unpaidPayableCents`: what a payment may take now. */
  readonly payableCents: number;
  /**
   * Cents of the advance paid that verified expenditure does not cover yet (after what it paid for),
   * never negative: the domain's `advanceUncoveredCents`.
   */
  readonly advanceUncovered: number;
  readonly releasedCents: number;
  /** Paid beyond what the grant is entitled to, in all: `recovery` says how much came back. */
  readonly recoveryDueCents: number;
  /** The expenditure claimed on it, and what first-level control found eligible. */
  readonly declaredCents: number;
  readonly verifiedCents: number;
  readonly claims: ReadonlyArray<{
    readonly claimId: string;
    readonly kind: ClaimKind;
    readonly status: 'submitted' | 'verified';
    readonly items: readonly ClaimItemShown[];
    readonly declaredCents: number;
    readonly eligibleCents: number | null;
    readonly cutCents: number | null;
    readonly cuts: readonly ClaimCut[];
    readonly checklistRef: string | null;
    readonly onTheSpot: boolean | null;
    readonly verifiedBy: string | null;
    /** Paid by the disbursements that settle it. */
    readonly paidCents: number;
    readonly submittedAt: string;
    readonly verifiedAt: string | null;
  }>;
  /** Money due back: ordered, received (principal and interest apart), written off, outstanding. */
  readonly recovery: {
    readonly dueCents: number;
    readonly orderedCents: number;
    readonly receivedCents: number;
    readonly interestReceivedCents: number;
    readonly writtenOffCents: number;
    readonly outstandingCents: number;
    readonly orders: ReadonlyArray<{
      readonly orderId: string;
      readonly amountCents: number;
      readonly interestRateBp: number;
      readonly dueDate: string;
      readonly reference: string;
      readonly act: AdministrativeAct | null;
      readonly orderedAt: string;
    }>;
    readonly receipts: ReadonlyArray<{
      readonly receiptId: string;
      readonly amountCents: number;
      readonly interestCents: number;
      readonly receivedAt: string;
      readonly reference: string;
    }>;
    readonly writeOffs: ReadonlyArray<{
      readonly amountCents: number;
      readonly reason: string;
      readonly act: AdministrativeAct | null;
      readonly writtenOffAt: string;
    }>;
  };
  readonly status: GrantStatus;
  readonly awardedAt: string;
  readonly completedAt: string | null;
  readonly revokedAt: string | null;
  /** The disbursement ledger, in the order the payments were recorded. */
  readonly disbursements: ReadonlyArray<{
    readonly disbursementId: string;
    readonly kind: DisbursementKind;
    /** The claim it settles; null for an advance. */
    readonly claimId: string | null;
    readonly amountCents: number;
    readonly reference: string | null;
    readonly deggendorfVisuraRef: string | null;
    readonly paidAt: string;
  }>;
  readonly revocations: ReadonlyArray<{
    readonly reason: string;
    readonly covar: string | null;
    readonly revokedCents: number;
    readonly whole: boolean;
    readonly releasedCents: number;
    readonly recoveryDueCents: number;
    readonly act: AdministrativeAct | null;
    readonly revokedAt: string;
  }>;
}
