import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNotEmptyObject, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { APPLICANT_TYPES, type ApplicantType } from '@app/funding';
import { IsCents, IsEntityId, IsText } from '../http/field-rules.js';

export class ApplicantDto {
  @ApiProperty({ enum: APPLICANT_TYPES })
  @IsIn(APPLICANT_TYPES)
  type!: ApplicantType;

  @IsText('Codice fiscale or partita IVA', 32)
  taxCode!: string;

  @IsText('Name of the applicant', 300)
  name!: string;
}

export class SubmitBidDto {
  @IsEntityId('Chosen by the client, or generated')
  bidId?: string;

  @ApiProperty({ type: ApplicantDto })
  @IsNotEmptyObject()
  @ValidateNested()
  @Type(() => ApplicantDto)
  applicant!: ApplicantDto;

  @IsText('Title of the project')
  projectTitle!: string;

  @IsCents('The amount requested, in euro cents')
  requestedCents!: number;
}

export class EvaluateBidDto {
  @ApiProperty()
  @IsBoolean()
  admissible!: boolean;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 100, description: 'Required for an admissible bid' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  score?: number;
}
