import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '@app/commands';
import { Roles } from '../auth/roles.decorator.js';
import { Commands } from '../commands/commands.js';
import { CommandHeaders, CommandRequest } from '../http/command-request.js';
import { EntityIdPipe, NoBodyDto } from '../http/entity-id.pipe.js';

@ApiTags('bids')
@ApiBearerAuth()
@Controller()
export class WithdrawBidRoute {
  constructor(private readonly commands: Commands) {}

  @Post('bids/:bidId/withdraw')
  @HttpCode(200)
  @Roles('applicant-service')
  @CommandHeaders()
  withdraw(@CommandRequest() context: CommandContext, @Param('bidId', EntityIdPipe) bidId: string, @Body() _body: NoBodyDto) {
    return this.commands.run(context, { type: 'WithdrawBid', bidId, requestedBy: context.actor }, { bidId });
  }
}
