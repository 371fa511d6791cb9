import { Body, Controller, Post, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import type { CommandContext } from '@app/commands';
import { ELIGIBILITY_BY_PERIOD, FUNDS, PROGRAMMING_PERIODS, type Fund, type ProgrammingPeriod } from '@app/funding';
import { Roles } from '../auth/roles.decorator.js';
import { Commands, WriteResult } from '../commands/commands.js';
import { ApiCommand } from '../http/api-docs.js';
import { CommandRequest, generatedId } from '../http/command-request.js';
import { IsCents, IsEntityId, IsText, MatchesDay } from '../http/field-rules.js';
import { Id } from '../http/response-fields.js';

/** An optional list of 1 to 500 codes of 1 to 64 characters each. */
const CodeList = (description: string) =>
  applyDecorators(
    ApiPropertyOptional({ type: [String], description }),
    IsOptional(),
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(500),
    IsString({ each: true }),
    Length(1, 64, { each: true }),
  );

const BasisPoints = (description: string, example: number) =>
  applyDecorators(
    ApiProperty({ type: 'integer', minimum: 0, maximum: 10_000, example, description }),
    IsInt(),
    Min(0),
    Max(10_000),
  );

export class CofinancingDto {
  @BasisPoints('The EU fund, in basis points of the public contribution', 5000)
  euBp!: number;

  @BasisPoints('The State (for Italy the rotation fund of law 183/1987), in basis points', 3500)
  nationalBp!: number;

  @BasisPoints('The region, in basis points; the three sum to 10000', 1500)
  regionalBp!: number;
}

export class FundShareDto {
  @ApiProperty({ enum: FUNDS, description: 'FSE: European Social Fund; FESR: European Regional Development Fund' })
  @IsIn(FUNDS)
  fund!: Fund;

  @IsCents('The share of the programme this fund pays, in integer euro cents')
  amountCents!: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 10_000,
    example: 5000,
    description: "The EU's share of this fund, in basis points (5000 = 50%)",
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  euCoFinancingRateBp?: number;

  @ApiPropertyOptional({
    type: CofinancingDto,
    description:
      'Who pays each euro of public contribution: EU / national / regional, summing to 10000 basis points (WECARE POR 2014-2020: 5000 / 3500 / 1500). Required before anything of the fund can be declared to the Commission; its euBp is the EU co-financing rate.',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => CofinancingDto)
  cofinancing?: CofinancingDto;
}

export class DeMinimisRuleDto {
  @IsCents('Ceiling per single undertaking, in integer euro cents (Reg. 2023/2831: 30000000)')
  ceilingCents!: number;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 10, example: 3 })
  @IsInt()
  @Min(1)
  @Max(10)
  windowYears!: number;
}

export class EligibilityPeriodDto {
  @ApiProperty({
    format: 'date',
    example: ELIGIBILITY_BY_PERIOD['2014-2020'].from,
    description: 'The first day expenditure may be paid (YYYY-MM-DD)',
  })
  @MatchesDay()
  from!: string;

  @ApiProperty({
    format: 'date',
    example: ELIGIBILITY_BY_PERIOD['2014-2020'].to,
    description: 'The last day, included',
  })
  @MatchesDay()
  to!: string;
}

export class RetentionRuleDto {
  @ApiProperty({
    enum: ['last-payment', 'award'],
    description:
      'Counted from 31 December of the year of the last payment (EU Reg. 2021/1060 art. 82) or of the award (de minimis: 10 fiscal years)',
  })
  @IsIn(['last-payment', 'award'])
  from!: 'last-payment' | 'award';

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 50 })
  @IsInt()
  @Min(1)
  @Max(50)
  years!: number;
}

export class ProgrammeRulesDto {
  @ApiPropertyOptional({ enum: PROGRAMMING_PERIODS, default: '2021-2027' })
  @IsOptional()
  @IsIn(PROGRAMMING_PERIODS)
  programmingPeriod?: ProgrammingPeriod;

