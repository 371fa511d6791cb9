import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FUNDS, RETENTION_REASONS, type Fund } from '@app/funding';
import { ERROR_CODES, type ErrorCode } from './error-codes.js';

export class FieldProblem {
  @ApiProperty({
    description:
      'The field, as a path into the body or the query (e.g. `operation.plannedEndDate`); `…` counts the fields not listed',
    example: 'amountCents',
  })
  field!: string;

  @ApiProperty({ type: [String], example: ['amountCents must be an integer number of cents'] })
  problems!: string[];
}

/** RETENTION_PERIOD_ACTIVE: one obligation that keeps the records, and until when. */
export class RetentionHold {
  @ApiProperty({
    enum: RETENTION_REASONS,
    enumName: 'RetentionReason',
    description:
      "open-procedure: a bid not yet decided; appeal-window: a refused bid may still be appealed; operation-records: the programme's retention of the operation's documents (Reg. 2021/1060 art. 82, Reg. 1303/2013 art. 140); " +
      'state-aid-records: de minimis or GBER aid, kept 10 years from the award (Reg. 651/2014 art. 12, Reg. 2023/2831 art. 6(4); 10 fiscal years under Reg. 1407/2013); open-recovery: money ordered back, neither received nor written off',
    example: 'state-aid-records',
  })
  reason!: string;

  @ApiProperty({
    type: 'string',
    format: 'date-time',
    nullable: true,
    description:
      'Until when it holds; null while it runs without a date (a bid not yet decided, a recovery still open)',
  })
  retainUntil!: string | null;

  @ApiProperty({ type: 'string', nullable: true, description: 'The grant it comes from; null for a bid' })
  grantId!: string | null;

  @ApiProperty({ type: 'string', nullable: true, description: 'The bid it comes from; null for a grant' })
  bidId!: string | null;
}

/**
 * Every error response: `{ statusCode, code, message }`, with the fields a refusal hands back
 * beside its code (e.g. `payableCents` with PAYMENT_EXCEEDS_VERIFIED).
 */
