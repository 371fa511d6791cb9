import type { Cents } from '../money.js';
import type { Instant } from '../funding.types.js';
import type { GrantPlace } from '../grants/grant.events.js';

export const CLAIM_KINDS = ['interim', 'final'] as const;
/** interim: a stage of the operation ("SAL"); final: its last claim, which closes the grant to further claims. */
export type ClaimKind = (typeof CLAIM_KINDS)[number];

export const DOCUMENT_TYPES = ['invoice', 'payslip', 'receipt', 'other'] as const;
/** invoice ("fattura"), payslip ("busta paga" / LUL), receipt ("ricevuta"), other (e.g. a contract of sale). */
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/**
 * The document that proves an item of expenditure ("giustificativo di spesa"). Issuer, number and
 * date name it: claimed once in a programme (no expenditure funded twice: Reg. (EU) 2021/1060 art.
 * 63(9), 1303/2013 art. 65(11)). Stored as the beneficiary gave it; compared normalised (trimmed,
 * upper case).
 */
export interface ExpenditureDocument {
  readonly type: DocumentType;
  readonly number: string;
  /** YYYY-MM-DD */
  readonly date: string;
  /** The tax code (codice fiscale or VAT number) of whoever issued it. */
  readonly issuerTaxCode: string;
  /** The document's whole amount: an item claims at most this. */
  readonly amountCents: Cents;
}

/**
 * One item of expenditure as the beneficiary declares it, with the document that supports it.
 * v2 of ExpenditureClaimSubmitted: with the day it was paid and its document; items of older claims
 * have neither (null), and are grandfathered.
 */
export interface ClaimItem {
  readonly description: string;
  /** The cost category (e.g. personnel, services, equipment), as the call's rules name them. */
  readonly category: string;
  readonly amountCents: Cents;
  /** Where the supporting document is archived ("giustificativo"): the beneficiary's own reference. */
  readonly documentRef: string;
  /** YYYY-MM-DD: the day it was paid, inside the eligibility period and the operation's dates. */
  readonly paidOn: string | null;
  readonly document: ExpenditureDocument | null;
}

/** A part of the declared expenditure found ineligible, on one item (by its position in the claim, from 0). */
export interface ClaimCut {
  readonly item: number;
  readonly amountCents: Cents;
  readonly reason: string;
}

/**
 * The beneficiary declared expenditure on its grant ("rendicontazione"). On the grant's stream.
 * v2: each item with the day it was paid and its document (v1: expenditure.events.v1.ts).
 */
export type ExpenditureClaimSubmitted = {
  readonly type: 'ExpenditureClaimSubmitted';
  readonly data: GrantPlace & {
    readonly claimId: string;
    readonly kind: ClaimKind;
    readonly items: readonly ClaimItem[];
    /** The sum of the items. */
    readonly declaredCents: Cents;
    /** The applicant portal that submitted it: the grant's own. */
    readonly submittedBy: string;
    readonly submittedAt: Instant;
  };
};

/** The claim id is taken, by this grant's claim: on the claim's own stream, so an id is used once. */
export type ExpenditureClaimFiled = {
  readonly type: 'ExpenditureClaimFiled';
  readonly data: { readonly claimId: string; readonly grantId: string; readonly filedAt: Instant };
};

/**
 * First-level control verified a claim (management verifications, Reg. (EU) 2021/1060 art. 74):
 * eligible + cuts = declared, per item and in total. A final claim's verification fixes what the
 * grant is entitled to: what it no longer holds goes back to the call, and what was paid beyond it
 * becomes due for recovery. On the grant's stream.
 */
export type ExpenditureClaimVerified = {
  readonly type: 'ExpenditureClaimVerified';
  readonly data: GrantPlace & {
    readonly claimId: string;
    readonly kind: ClaimKind;
    readonly declaredCents: Cents;
    readonly eligibleCents: Cents;
    readonly cutCents: Cents;
    readonly cuts: readonly ClaimCut[];
    /** The checklist the control filled in. */
    readonly checklistRef: string;
    /** Whether the verification included a check on the spot. */
    readonly onTheSpot: boolean;
    /** The controller's principal: never the evaluator of the bid, never the one who pays the claim. */
    readonly verifiedBy: string;
    /** Budget the grant stopped holding (a final claim entitling it to less than its award). */
    readonly releasedCents: Cents;
    /** The grant's recovery due after this verification, and how much it added. */
    readonly recoveryDueCents: Cents;
    readonly recoveryDueAddedCents: Cents;
    readonly verifiedAt: Instant;
  };
};

/**
 * A document was claimed, by an item of a claim: on the document's own stream in its programme
 * (`document-<hash>`, see expenditure/document.ts), so the same document is claimed once, whatever
 * grant claims it. `key` is the document as compared: programme, issuer, number and date, normalised.
 */
export type ExpenditureDocumentClaimed = {
  readonly type: 'ExpenditureDocumentClaimed';
  readonly data: {
    readonly key: string;
    readonly programmeId: string;
    readonly grantId: string;
    readonly claimId: string;
    /** The item of the claim that claimed it, by its position, from 0. */
    readonly itemIndex: number;
    readonly claimedCents: Cents;
    readonly claimedAt: Instant;
  };
};

export type ExpenditureEvent = ExpenditureClaimSubmitted | ExpenditureClaimVerified;
export type ClaimEvent = ExpenditureClaimFiled;
export type DocumentEvent = ExpenditureDocumentClaimed;
