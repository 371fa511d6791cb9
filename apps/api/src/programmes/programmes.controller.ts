import { randomUUID } from 'node:crypto';
import { Body, Controller, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../auth/roles.decorator.js';
import type { CommandContext } from '../commands/command-context.js';
import { CommandRequest, answerWrite } from '../http/command-request.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { DefineMeasureCommand } from './define-measure.handler.js';
import { EstablishProgrammeCommand } from './establish-programme.handler.js';
import { DefineMeasureDto, EstablishProgrammeDto } from './programmes.dto.js';

@ApiTags('programmes')
@ApiBearerAuth()
@Controller('programmes')
export class ProgrammesController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Roles('programme-manager')
  async establish(@CommandRequest() context: CommandContext, @Body() body: EstablishProgrammeDto, @Res({ passthrough: true }) res: Response) {
    const programmeId = body.programmeId ?? randomUUID();
    const outcome = await this.commands.execute(
      new EstablishProgrammeCommand(context, { programmeId, code: body.code, title: body.title, funds: body.funds.map(({ fund, amountCents }) => ({ fund, amountCents })) }),
    );
    return answerWrite(res, outcome, { programmeId });
  }

  @Post(':programmeId/measures')
  @Roles('programme-manager')
  async defineMeasure(
    @CommandRequest() context: CommandContext,
    @Param('programmeId', EntityIdPipe) programmeId: string,
    @Body() body: DefineMeasureDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const measureId = body.measureId ?? randomUUID();
    const outcome = await this.commands.execute(
      new DefineMeasureCommand(context, { programmeId, measureId, code: body.code, title: body.title, fund: body.fund, allocationCents: body.allocationCents }),
    );
    return answerWrite(res, outcome, { programmeId, measureId });
  }
}
