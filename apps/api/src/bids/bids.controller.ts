import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../auth/roles.decorator.js';
import type { CommandContext } from '../commands/command-context.js';
import { CommandRequest, answerWrite } from '../http/command-request.js';
import { EntityIdPipe, NoBodyDto } from '../http/entity-id.pipe.js';
import { EvaluateBidDto } from './bids.dto.js';
import { EvaluateBidCommand } from './evaluate-bid.handler.js';
import { WithdrawBidCommand } from './withdraw-bid.handler.js';

@ApiTags('bids')
@ApiBearerAuth()
@Controller('bids')
export class BidsController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':bidId/withdraw')
  @HttpCode(200)
  @Roles('applicant-service')
  async withdraw(
    @CommandRequest() context: CommandContext,
    @Param('bidId', EntityIdPipe) bidId: string,
    @Body() _body: NoBodyDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    return answerWrite(res, await this.commands.execute(new WithdrawBidCommand(context, { bidId })), { bidId });
  }

  @Post(':bidId/evaluation')
  @HttpCode(200)
  @Roles('evaluator')
  async evaluate(
    @CommandRequest() context: CommandContext,
    @Param('bidId', EntityIdPipe) bidId: string,
    @Body() body: EvaluateBidDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const outcome = await this.commands.execute(new EvaluateBidCommand(context, { bidId, admissible: body.admissible, score: body.score ?? null }));
    return answerWrite(res, outcome, { bidId });
  }
}
