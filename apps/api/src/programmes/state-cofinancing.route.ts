import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsNotEmptyObject, ValidateNested } from 'class-validator';
import type { CommandContext } from '@app/commands';
import { FUNDS, type Fund } from '@app/funding';
import { Roles } from '../auth/roles.decorator.js';
import { Commands, WriteResult } from '../commands/commands.js';
import { ApiCommand } from '../http/api-docs.js';
import { CommandRequest } from '../http/command-request.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { Id } from '../http/response-fields.js';
import { CofinancingDto } from './establish-programme.route.js';

export class StateCofinancingDto {
  @ApiProperty({ enum: FUNDS, description: 'The fund share whose split is stated' })
  @IsIn(FUNDS)
  fund!: Fund;

  @ApiProperty({ type: CofinancingDto, description: 'EU / national / regional, summing to 10000 basis points' })
  @IsNotEmptyObject()
  @ValidateNested()
  @Type(() => CofinancingDto)
  cofinancing!: CofinancingDto;
}

export class StateCofinancingResponse extends WriteResult {
  @Id('The programme', { example: 'wecare' })
  programmeId!: string;

  @Id('The fund share', { example: 'FSE' })
  fund!: string;
}

@ApiTags('programmes')
@ApiBearerAuth()
@Controller()
export class StateCofinancingRoute {
  constructor(private readonly commands: Commands) {}

  @Post('programmes/:programmeId/cofinancing')
  @Roles('programme-manager')
  @ApiCommand({
    operationId: 'stateCofinancing',
    summary: 'State the co-financing split of a fund share established without one',
    description:
      "For a programme established before splits were recorded, or whose split was not known then: nothing of a fund can be declared to the Commission until its split is stated. Once stated it is fixed (409 COFINANCING_ALREADY_STATED). Its EU share must equal the fund's EU co-financing rate when that was given.",
    status: 201,
    type: StateCofinancingResponse,
    body: {
      type: StateCofinancingDto,
      summary: 'WECARE FSE, POR 2014-2020: 50% EU, 35% State, 15% region',
      example: { fund: 'FSE', cofinancing: { euBp: 5000, nationalBp: 3500, regionalBp: 1500 } },
    },
    example: { programmeId: 'wecare', fund: 'FSE', revision: 6, position: '12' },
    problems: {
      404: 'PROGRAMME_NOT_FOUND.',
      409: 'COFINANCING_ALREADY_STATED: the fund share has its split.',
      422: "FUND_NOT_IN_PROGRAMME, INVALID_INPUT (shares not summing to 10000, or an EU share other than the fund's EU co-financing rate).",
    },
  })
  state(
    @CommandRequest() context: CommandContext,
    @Param('programmeId', EntityIdPipe) programmeId: string,
    @Body() body: StateCofinancingDto,
  ) {
    const { euBp, nationalBp, regionalBp } = body.cofinancing;
    return this.commands.run(
      context,
      { type: 'StateCofinancing', programmeId, fund: body.fund, cofinancing: { euBp, nationalBp, regionalBp } },
      { programmeId, fund: body.fund },
    );
  }
}
