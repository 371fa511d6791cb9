import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { DISBURSEMENT_KINDS, type DisbursementKind } from '@app/funding';
import { IsCents, IsEntityId, IsText } from '../http/field-rules.js';

export class AwardGrantDto {
  @IsEntityId('Chosen by the client, or generated')
  grantId?: string;

  @IsEntityId('The admissible bid to award', false)
  bidId!: string;

  @IsCents('Amount awarded, in euro cents: at most what the bid requested and what the call has left')
  amountCents!: number;
}

export class RecordDisbursementDto {
  @IsEntityId('Chosen by the client, or generated')
  disbursementId?: string;

  @ApiProperty({ enum: DISBURSEMENT_KINDS, description: 'advance ("anticipo"), interim ("SAL"), final ("saldo": completes the grant)' })
  @IsIn(DISBURSEMENT_KINDS)
  kind!: DisbursementKind;

  @IsCents('Amount paid, in euro cents')
  amountCents!: number;

  @IsText('Payment order or bank reference', 200, true)
  reference?: string;
}

export class RevokeGrantDto {
  @IsText('Why the grant is revoked')
  reason!: string;

  @IsCents('Amount by which the award is reduced; absent: the whole grant', true)
  amountCents?: number;
}
