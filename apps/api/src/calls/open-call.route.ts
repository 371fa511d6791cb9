import { randomUUID } from 'node:crypto';
import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import type { CommandContext } from '@app/commands';
import { AID_REGIMES, APPLICANT_TYPES, SELECTIONS, type AidRegime, type ApplicantType, type Selection } from '@app/funding';
import { Roles } from '../auth/roles.decorator.js';
import { Commands } from '../commands/commands.js';
import { CommandHeaders, CommandRequest } from '../http/command-request.js';
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

  @ApiPropertyOptional({ enum: AID_REGIMES, default: 'none', description: 'State-aid regime: none (e.g. public bodies), de-minimis (Reg. 2023/2831), gber (Reg. 651/2014)' })
  @IsOptional()
  @IsIn(AID_REGIMES)
  aidRegime?: AidRegime;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 10_000, default: 0, description: "Share of a grant's award payable as an advance before any verified expenditure, in basis points (4000 = 40%)" })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  advanceShareBp?: number;

  @ApiPropertyOptional({ enum: SELECTIONS, default: 'ranking', description: 'ranking: bids funded by score ("graduatoria"); first-come: by order of arrival until the money runs out ("a sportello")' })
  @IsOptional()
  @IsIn(SELECTIONS)
  selection?: Selection;
}

@ApiTags('calls')
@ApiBearerAuth()
@Controller()
export class OpenCallRoute {
  constructor(private readonly commands: Commands) {}

  @Post('calls')
  @Roles('programme-manager')
  @CommandHeaders()
  open(@CommandRequest() context: CommandContext, @Body() body: OpenCallDto) {
    const callId = body.callId ?? randomUUID();
    const { programmeId, measureId, title, budgetCents, opensAt, closesAt, eligibleApplicantTypes } = body;
    return this.commands.run(
      context,
      { type: 'OpenCall', callId, programmeId, measureId, title, budgetCents, opensAt, closesAt, eligibleApplicantTypes, maxGrantCents: body.maxGrantCents ?? null, aidRegime: body.aidRegime ?? 'none', advanceShareBp: body.advanceShareBp ?? 0, selection: body.selection ?? 'ranking' },
      { callId },
    );
  }
}
