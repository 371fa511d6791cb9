import { randomUUID } from 'node:crypto';
import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, ValidateNested } from 'class-validator';
import type { CommandContext } from '@app/commands';
import { FUNDS, type Fund } from '@app/funding';
import { Roles } from '../auth/roles.decorator.js';
import { Commands } from '../commands/commands.js';
import { CommandHeaders, CommandRequest } from '../http/command-request.js';
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

@ApiTags('programmes')
@ApiBearerAuth()
@Controller()
export class EstablishProgrammeRoute {
  constructor(private readonly commands: Commands) {}

  @Post('programmes')
  @Roles('programme-manager')
  @CommandHeaders()
  establish(@CommandRequest() context: CommandContext, @Body() body: EstablishProgrammeDto) {
    const programmeId = body.programmeId ?? randomUUID();
    const funds = body.funds.map(({ fund, amountCents }) => ({ fund, amountCents }));
    return this.commands.run(context, { type: 'EstablishProgramme', programmeId, code: body.code, title: body.title, funds }, { programmeId });
  }
}
