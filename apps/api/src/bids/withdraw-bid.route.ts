import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '@app/commands';
import { Roles } from '../auth/roles.decorator.js';
import { Commands, WriteResult } from '../commands/commands.js';
import { ApiCommand } from '../http/api-docs.js';
import { CommandRequest } from '../http/command-request.js';
import { EntityIdPipe, NoBodyDto } from '../http/entity-id.pipe.js';
import { Id } from '../http/response-fields.js';

export class WithdrawBidResponse extends WriteResult {
  @Id('The bid', { example: 'officine-nido' })
  bidId!: string;
}

@ApiTags('bids')
@ApiBearerAuth()
@Controller()
export class WithdrawBidRoute {
  constructor(private readonly commands: Commands) {}

  @Post('bids/:bidId/withdraw')
  @HttpCode(200)
  @Roles('applicant-service')
  @ApiCommand({
    operationId: 'withdrawBid',
    summary: 'Withdraw a bid the portal submitted',
    description:
      'Only the applicant portal that submitted the bid may withdraw it: to any other it does not exist (404).',
    status: 200,
    type: WithdrawBidResponse,
    problems: { 404: 'BID_NOT_FOUND.', 422: 'BID_WITHDRAWN, BID_ALREADY_AWARDED.' },
  })
  @ApiBody({ type: NoBodyDto, required: false, description: 'No body, or an empty object' })
  withdraw(
    @CommandRequest() context: CommandContext,
    @Param('bidId', EntityIdPipe) bidId: string,
    @Body() _body: NoBodyDto,
  ) {
    return this.commands.run(context, { type: 'WithdrawBid', bidId, requestedBy: context.actor }, { bidId });
  }
}
