/**
 * Every refusal the domain can give, with a stable machine-readable code.
 * The HTTP layer answers each code with its status (404, 409 or 422: one table, complete by type,
 * apps/api/src/http/domain-error-status.ts) and passes `code` through unchanged, so these strings
 * are part of the public contract: add, never rename.
 */
export const DOMAIN_ERROR_CODES = [
  'INVALID_AMOUNT',
  'INVALID_INPUT',
  'PROGRAMME_ALREADY_ESTABLISHED',
  'PROGRAMME_NOT_FOUND',
  'DUPLICATE_FUND',
  'FUND_NOT_IN_PROGRAMME',
  'FUND_AMOUNT_EXCEEDED',
  'MEASURE_ALREADY_DEFINED',
  'MEASURE_CODE_TAKEN',
  'MEASURE_NOT_FOUND',
  'MEASURE_ALLOCATION_EXCEEDED',
  'CALL_ALREADY_EXISTS',
  'CALL_NOT_FOUND',
  'INVALID_CALL_WINDOW',
  'NO_ELIGIBLE_APPLICANT_TYPES',
  'MAX_GRANT_EXCEEDS_BUDGET',
  'CALL_NOT_OPEN',
  'CALL_ALREADY_CLOSED',
  'CALL_CANCELLED',
  'CALL_HAS_GRANTS',
  'BID_ALREADY_EXISTS',
  'BID_NOT_FOUND',
  'BID_NOT_IN_CALL',
  'APPLICANT_NOT_ELIGIBLE',
  'REQUEST_EXCEEDS_CAP',
  'BID_WITHDRAWN',
  'BID_ALREADY_EVALUATED',
  'BID_NOT_EVALUATED',
  'BID_NOT_ADMISSIBLE',
  'BID_ALREADY_AWARDED',
  'INVALID_SCORE',
  'AWARD_EXCEEDS_REQUEST',
  'BUDGET_EXCEEDED',
  'GRANT_ALREADY_EXISTS',
  'GRANT_NOT_FOUND',
  'GRANT_NOT_ACTIVE',
  'GRANT_ALREADY_REVOKED',
  'DISBURSEMENT_ALREADY_RECORDED',
  'DISBURSEMENT_EXCEEDS_GRANT',
  'REVOCATION_EXCEEDS_AWARD',
  'COMMITMENT_LIMIT_REACHED',
  'RETENTION_PERIOD_ACTIVE',
  'DATA_SUBJECT_ALREADY_ERASED',
  'CUP_ALREADY_USED',
  'OPERATION_DATA_REQUIRED',
  'AWARD_EXCEEDS_ELIGIBLE_COST',
  'UNKNOWN_INTERVENTION_TYPE',
  'UNKNOWN_SPECIFIC_OBJECTIVE',
  'RNA_COR_REQUIRED',
  'DE_MINIMIS_VISURA_REQUIRED',
  'DE_MINIMIS_CEILING_EXCEEDED',
  'COVAR_REQUIRED',
  'DEGGENDORF_VISURA_REQUIRED',
  'CLAIM_NOT_FOUND',
  'CLAIM_ALREADY_EXISTS',
  'CLAIMS_CLOSED',
  'CLAIM_LIMIT_REACHED',
  'CLAIM_EXCEEDS_ELIGIBLE_COST',
  'CLAIM_ALREADY_VERIFIED',
  'EARLIER_CLAIMS_PENDING',
  'CUTS_EXCEED_ITEM',
  'VERIFICATION_DOES_NOT_ADD_UP',
  'ELIGIBLE_EXCEEDS_OPERATION_COST',
  'SEPARATION_OF_DUTIES',
  'CLAIM_REQUIRED',
  'CLAIM_KIND_MISMATCH',
  'FINAL_CLAIM_REQUIRED',
  'CLAIM_NOT_VERIFIED',
  'ADVANCE_EXCEEDS_SHARE',
  'PAYMENT_EXCEEDS_VERIFIED',
  'RECOVERY_ALREADY_RECORDED',
  'RECOVERY_EXCEEDS_DUE',
  'RECEIPT_EXCEEDS_ORDERED',
  'RECEIPT_EXCEEDS_OUTSTANDING',
  'WRITE_OFF_EXCEEDS_OUTSTANDING',
  'NOTHING_TO_RECOVER',
  'ARRIVAL_ORDER',
  'BID_AFTER_CLOSE',
  // Records and lists (issue #24): a write-off needs a recovery ordered first.
  'NO_RECOVERY_ORDERED',
  // Eligibility periods and expenditure documents (Reg. (EU) 1303/2013 art. 65; 2021/1060 art. 63).
  'OUTSIDE_ELIGIBILITY_PERIOD',
  'OPERATION_COMPLETED_BEFORE_APPLICATION',
  'ITEM_EXCEEDS_DOCUMENT',
  'DOCUMENT_ALREADY_CLAIMED',
  // Acts, the ranking and State aid by regime and date (issue #24).
  'ACT_DATE_IN_FUTURE',
  'CALL_NOT_CLOSED',
  'BIDS_NOT_EVALUATED',
  'NOT_A_RANKING_CALL',
  'RANKING_ALREADY_APPROVED',
  'RANKING_NOT_APPROVED',
  'RANKING_ORDER',
  'BID_NOT_RANKED',
  'BID_PASSED_OVER',
  'FUNDS_AVAILABLE',
  'AID_INTENSITY_EXCEEDED',
  // The accounting function (issue #27, docs/adr/0022).
  'COFINANCING_NOT_STATED',
  'PAYMENT_APPLICATION_ALREADY_SUBMITTED',
  'PAYMENT_APPLICATION_NOT_FOUND',
  'NOTHING_TO_DECLARE',
  'ACCOUNTING_YEAR_CLOSED',
  'ACCOUNTING_YEAR_NOT_ENDED',
  'ACCOUNTS_ALREADY_SUBMITTED',
  'CUT_OFF_BEFORE_LAST_APPLICATION',
  'RECEIPT_ALREADY_RECORDED',
  'RECEIPT_EXCEEDS_APPLICATION',
  'CORRECTION_ALREADY_MADE',
  'CORRECTION_EXCEEDS_DECLARED',
  'NOT_UNDER_ASSESSMENT',
  'COFINANCING_ALREADY_STATED',
  // Irregularities and their report to OLAF (Reg. (EU) 2015/1970; 2021/1060 Annex XII).
  'IRREGULARITY_ALREADY_RECORDED',
  'IRREGULARITY_NOT_FOUND',
  'IRREGULARITY_CLOSED',
  'IRREGULAR_AMOUNT_EXCEEDS_PAID',
] as const;

export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

export class DomainError extends Error {
  override readonly name = 'DomainError';

  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** Facts the refusal hands back to the client beside its code (e.g. `retainUntil`, `retentionReasons`); never personal data. */
    readonly details: Readonly<Record<string, RefusalDetail>> = {},
  ) {
    super(message);
  }
}

/** A fact beside a refusal's code: a value, or a list of records of values (e.g. each retention reason with its date). */
export type RefusalDetail = string | number | null | ReadonlyArray<Readonly<Record<string, string | number | null>>>;

export function refuse(
  code: DomainErrorCode,
  message: string,
  details?: Readonly<Record<string, RefusalDetail>>,
): never {
  throw new DomainError(code, message, details);
}
