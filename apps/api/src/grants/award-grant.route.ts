import { randomUUID } from 'node:crypto';
import { BadRequestException, Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsNotEmptyObject, IsOptional, Matches, Min, ValidateNested } from 'class-validator';
import type { CommandContext } from '@app/commands';
import { locationOfMunicipality } from '@app/config';
import { Roles } from '../auth/roles.decorator.js';
import { Commands } from '../commands/commands.js';
import { CommandHeaders, CommandRequest } from '../http/command-request.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { IsCents, IsEntityId, IsText } from '../http/field-rules.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const dateMessage = { message: '$property must be a date YYYY-MM-DD' };

export class OperationDto {
  @IsText('What the operation is for, in a sentence', 1000, true)
  purpose?: string;

  @ApiProperty({ format: 'date', example: '2026-03-01' })
  @Matches(DATE, dateMessage)
  plannedStartDate!: string;

  @ApiProperty({ format: 'date', example: '2027-02-28' })
  @Matches(DATE, dateMessage)
  plannedEndDate!: string;

  @ApiProperty({ pattern: '^\\d{6}$', example: '001272', description: 'ISTAT code of the municipality where the operation takes place (its NUTS areas are derived from it)' })
  @Matches(/^\d{6}$/, { message: '$property must be a six-digit ISTAT municipality code' })
  istatMunicipalityCode!: string;

  @IsCents("The operation's total eligible cost, in euro cents: at least the award")
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
  @Matches(DATE, dateMessage)
  date!: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'De minimis aid the visura lists for the single undertaking, in euro cents' })
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

  @IsCents('Amount awarded, in euro cents: at most what the bid requested, what the call has left and the total eligible cost')
  amountCents!: number;

  @ApiProperty({ pattern: '^[A-Z][0-9]{2}[A-Z][0-9]{11}$', example: 'J11B17000270009', description: 'Codice Unico di Progetto: required, and used by no other grant' })
  @Matches(/^[A-Z][0-9]{2}[A-Z][0-9]{11}$/, { message: '$property must be a CUP: a letter, two digits, a letter, eleven digits' })
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
}

/** Awarding is a grants use case, reached under its call: `POST /calls/:callId/awards`. */
@ApiTags('grants')
@ApiBearerAuth()
@Controller()
export class AwardGrantRoute {
  constructor(private readonly commands: Commands) {}

  @Post('calls/:callId/awards')
  @Roles('programme-manager')
  @CommandHeaders()
  award(@CommandRequest() context: CommandContext, @Param('callId', EntityIdPipe) callId: string, @Body() body: AwardGrantDto) {
    const grantId = body.grantId ?? randomUUID();
    const { operation, rna } = body;
    const location = locationOfMunicipality(operation.istatMunicipalityCode);
    if (!location) {
      throw new BadRequestException({ code: 'VALIDATION_FAILED', message: 'operation.istatMunicipalityCode is not a municipality of a region this ledger funds', errors: [{ field: 'operation.istatMunicipalityCode', problems: ['unknown province'] }] });
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
      },
      { grantId, callId, bidId: body.bidId },
    );
  }
}
