import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import type { CommandContext } from '@app/commands';
import {
  AID_REGIMES,
  APPLICANT_TYPES,
  SELECTIONS,
  type AidRegime,
  type ApplicantType,
  type Selection,
} from '@app/funding';
import { Roles } from '../auth/roles.decorator.js';
import { Commands, WriteResult } from '../commands/commands.js';
import { ApiCommand } from '../http/api-docs.js';
import { CommandRequest, generatedId } from '../http/command-request.js';
import { IsCents, IsEntityId, IsInstant, IsText } from '../http/field-rules.js';
import { Id } from '../http/response-fields.js';

/** Under GBER: the article the call's aid falls under and that article's maximum aid intensity. */
export class GberDto {
  @IsText('The GBER article (Reg. (EU) 651/2014) the aid falls under, e.g. "art. 20"', 64)
  article!: string;

  @ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: 10_000,
    example: 5000,
    description:
      "The article's maximum aid intensity, in basis points of the operation's eligible cost (5000 = 50%): no award above it",
  })
  @IsInt()
  @Min(1)
  @Max(10_000)
  maxIntensityBp!: number;
}

export class OpenCallDto {
  @IsEntityId('Chosen by the client, or generated')
  callId?: string;

  @IsEntityId('The programme of the measure', false)
  programmeId!: string;

  @IsEntityId('The measure whose allocation the budget is reserved from', false)
  measureId!: string;

  @IsText('Title of the call ("bando")')
  title!: string;

  @IsCents('Budget reserved from the measure, in integer euro cents')
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

  @ApiPropertyOptional({
    enum: AID_REGIMES,
    default: 'none',
    description:
      'State-aid regime: none (e.g. public bodies), de-minimis (Reg. 1407/2013 or 2023/2831, by the grant date), gber (Reg. 651/2014)',
  })
  @IsOptional()
  @IsIn(AID_REGIMES)
  aidRegime?: AidRegime;

  @ApiPropertyOptional({
    type: GberDto,
    description: 'Required under GBER, refused otherwise: the article and its maximum aid intensity',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => GberDto)
  gber?: GberDto;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 10_000,
    default: 0,
    description:
      "Share of a grant's award payable as an advance before any verified expenditure, in basis points (4000 = 40%)",
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  advanceShareBp?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 10_000,
    default: 10_000,
    example: 8000,
    description:
      "The funding rate: the share of a grant's verified eligible expenditure it is paid, up to its award, in basis points (8000 = 80%)",
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  fundingRateBp?: number;

  @ApiPropertyOptional({
    enum: SELECTIONS,
    default: 'ranking',
    description:
      'ranking: bids funded by score ("graduatoria"); first-come: by order of arrival until the money runs out ("a sportello")',
  })
  @IsOptional()
  @IsIn(SELECTIONS)
  selection?: Selection;
}

export class OpenCallResponse extends WriteResult {
  @Id('The call: the one given, or a generated UUID', { example: 'm4-welfare-aziendale' })
  callId!: string;
}

@ApiTags('calls')
@ApiBearerAuth()
@Controller()
export class OpenCallRoute {
  constructor(private readonly commands: Commands) {}

  @Post('calls')
  @Roles('programme-manager')
  @ApiCommand({
    operationId: 'openCall',
    summary: "Open a call, reserving its budget from the measure's allocation",
    description:
      'Budget and caps in integer euro cents. `selection: first-come` funds admissible bids in order of arrival ("a sportello").',
    status: 201,
    type: OpenCallResponse,
    body: {
      type: OpenCallDto,
      summary: 'WECARE M4: EUR 2.5M reserved, bids up to EUR 200k, de minimis aid, 40% advance',
      example: {
        callId: 'm4-welfare-aziendale',
        programmeId: 'wecare',
        measureId: 'wecare-m4',
        title: 'Welfare aziendale: progettazione e attivazione',
        budgetCents: 250_000_000,
        opensAt: '2026-01-01T00:00:00Z',
        closesAt: '2027-12-31T23:59:59Z',
        eligibleApplicantTypes: ['company', 'third-sector'],
        maxGrantCents: 20_000_000,
        aidRegime: 'de-minimis',
        advanceShareBp: 4000,
        fundingRateBp: 8000,
      },
    },
    example: { callId: 'm4-welfare-aziendale', revision: 0, position: '8' },
    problems: {
      404: 'PROGRAMME_NOT_FOUND, MEASURE_NOT_FOUND.',
      409: 'CALL_ALREADY_EXISTS: the call id is taken.',
      422: {
        description:
          'MEASURE_ALLOCATION_EXCEEDED (the measure has less left to reserve), INVALID_CALL_WINDOW, NO_ELIGIBLE_APPLICANT_TYPES, MAX_GRANT_EXCEEDS_BUDGET, INVALID_INPUT (also: a GBER call without `gber`, or `gber` on another regime).',
        example: {
          code: 'MEASURE_ALLOCATION_EXCEEDED',
          message: 'Measure wecare-m5 has 0 cents left to reserve, the call asks for 1',
        },
      },
    },
  })
  open(@CommandRequest() context: CommandContext, @Body() body: OpenCallDto) {
    const callId = body.callId ?? generatedId(context, 'call');
    const { programmeId, measureId, title, budgetCents, opensAt, closesAt, eligibleApplicantTypes } = body;
    return this.commands.run(
      context,
      {
        type: 'OpenCall',
        callId,
        programmeId,
        measureId,
        title,
        budgetCents,
        opensAt,
        closesAt,
        eligibleApplicantTypes,
        maxGrantCents: body.maxGrantCents ?? null,
        aidRegime: body.aidRegime ?? 'none',
        advanceShareBp: body.advanceShareBp ?? 0,
        fundingRateBp: body.fundingRateBp ?? 10_000,
        selection: body.selection ?? 'ranking',
        gber: body.gber ? { article: body.gber.article, maxIntensityBp: body.gber.maxIntensityBp } : null,
      },
      { callId },
    );
  }
}
