import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNotEmptyObject, ValidateNested } from 'class-validator';
import type { AdministrativeAct } from '@app/funding';
import { IsText, MatchesDay } from '../http/field-rules.js';
import { Day, Nested, Text } from '../http/response-fields.js';

/**
 * An administrative act in a request: every decision on public money cites the act that takes it
 * (number, date, signatory). Its date may not be after the day of the request (422 ACT_DATE_IN_FUTURE).
 */
export class ActDto {
  @IsText('The act\'s number, as the administration writes it, e.g. "D.D. 998/2017"', 64)
  number!: string;

  @ApiProperty({
    type: 'string',
    format: 'date',
    example: '2017-11-02',
    description: 'The day the act was adopted (YYYY-MM-DD), not after today in Italy',
  })
  @MatchesDay()
  date!: string;

  @IsText('Who signed it', 200)
  signatory!: string;
}

/** The required `act` field of a command's body. */
export const IsAct = (description: string) =>
  applyDecorators(
    ApiProperty({ type: ActDto, description }),
    IsNotEmptyObject(),
    ValidateNested(),
    Type(() => ActDto),
  );

export function actOf(dto: ActDto): AdministrativeAct {
  return { number: dto.number, date: dto.date, signatory: dto.signatory };
}

/** An administrative act in a response. */
export class Act {
  @Text('Its number, e.g. "D.D. 998/2017"', { example: 'D.D. 998/2017' }) number!: string;
  @Day('The day it was adopted', { example: '2017-11-02' }) date!: string;
  @Text('Who signed it', { example: 'Il Dirigente del Settore Politiche per le famiglie' }) signatory!: string;
}

/** A response field holding an act, or null where the record was made before acts were recorded. */
export const ActField = (description: string, nullable = true) =>
  Nested(Act, description, nullable ? { nullable: true } : {});

/** An example act, for the OpenAPI examples. */
export const EXAMPLE_ACT: AdministrativeAct = {
  number: 'D.D. 412/2026',
  date: '2026-04-20',
  signatory: 'Il Dirigente del Settore Politiche per le famiglie',
};
