import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ERROR_CODES, type ErrorCode } from './error-codes.js';

export class FieldProblem {
  @ApiProperty({ description: 'The field, as a path into the body or the query (e.g. `operation.plannedEndDate`); `…` counts the fields not listed', example: 'amountCents' })
  field!: string;

  @ApiProperty({ type: [String], example: ['amountCents must be an integer number of cents'] })
  problems!: string[];
}

/**
 * Every error response: `{ statusCode, code, message }`, with the fields a refusal hands back
 * beside its code (e.g. `payableCents` with PAYMENT_EXCEEDS_VERIFIED).
 */
export class Problem {
  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, description: 'The HTTP status, repeated', example: 422 })
  statusCode!: number;

  @ApiProperty({ enum: ERROR_CODES, enumName: 'ErrorCode', description: 'What went wrong, stable for machines: branch on it, never on the message', example: 'PAYMENT_EXCEEDS_VERIFIED' })
  code!: ErrorCode;

  @ApiProperty({ description: 'What went wrong, for people', example: 'Grant officine-nido-grant can pay 800000 cents more on the expenditure verified so far, disbursement asks for 900000' })
  message!: string;

  @ApiPropertyOptional({ type: [FieldProblem], description: 'VALIDATION_FAILED: each invalid field with its problems (at most 20 listed)' })
  errors?: FieldProblem[];

  @ApiPropertyOptional({ type: 'integer', description: 'PAYMENT_EXCEEDS_VERIFIED: what the grant or the claim can still pay, in integer euro cents', example: 800_000 })
  payableCents?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'DE_MINIMIS_CEILING_EXCEEDED: the de minimis aid the single undertaking can still receive, in integer euro cents' })
  headroomCents?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'RECOVERY_EXCEEDS_DUE: what is due and not yet ordered, in integer euro cents' })
  orderableCents?: number;

  @ApiPropertyOptional({ description: 'ARRIVAL_ORDER: the bid that arrived earlier and is still waiting' })
  waitingBidId?: string;

  @ApiPropertyOptional({ type: 'string', format: 'date-time', nullable: true, description: 'RETENTION_PERIOD_ACTIVE: until when the records must be kept; null while a procedure is open' })
  retainUntil?: string | null;

  @ApiPropertyOptional({ type: 'string', format: 'date-time', description: 'DATA_SUBJECT_ALREADY_ERASED: when the subject was erased' })
  erasedAt?: string;
}
