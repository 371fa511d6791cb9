import type { Cents } from '../money.js';
import type { AidRegime, Applicant, DisbursementKind, Fund, Instant } from '../funding.types.js';
import type { ExpenditureEvent } from '../expenditure/expenditure.events.js';
import type { RecoveryEvent } from '../recoveries/recovery.events.js';
import type { GrantBeneficiaryErased } from '../data-subjects/data-subject.events.js';
import type { AdministrativeAct } from '../acts/administrative-act.js';
import type { Cofinancing } from '../accounting/cofinancing.js';

/** What an operation is, as its award states it (EU Reg. 2021/1060 art. 49; law 3/2003 art. 11). */
export interface OperationData {
  /** What the operation is for, in a sentence. */
  readonly purpose: string | null;
  /** YYYY-MM-DD */
  readonly plannedStartDate: string;
  readonly plannedEndDate: string;
  /** The ISTAT code of the municipality where it takes place, and the NUTS 3 and NUTS 2 areas it lies in. */
  readonly istatMunicipalityCode: string;
  readonly nuts3: string;
  readonly nuts2: string;
  /** The operation's total eligible cost: the award is at most this (the aid intensity is award / cost). */
  readonly totalEligibleCostCents: Cents;
  readonly interventionType: string | null;
  readonly specificObjective: string | null;
}

/** The Registro Nazionale Aiuti's codes for aid: the COR of the registration, and the de minimis visura consulted. */
export interface RnaRegistration {
  readonly cor: string;
  readonly deMinimisVisura: { readonly reference: string; readonly date: string; readonly receivedCents: Cents } | null;
}

/** The grant's CUP is assigned to it for good (law 3/2003 art. 11): no other grant may use it. */
export type CupAssigned = {
  readonly type: 'CupAssigned';
  readonly data: { readonly cup: string; readonly grantId: string; readonly assignedAt: Instant };
};

/**
 * v2: with the principal that submitted the bid, which alone may act for the beneficiary.
 * v3: the beneficiary a legal or a natural person (as BidSubmitted v3), and `sensitive`.
 * v4: the CUP, the operation's data, the aid regime with its RNA codes, and the fund's EU co-financing rate.
 * v5: the advance share of its call: what may be paid before any expenditure is verified.
 * v6: the funding rate of its call (null on grants awarded before it: the aid intensity, award /
 * total eligible cost, stays their rule); the award's act (null on awards recorded before acts).
 * v7: the co-financing of its fund share and the priority axis of its measure (issue #27), each
 * null where the programme stated none or the award came before them.
 */
export type GrantAwarded = {
  readonly type: 'GrantAwarded';
  readonly data: {
    readonly grantId: string;
    readonly callId: string;
    readonly bidId: string;
    readonly submittedBy: string;
    readonly programmeId: string;
    readonly measureId: string;
    readonly fund: Fund;
    readonly beneficiary: Applicant;
    readonly sensitive: boolean;
    readonly projectTitle: string;
    readonly amountCents: Cents;
    readonly cup: string;
    readonly operation: OperationData;
    readonly aidRegime: AidRegime;
    readonly rna: RnaRegistration | null;
    readonly euCoFinancingRateBp: number | null;
    /**
     * Who pays each euro of it, EU / national / regional: its programme's fund share's split, as it
     * stood at the award; null where the programme stated none (nothing of it can be split).
     */
    readonly cofinancing: Cofinancing | null;
    /** The priority axis (2014-2020) or priority (2021-2027) of its measure; null where not stated. */
    readonly priorityAxis: string | null;
    /** Basis points of the award payable as an advance on the award alone (the call's). */
    readonly advanceShareBp: number;
    /**
     * Basis points of verified eligible expenditure the grant is paid, up to the award (the call's
     * funding rate); null: awarded before calls had one, paid at award / total eligible cost.
     */
    readonly fundingRateBp: number | null;
    /**
     * The award act ("determinazione di concessione"): its date is the day the aid is granted (the
     * de minimis windows, the RNA, the art. 49 list). Null on awards recorded before acts were: their
     * grant date is the day they were recorded (`grantDateOf`).
     */
    readonly act: AdministrativeAct | null;
    readonly awardedAt: Instant;
  };
};

/**
 * The events after the award carry the grant's programme and measure (v2), so that a total per
 * programme or measure is a fold of the events alone.
 */
export interface GrantPlace {
  readonly grantId: string;
  readonly callId: string;
  readonly programmeId: string;
  readonly measureId: string;
}

/**
 * v2: with the grant's programme and measure. v3: with the Deggendorf visura it cites under an aid
 * regime. v4: with the verified claim it settles (null for an advance) and the principal who paid.
 */
export type DisbursementRecorded = {
  readonly type: 'DisbursementRecorded';
  readonly data: GrantPlace & {
    /** The RNA's Deggendorf visura (no unrecovered illegal aid) consulted before paying aid; null outside aid regimes. */
    readonly deggendorfVisuraRef: string | null;
    readonly disbursementId: string;
    readonly kind: DisbursementKind;
    /** The verified expenditure claim an interim or final payment settles; null for an advance. */
    readonly claimId: string | null;
    /** The finance officer's principal: never the one who verified the claim (separation of duties). */
    readonly paidBy: string;
    readonly amountCents: Cents;
    /** The payment order or bank reference, when the finance office gives one. */
    readonly reference: string | null;
    readonly paidAt: Instant;
  };
};

/** The final payment ("saldo") was made; what the grant did not use returns to the call. v2: with programme and measure. */
export type GrantCompleted = {
  readonly type: 'GrantCompleted';
  readonly data: GrantPlace & {
    /** v3: the operation's actual end date (YYYY-MM-DD). */
    readonly actualEndDate: string;
    readonly paidCents: Cents;
    readonly releasedCents: Cents;
    readonly completedAt: Instant;
  };
};

/**
 * A revocation ("revoca"), whole or partial. v2: with programme and measure, and what it adds to the
 * recovery due. v4: with its act (null on revocations recorded before acts).
 */
export type GrantRevoked = {
  readonly type: 'GrantRevoked';
  readonly data: GrantPlace & {
    readonly reason: string;
    /** v3: the RNA's COVAR of the change, under an aid regime; null outside. */
    readonly covar: string | null;
    readonly whole: boolean;
    readonly revokedCents: Cents;
    readonly awardAfterCents: Cents;
    /** Budget handed back to the call by this revocation (its undisbursed part). */
    readonly releasedCents: Cents;
    /** Money paid beyond the reduced award, to be recovered ("recupero"): paid − reduced award, when positive. */
    readonly recoveryDueCents: Cents;
    /** How much this revocation raised the recovery due (recoveryDueCents after it, minus before). */
    readonly recoveryDueAddedCents: Cents;
    readonly act: AdministrativeAct | null;
    readonly revokedAt: Instant;
  };
};

/** The day a grant's aid was granted, YYYY-MM-DD: its award act's date, or for an award recorded before acts, the day it was recorded. */
export function grantDateOf(award: Pick<GrantAwarded['data'], 'act' | 'awardedAt'>): string {
  return award.act?.date ?? award.awardedAt.slice(0, 10);
}

export type GrantEvent =
  | GrantAwarded
  | DisbursementRecorded
  | GrantCompleted
  | GrantRevoked
  | ExpenditureEvent
  | RecoveryEvent
  | GrantBeneficiaryErased;
export type CupEvent = CupAssigned;
