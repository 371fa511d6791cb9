import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import type { CommandContext } from '@app/commands';
import { CORRECTION_TREATMENTS, type CorrectionTreatment } from '@app/funding';
import { ActDto, EXAMPLE_ACT, IsAct, actOf } from '../acts/act.dto.js';
import { Roles } from '../auth/roles.decorator.js';
import { Commands, WriteResult } from '../commands/commands.js';
import { ApiCommand } from '../http/api-docs.js';
import { CommandRequest, generatedId } from '../http/command-request.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { IsCents, IsEntityId, IsText } from '../http/field-rules.js';
import { Id } from '../http/response-fields.js';

export class MakeFinancialCorrectionDto {
  @IsEntityId('Chosen by the client, or generated')
  correctionId?: string;

  @IsEntityId('The grant corrected (give this or measureId)')
  grantId?: string;

  @IsEntityId('The measure whose every declared grant is corrected (give this or grantId)')
  measureId?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 10_000,
    example: 1000,
    description:
      'A flat rate of what each grant has declared and not yet deducted or corrected, in basis points (give this or amountCents)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  rateBp?: number;

  @IsCents(
    'An amount of public contribution, in integer euro cents (give this or rateBp); on a measure, shared in proportion to what each grant has declared',
    true,
  )
  amountCents?: number;

  @ApiPropertyOptional({
    enum: CORRECTION_TREATMENTS,
    default: 'withdrawal',
    description:
      'withdrawal: deducted by the next payment application; recovery: deducted as the beneficiary pays it back (its recovery receipts)',
  })
  @IsOptional()
  @IsIn(CORRECTION_TREATMENTS)
  treatment?: CorrectionTreatment;

  @IsText('Why: the breach found (e.g. a procurement rule, art. 143 of Reg. (EU) 1303/2013)', 1_000)
  reason!: string;

  @IsAct('The act deciding the correction')
  act!: ActDto;
}

export class MakeFinancialCorrectionResponse extends WriteResult {
  @Id('The programme', { example: 'wecare' })
  programmeId!: string;

  @Id('The correction: the one given, or a generated UUID', { example: 'fc-2026-01' })
  correctionId!: string;
}

@ApiTags('accounting')
@ApiBearerAuth()
@Controller()
export class MakeFinancialCorrectionRoute {
  constructor(private readonly commands: Commands) {}

  @Post('programmes/:programmeId/financial-corrections')
  @Roles('accounting-officer', 'programme-manager')
  @ApiCommand({
    operationId: 'makeFinancialCorrection',
    summary: 'Cancel public contribution declared to the Commission: a financial correction on a grant or a measure',
    description:
      "By a flat rate or an amount, never more than what is declared of each grant and not already deducted or corrected (checked on the fund's account at the revision the decision read: two corrections at once cannot take the same euro). Withdrawn: deducted by the next payment application. To be recovered: deducted as the beneficiary pays back.",
    status: 201,
    type: MakeFinancialCorrectionResponse,
    body: {
      type: MakeFinancialCorrectionDto,
      summary: 'A 10% flat-rate correction for a procurement breach',
      example: {
        correctionId: 'fc-2026-01',
        grantId: 'officine-nido-grant',
        rateBp: 1000,
        reason: 'Procurement breach: direct award above the threshold',
        act: EXAMPLE_ACT,
      },
    },
    example: { programmeId: 'wecare', correctionId: 'fc-2026-01', revision: 2, position: '47' },
    problems: {
      404: 'PROGRAMME_NOT_FOUND, GRANT_NOT_FOUND, MEASURE_NOT_FOUND.',
      409: 'CORRECTION_ALREADY_MADE: the correction id is taken.',
      422: {
        description:
          'CORRECTION_EXCEEDS_DECLARED (with `correctableCents`), COFINANCING_NOT_STATED, ACT_DATE_IN_FUTURE, INVALID_AMOUNT, INVALID_INPUT (neither or both of grantId and measureId, of rateBp and amountCents).',
        example: {
          code: 'CORRECTION_EXCEEDS_DECLARED',
          message: '6000001 cents is more than what is declared and not yet deducted or corrected: 6000000',
          correctableCents: 6_000_000,
        },
      },
    },
  })
  correct(
    @CommandRequest() context: CommandContext,
    @Param('programmeId', EntityIdPipe) programmeId: string,
    @Body() body: MakeFinancialCorrectionDto,
  ) {
    const correctionId = body.correctionId ?? generatedId(context, 'financial-correction');
    return this.commands.run(
      context,
      {
        type: 'MakeFinancialCorrection',
        correctionId,
        programmeId,
        grantId: body.grantId ?? null,
        measureId: body.measureId ?? null,
        rateBp: body.rateBp ?? null,
        amountCents: body.amountCents ?? null,
        treatment: body.treatment ?? 'withdrawal',
        reason: body.reason,
        act: actOf(body.act),
        madeBy: context.actor,
      },
      { programmeId, correctionId },
    );
  }
}
