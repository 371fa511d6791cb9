import { randomUUID } from 'node:crypto';
import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../auth/roles.decorator.js';
import { SubmitBidDto } from '../bids/bids.dto.js';
import { SubmitBidCommand } from '../bids/submit-bid.handler.js';
import type { CommandContext } from '../commands/command-context.js';
import { AwardGrantCommand } from '../grants/award-grant.handler.js';
import { AwardGrantDto } from '../grants/grants.dto.js';
import { CommandRequest, answerWrite } from '../http/command-request.js';
import { EntityIdPipe, NoBodyDto } from '../http/entity-id.pipe.js';
import { CancelCallCommand } from './cancel-call.handler.js';
import { CloseCallCommand } from './close-call.handler.js';
import { CancelCallDto, OpenCallDto } from './calls.dto.js';
import { OpenCallCommand } from './open-call.handler.js';

@ApiTags('calls')
@ApiBearerAuth()
@Controller('calls')
export class CallsController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Roles('programme-manager')
  async open(@CommandRequest() context: CommandContext, @Body() body: OpenCallDto, @Res({ passthrough: true }) res: Response) {
    const callId = body.callId ?? randomUUID();
    const outcome = await this.commands.execute(
      new OpenCallCommand(context, {
        callId,
        programmeId: body.programmeId,
        measureId: body.measureId,
        title: body.title,
        budgetCents: body.budgetCents,
        opensAt: body.opensAt,
        closesAt: body.closesAt,
        eligibleApplicantTypes: body.eligibleApplicantTypes,
        maxGrantCents: body.maxGrantCents ?? null,
      }),
    );
    return answerWrite(res, outcome, { callId });
  }

  @Post(':callId/close')
  @HttpCode(200)
  @Roles('programme-manager')
  async close(
    @CommandRequest() context: CommandContext,
    @Param('callId', EntityIdPipe) callId: string,
    @Body() _body: NoBodyDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    return answerWrite(res, await this.commands.execute(new CloseCallCommand(context, { callId })), { callId });
  }

  @Post(':callId/cancel')
  @HttpCode(200)
  @Roles('programme-manager')
  async cancel(
    @CommandRequest() context: CommandContext,
    @Param('callId', EntityIdPipe) callId: string,
    @Body() body: CancelCallDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    return answerWrite(res, await this.commands.execute(new CancelCallCommand(context, { callId, reason: body.reason ?? null })), { callId });
  }

  @Post(':callId/bids')
  @Roles('applicant-service')
  async submitBid(
    @CommandRequest() context: CommandContext,
    @Param('callId', EntityIdPipe) callId: string,
    @Body() body: SubmitBidDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const bidId = body.bidId ?? randomUUID();
    const { type, taxCode, name } = body.applicant;
    const outcome = await this.commands.execute(
      new SubmitBidCommand(context, { bidId, callId, applicant: { type, taxCode, name }, projectTitle: body.projectTitle, requestedCents: body.requestedCents }),
    );
    return answerWrite(res, outcome, { bidId, callId });
  }

  @Post(':callId/awards')
  @Roles('programme-manager')
  async award(
    @CommandRequest() context: CommandContext,
    @Param('callId', EntityIdPipe) callId: string,
    @Body() body: AwardGrantDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const grantId = body.grantId ?? randomUUID();
    const outcome = await this.commands.execute(new AwardGrantCommand(context, { grantId, callId, bidId: body.bidId, amountCents: body.amountCents }));
    return answerWrite(res, outcome, { grantId, callId, bidId: body.bidId });
  }
}
