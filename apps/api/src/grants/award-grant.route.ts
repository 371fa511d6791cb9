import { BadRequestException, Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsNotEmptyObject, IsOptional, Matches, Min, ValidateNested } from 'class-validator';
import type { CommandContext } from '@app/commands';
import { locationOfMunicipality } from '@app/config';
import { CUP_FORMAT } from '@app/funding';
import { ActDto, EXAMPLE_ACT, IsAct, actOf } from '../acts/act.dto.js';
import { Roles } from '../auth/roles.decorator.js';
import { Commands, WriteResult } from '../commands/commands.js';
import { ApiCommand } from '../http/api-docs.js';
import { CommandRequest, generatedId } from '../http/command-request.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { IsCents, IsEntityId, IsText, MatchesDay } from '../http/field-rules.js';
import { Id } from '../http/response-fields.js';

export class OperationDto {
  @IsText('What the operation is for, in a sentence', 1000, true)
  purpose?: string;

  @ApiProperty({ format: 'date', example: '2026-03-01' })
  @MatchesDay()
  plannedStartDate!: string;

  @ApiProperty({ format: 'date', example: '2027-02-28' })
  @MatchesDay()
  plannedEndDate!: string;

  @ApiProperty({
    pattern: '^\\d{6}$',
    example: '001272',
    description: 'ISTAT code of the municipality where the operation takes place (its NUTS areas are derived from it)',
  })
  @Matches(/^\d{6}$/, { message: '$property must be a six-digit ISTAT municipality code' })
  istatMunicipalityCode!: string;

  @IsCents("The operation's total eligible cost, in integer euro cents: at least the award")
  totalEligibleCostCents!: number;

  @IsText("Type of intervention, from the programme's code list when it has one", 64, true)
  interventionType?: string;

  @IsText("Specific objective, from the programme's code list when it has one", 64, true)
  specificObjective?: string;
}

export class DeMinimisVisuraDto {
  @IsText('Reference of the RNA de minimis visura', 64)
  reference!: string;

  @ApiProperty({ format: 'date' })
  @MatchesDay()
  date!: string;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'De minimis aid the visura lists for the single undertaking, in integer euro cents',
  })
  @IsInt()
  @Min(0)
  receivedCents!: number;
}

export class RnaDto {
  @IsText('COR: the code the Registro Nazionale Aiuti gave the aid', 32)
  cor!: string;

  @ApiPropertyOptional({ type: DeMinimisVisuraDto, description: 'Required under de minimis' })
  @IsOptional()
  @ValidateNested()
  @Type(() => DeMinimisVisuraDto)
  deMinimisVisura?: DeMinimisVisuraDto;
}

export class AwardGrantDto {
  @IsEntityId('Chosen by the client, or generated')
  grantId?: string;

  @IsEntityId('The admissible bid to award', false)
  bidId!: string;

  @IsCents(
    'Amount awarded, in integer euro cents: at most what the bid requested, what the call has left and the total eligible cost',
  )
  amountCents!: number;

  @ApiProperty({
    pattern: CUP_FORMAT.source,
    example: 'J11B17000270009',
    description: 'Codice Unico di Progetto: required, and used by no other grant',
  })
  @Matches(CUP_FORMAT, { message: '$property must be a CUP: a letter, two digits, a letter, eleven digits' })
  cup!: string;

  @ApiProperty({ type: OperationDto })
  @IsNotEmptyObject()
  @ValidateNested()
  @Type(() => OperationDto)
  operation!: OperationDto;

  @ApiPropertyOptional({ type: RnaDto, description: "Required under the call's aid regime (de minimis or GBER)" })
  @IsOptional()
  @ValidateNested()
  @Type(() => RnaDto)
  rna?: RnaDto;

  @IsAct(
    'The award act ("determinazione di concessione"): its date is the day the aid is granted (de minimis windows, RNA, the public list of operations)',
  )
  act!: ActDto;
}

export class AwardGrantResponse extends WriteResult {
  @Id('The grant: the one given, or a generated UUID', { example: 'officine-nido-grant' })
  grantId!: string;

  @Id('The call', { example: 'm4-welfare-aziendale' })
  callId!: string;

  @Id('The bid awarded', { example: 'officine-nido' })
  bidId!: string;
}

/** Awarding is a grants use case, reached under its call: `POST /calls/:callId/awards`. */
@ApiTags('grants')
@ApiBearerAuth()
@Controller()
export class AwardGrantRoute {
  constructor(private readonly commands: Commands) {}