export class Problem {
  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, description: 'The HTTP status, repeated', example: 422 })
  statusCode!: number;

  @ApiProperty({
    enum: ERROR_CODES,
    enumName: 'ErrorCode',
    description: 'What went wrong, stable for machines: branch on it, never on the message',
    example: 'PAYMENT_EXCEEDS_VERIFIED',
  })
  code!: ErrorCode;

  @ApiProperty({
    description: 'What went wrong, for people',
    example:
      'Grant officine-nido-grant can pay 800000 cents more on the expenditure verified so far, disbursement asks for 900000',
  })
  message!: string;

  @ApiPropertyOptional({
    type: [FieldProblem],
    description: 'VALIDATION_FAILED: each invalid field with its problems (at most 20 listed)',
  })
  errors?: FieldProblem[];

  @ApiPropertyOptional({
    type: 'integer',
    description: 'PAYMENT_EXCEEDS_VERIFIED: what the grant or the claim can still pay, in integer euro cents',
    example: 800_000,
  })
  payableCents?: number;

  @ApiPropertyOptional({
    type: 'integer',
    description:
      'DE_MINIMIS_CEILING_EXCEEDED: the de minimis aid the single undertaking can still receive, in integer euro cents',
  })
  headroomCents?: number;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'RECOVERY_EXCEEDS_DUE: what is due and not yet ordered, in integer euro cents',
  })
  orderableCents?: number;

  @ApiPropertyOptional({
    type: 'integer',
    description:
      'RECEIPT_EXCEEDS_APPLICATION: what the application may still receive from the Commission, in integer euro cents',
  })
  receivableCents?: number;

  @ApiPropertyOptional({
    type: 'integer',
    description:
      'CORRECTION_EXCEEDS_DECLARED: what is declared and not yet deducted or corrected there, in integer euro cents',
  })
  correctableCents?: number;

  @ApiPropertyOptional({
    format: 'date',
    description: "CUT_OFF_BEFORE_LAST_APPLICATION: the last application's cut-off date",
  })
  lastCutOffDate?: string;

  @ApiPropertyOptional({
    type: 'integer',
    description:
      'IRREGULAR_AMOUNT_EXCEEDS_PAID: what the grant was paid, the most an irregularity on it can amount to, in integer euro cents',
    example: 2_400_000,
  })
  paidCents?: number;

  @ApiPropertyOptional({
    enum: FUNDS,
    description: 'COFINANCING_NOT_STATED: the fund whose share states no co-financing',
  })
  fund?: Fund;

  @ApiPropertyOptional({
    description:
      'ARRIVAL_ORDER: the bid that arrived earlier and is still waiting; RANKING_ORDER: the highest-ranked bid still waiting (award it, or pass it over by an act)',
  })
  waitingBidId?: string;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'BIDS_NOT_EVALUATED: how many bids of the call are not evaluated yet',
  })
  notEvaluated?: number;

  @ApiPropertyOptional({ description: 'BIDS_NOT_EVALUATED: one of the bids not evaluated yet' })
  bidId?: string;

  @ApiPropertyOptional({
    type: 'integer',
    description: "FUNDS_AVAILABLE: what the call has left, in integer euro cents (enough for the bid's request)",
  })
  remainingCents?: number;

  @ApiPropertyOptional({
    type: 'integer',
    description:
      "AID_INTENSITY_EXCEEDED: the GBER article's maximum aid intensity, in basis points of the operation's eligible cost",
  })
  maxIntensityBp?: number;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'AID_INTENSITY_EXCEEDED: the largest award that intensity allows, in integer euro cents',
  })
  maxAwardCents?: number;

  @ApiPropertyOptional({
    description:
      "DE_MINIMIS_CEILING_EXCEEDED: the de minimis regulation in force on the grant date (the award act's date)",
    example: 'Reg. (EU) 2023/2831',
  })
  regulation?: string;

  @ApiPropertyOptional({
    type: 'integer',
    description:
      "DE_MINIMIS_CEILING_EXCEEDED: the ceiling that binds (the regulation's, or the programme's own if lower), in integer euro cents",
  })
  ceilingCents?: number;

  @ApiPropertyOptional({
    type: 'string',
    format: 'date',
    description: 'DE_MINIMIS_CEILING_EXCEEDED: the first day of the window that ceiling counts aid over (YYYY-MM-DD)',
  })
  windowStart?: string;

  @ApiPropertyOptional({
    type: 'string',
    format: 'date',
    description: 'ACT_DATE_IN_FUTURE: the date the act gives (YYYY-MM-DD)',
  })
  actDate?: string;

  @ApiPropertyOptional({
    type: 'string',
    format: 'date',
    description: 'ACT_DATE_IN_FUTURE: today in Italy, the latest date an act may have (YYYY-MM-DD)',
  })
  today?: string;

  @ApiPropertyOptional({
    type: 'string',
    format: 'date-time',
    nullable: true,
    description:
      'RETENTION_PERIOD_ACTIVE: until when the records must be kept, every obligation together; null while one runs without a date (a procedure or a recovery still open)',
  })
  retainUntil?: string | null;

  @ApiPropertyOptional({
    type: [RetentionHold],
    description: 'RETENTION_PERIOD_ACTIVE: every obligation that keeps the records now, with until when each holds',
  })
  retentionReasons?: RetentionHold[];

  @ApiPropertyOptional({
    type: 'string',
    format: 'date-time',
    description: 'DATA_SUBJECT_ALREADY_ERASED: when the subject was erased',
  })
  erasedAt?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    description:
      'OUTSIDE_ELIGIBILITY_PERIOD, ITEM_EXCEEDS_DOCUMENT, DOCUMENT_ALREADY_CLAIMED: the item of the claim refused, by its position from 0',
  })
  itemIndex?: number;

  @ApiPropertyOptional({
    type: 'string',
    format: 'date',
    description: 'OUTSIDE_ELIGIBILITY_PERIOD: the day the item was paid (YYYY-MM-DD)',
  })
  paidOn?: string;

  @ApiPropertyOptional({
    type: 'string',
    format: 'date',
    description:
      "OUTSIDE_ELIGIBILITY_PERIOD: the first day of the period: for an award, the programme's eligibility period; for a claim item, the days it and the operation's dates share",
  })
  eligibleFrom?: string;

  @ApiPropertyOptional({
    type: 'string',
    format: 'date',
    description: 'OUTSIDE_ELIGIBILITY_PERIOD: the last day of that period, included',
  })
  eligibleTo?: string;

  @ApiPropertyOptional({
    type: 'string',
    format: 'date',
    description: "OUTSIDE_ELIGIBILITY_PERIOD (an award): the operation's planned start",
  })
  plannedStartDate?: string;

  @ApiPropertyOptional({
    type: 'string',
    format: 'date',
    description:
      "OUTSIDE_ELIGIBILITY_PERIOD, OPERATION_COMPLETED_BEFORE_APPLICATION (an award): the operation's planned end",
  })
  plannedEndDate?: string;

  @ApiPropertyOptional({
    type: 'string',
    format: 'date',
    description:
      'OPERATION_COMPLETED_BEFORE_APPLICATION: the day the bid was submitted (UTC), on or before which the operation may not end',
  })
  submittedOn?: string;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'ITEM_EXCEEDS_DOCUMENT: what the item claims, in integer euro cents',
  })
  amountCents?: number;

  @ApiPropertyOptional({
    type: 'integer',
    description: "ITEM_EXCEEDS_DOCUMENT: the document's whole amount, in integer euro cents",
  })
  documentAmountCents?: number;

  @ApiPropertyOptional({
    description:
      'DOCUMENT_ALREADY_CLAIMED: the claim that holds the document (this one, when two of its items name it)',
  })
  claimId?: string;

  @ApiPropertyOptional({ description: "DOCUMENT_ALREADY_CLAIMED: that claim's grant" })
  grantId?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    description: 'DOCUMENT_ALREADY_CLAIMED: the item of that claim that holds it',
  })
  earlierItemIndex?: number;
}
