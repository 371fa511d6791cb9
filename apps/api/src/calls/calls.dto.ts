import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn } from 'class-validator';
import { APPLICANT_TYPES, type ApplicantType } from '@app/funding';
import { IsCents, IsEntityId, IsInstant, IsText } from '../http/field-rules.js';

export class OpenCallDto {
  @IsEntityId('Chosen by the client, or generated')
  callId?: string;

  @IsEntityId('The programme of the measure', false)
  programmeId!: string;

  @IsEntityId('The measure whose allocation the budget is reserved from', false)
  measureId!: string;

  @IsText('Title of the call ("bando")')
  title!: string;

  @IsCents('Budget reserved from the measure, in euro cents')
  budgetCents!: number;

  @IsInstant('Bids are accepted from this instant…')
  opensAt!: string;

  @IsInstant('…until this one (exclusive)')
  closesAt!: string;

  @ApiProperty({ enum: APPLICANT_TYPES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(APPLICANT_TYPES.length)
  @ArrayUnique()
  @IsIn(APPLICANT_TYPES, { each: true })
  eligibleApplicantTypes!: ApplicantType[];

  @IsCents('Largest amount one bid may request; absent: the whole budget', true)
  maxGrantCents?: number;
}

export class CancelCallDto {
  @IsText('Why the call is cancelled', 500, true)
  reason?: string;
}