  @Post('calls/:callId/awards')
  @Roles('programme-manager')
  @ApiCommand({
    operationId: 'awardGrant',
    summary: 'Award a grant on an admissible bid, by its act',
    description:
      "Commits the amount (integer euro cents) from the call's budget, with the operation's CUP and data, the award act and, under an aid regime, the RNA's codes. A ranking call awards by its approved ranking: to the highest-ranked bid still waiting (neither awarded nor passed over); a first-come call, in order of arrival. The act's date is the grant date: de minimis is checked under the regulation in force on it (Reg. 1407/2013 until 2023-12-31: EUR 200,000 over the fiscal year and the two before; Reg. 2023/2831 from 2024-01-01: EUR 300,000 over any three years) and the programme's own ceiling; a GBER call caps the award at its maximum aid intensity of the operation's eligible cost. The call, the bid, the grant, the CUP and the de minimis record of every member of the single undertaking are written in one atomic append.",
    status: 201,
    type: AwardGrantResponse,
    body: {
      type: AwardGrantDto,
      summary: 'EUR 120k on a EUR 150k operation, de minimis aid with its COR and visura',
      example: {
        grantId: 'officine-nido-grant',
        bidId: 'officine-nido',
        amountCents: 12_000_000,
        cup: 'J19E17000450009',
        operation: {
          purpose: 'Un nido aziendale condiviso per i dipendenti',
          plannedStartDate: '2026-03-01',
          plannedEndDate: '2027-02-28',
          istatMunicipalityCode: '001272',
          totalEligibleCostCents: 15_000_000,
        },
        rna: {
          cor: '1234567',
          deMinimisVisura: { reference: 'VIS-2026-001', date: '2026-02-20', receivedCents: 10_000_000 },
        },
        act: EXAMPLE_ACT,
      },
    },
    example: {
      grantId: 'officine-nido-grant',
      callId: 'm4-welfare-aziendale',
      bidId: 'officine-nido',
      revision: 0,
      position: '16',
    },
    problems: {
      404: 'CALL_NOT_FOUND, BID_NOT_FOUND.',
      409: 'GRANT_ALREADY_EXISTS (the grant id is taken), CUP_ALREADY_USED (another grant has this CUP).',
      422: {
        description:
          "BUDGET_EXCEEDED, AWARD_EXCEEDS_REQUEST, AWARD_EXCEEDS_ELIGIBLE_COST, BID_NOT_EVALUATED, BID_NOT_ADMISSIBLE, BID_ALREADY_AWARDED, BID_WITHDRAWN, BID_NOT_IN_CALL, BID_AFTER_CLOSE, ARRIVAL_ORDER (with `waitingBidId`: a first-come call funds bids in order of arrival), RANKING_NOT_APPROVED (a ranking call awards only once its ranking is approved), RANKING_ORDER (with `waitingBidId`: the highest-ranked bid still waiting, to award or pass over first), BID_NOT_RANKED, BID_PASSED_OVER (passed over for good, or for insufficient funds and no money came back since), AID_INTENSITY_EXCEEDED (with `maxIntensityBp` and `maxAwardCents`: above the GBER article's intensity), ACT_DATE_IN_FUTURE (the act is dated after today), CALL_CANCELLED, COMMITMENT_LIMIT_REACHED, OPERATION_DATA_REQUIRED, UNKNOWN_INTERVENTION_TYPE, UNKNOWN_SPECIFIC_OBJECTIVE, RNA_COR_REQUIRED, DE_MINIMIS_VISURA_REQUIRED, DE_MINIMIS_CEILING_EXCEEDED (with `headroomCents`, `regulation`, `ceilingCents` and `windowStart`), INVALID_AMOUNT, INVALID_INPUT.",
        example: {
          code: 'RANKING_ORDER',
          message:
            'Call m4-welfare-aziendale awards by its ranking: bid officine-nido is ranked higher and still waiting (award it, or pass it over by an act)',
          waitingBidId: 'officine-nido',
        },
      },
    },
  })
  award(
    @CommandRequest() context: CommandContext,
    @Param('callId', EntityIdPipe) callId: string,
    @Body() body: AwardGrantDto,
  ) {
    const grantId = body.grantId ?? generatedId(context, 'grant');
    const { operation, rna } = body;
    const location = locationOfMunicipality(operation.istatMunicipalityCode);
    if (!location) {
      throw new BadRequestException({
        code: 'VALIDATION_FAILED',
        message: 'operation.istatMunicipalityCode is not a municipality of a region this ledger funds',
        errors: [{ field: 'operation.istatMunicipalityCode', problems: ['unknown province'] }],
      });
    }
    return this.commands.run(
      context,
      {
        type: 'AwardGrant',
        grantId,
        callId,
        bidId: body.bidId,
        amountCents: body.amountCents,
        cup: body.cup,
        operation: {
          purpose: operation.purpose ?? null,
          plannedStartDate: operation.plannedStartDate,
          plannedEndDate: operation.plannedEndDate,
          istatMunicipalityCode: operation.istatMunicipalityCode,
          ...location,
          totalEligibleCostCents: operation.totalEligibleCostCents,
          interventionType: operation.interventionType ?? null,
          specificObjective: operation.specificObjective ?? null,
        },
        rna: rna ? { cor: rna.cor, deMinimisVisura: rna.deMinimisVisura ? { ...rna.deMinimisVisura } : null } : null,
        act: actOf(body.act),
      },
      { grantId, callId, bidId: body.bidId },
    );
  }
}