  @ApiPropertyOptional({
    type: EligibilityPeriodDto,
    description:
      "When an operation may run and its expenditure be paid. Default: its programming period's, 2014-2020: 2014-01-01 to 2023-12-31 (Reg. 1303/2013 art. 65(2)); 2021-2027: 2021-01-01 to 2029-12-31 (Reg. 2021/1060 art. 63(2))",
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => EligibilityPeriodDto)
  eligibility?: EligibilityPeriodDto;

  @ApiPropertyOptional({ type: DeMinimisRuleDto, description: 'Default: EUR 300,000 over 3 rolling years' })
  @IsOptional()
  @ValidateNested()
  @Type(() => DeMinimisRuleDto)
  deMinimis?: DeMinimisRuleDto;

  @CodeList("The programme's intervention types; an award's must be one of them")
  interventionTypes?: string[];

  @CodeList("The programme's specific objectives; an award's must be one of them")
  specificObjectives?: string[];

  @ApiProperty({ type: RetentionRuleDto })
  @ValidateNested()
  @Type(() => RetentionRuleDto)
  retention!: RetentionRuleDto;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: 3650,
    description: 'Days an unsuccessful applicant may appeal: their data is kept meanwhile',
  })
  @IsInt()
  @Min(0)
  @Max(3650)
  appealWindowDays!: number;
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

  @ApiPropertyOptional({
    type: ProgrammeRulesDto,
    description: 'Absent: retention 5 years from the year of the last payment, 60 days to appeal',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ProgrammeRulesDto)
  rules?: ProgrammeRulesDto;
}

export class EstablishProgrammeResponse extends WriteResult {
  @Id('The programme: the one given, or a generated UUID', { example: 'wecare' })
  programmeId!: string;
}

@ApiTags('programmes')
@ApiBearerAuth()
@Controller()
export class EstablishProgrammeRoute {
  constructor(private readonly commands: Commands) {}

  @Post('programmes')
  @Roles('programme-manager')
  @ApiCommand({
    operationId: 'establishProgramme',
    summary: 'Establish a programme with its EU fund shares',
    description:
      'Amounts in integer euro cents. Absent rules: programming period 2021-2027, its eligibility period (2021-01-01 to 2029-12-31), retention 5 years from the year of the last payment, 60 days to appeal, de minimis EUR 300,000 over 3 years.',
    status: 201,
    type: EstablishProgrammeResponse,
    body: {
      type: EstablishProgrammeDto,
      summary: 'WECARE: EUR 20M, 15M FSE and 5M FESR',
      example: {
        programmeId: 'wecare',
        code: 'WECARE',
        title: 'WECARE - Welfare Cantiere Regionale: regional strategy for social innovation',
        funds: [
          {
            fund: 'FSE',
            amountCents: 1_500_000_000,
            cofinancing: { euBp: 5000, nationalBp: 3500, regionalBp: 1500 },
          },
          {
            fund: 'FESR',
            amountCents: 500_000_000,
            cofinancing: { euBp: 5000, nationalBp: 3500, regionalBp: 1500 },
          },
        ],
        rules: {
          programmingPeriod: '2014-2020',
          eligibility: { from: '2014-01-01', to: '2023-12-31' },
          retention: { from: 'last-payment', years: 5 },
          appealWindowDays: 60,
          deMinimis: { ceilingCents: 30_000_000, windowYears: 3 },
        },
      },
    },
    example: { programmeId: 'wecare', revision: 0, position: '1' },
    problems: {
      409: 'PROGRAMME_ALREADY_ESTABLISHED: the programme id is taken.',
      422: 'DUPLICATE_FUND (a fund named twice), INVALID_INPUT.',
    },
  })
  establish(@CommandRequest() context: CommandContext, @Body() body: EstablishProgrammeDto) {
    const programmeId = body.programmeId ?? generatedId(context, 'programme');
    const funds = body.funds.map(({ fund, amountCents, euCoFinancingRateBp, cofinancing }) => ({
      fund,
      amountCents,
      euCoFinancingRateBp: euCoFinancingRateBp ?? null,
      cofinancing: cofinancing
        ? { euBp: cofinancing.euBp, nationalBp: cofinancing.nationalBp, regionalBp: cofinancing.regionalBp }
        : null,
    }));
    const r = body.rules;
    const rules = r
      ? {
          ...(r.programmingPeriod ? { programmingPeriod: r.programmingPeriod } : {}),
          ...(r.eligibility ? { eligibility: { from: r.eligibility.from, to: r.eligibility.to } } : {}),
          retention: { from: r.retention.from, years: r.retention.years },
          appealWindowDays: r.appealWindowDays,
          ...(r.deMinimis
            ? { deMinimis: { ceilingCents: r.deMinimis.ceilingCents, windowYears: r.deMinimis.windowYears } }
            : {}),
          interventionTypes: r.interventionTypes ?? null,
          specificObjectives: r.specificObjectives ?? null,
        }
      : null;
    return this.commands.run(
      context,
      { type: 'EstablishProgramme', programmeId, code: body.code, title: body.title, funds, rules },
      { programmeId },
    );
  }
}
