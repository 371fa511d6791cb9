import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, ValidateNested } from 'class-validator';
import { FUNDS, type Fund } from '@app/funding';
import { IsCents, IsEntityId, IsText } from '../http/field-rules.js';

export class FundShareDto {
  @ApiProperty({ enum: FUNDS, description: 'FSE: European Social Fund; FESR: European Regional Development Fund' })
  @IsIn(FUNDS)
  fund!: Fund;

  @IsCents('The share of the programme this fund pays, in euro cents')
  amountCents!: number;
}

export class EstablishProgrammeDto {
  @IsEntityId('Chosen by the client, or generated')
  programmeId?: string;

  @IsText('Short code, e.g. WECARE', 50)
  code!: string;

  @IsText('Title of the programme')
  title!: string;

  @ApiProperty({ type: [FundShareDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(FUNDS.length)
  @ValidateNested({ each: true })
  @Type(() => FundShareDto)
  funds!: FundShareDto[];
}

export class DefineMeasureDto {
  @IsEntityId('Chosen by the client, or generated')
  measureId?: string;

  @IsText('Short code, e.g. M1', 50)
  code!: string;

  @IsText('Title of the measure')
  title!: string;

  @ApiProperty({ enum: FUNDS })
  @IsIn(FUNDS)
  fund!: Fund;

  @IsCents('What the measure may spend from its fund, in euro cents')
  allocationCents!: number;
}
