import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import type { CommandContext } from '@app/commands';
import { PASS_OVER_REASONS, type PassOverReason } from '@app/funding';
import { ActDto, EXAMPLE_ACT, IsAct, actOf } from '../acts/act.dto.js';
import { Roles } from '../auth/roles.decorator.js';
import { Commands, WriteResult } from '../commands/commands.js';
import { ApiCommand } from '../http/api-docs.js';
import { CommandRequest } from '../http/command-request.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { Id } from '../http/response-fields.js';

export class PassOverBidDto {
  @ApiProperty({
    enum: PASS_OVER_REASONS,
    enumName: 'PassOverReason',
    description:
      'insufficient-funds: the call cannot fund it now (only the first bid still waiting, and only while the call has less left than it asks); it comes back to the line when money comes back to the call. declined: the applicant renounced; requirements-lost: it no longer meets a requirement of the call (both for good).',
  })
  @IsIn(PASS_OVER_REASONS)
  reason!: PassOverReason;

  @IsAct('The act passing the bid over')
  act!: ActDto;
}

export class PassOverBidResponse extends WriteResult {
  @Id('The bid', { example: 'officine-nido' })
  bidId!: string;
}

@ApiTags('bids')
@ApiBearerAuth()
@Controller()
export class PassOverBidRoute {
  constructor(private readonly commands: Commands) {}

  @Post('bids/:bidId/pass-over')
  @HttpCode(200)
  @Roles('programme-manager')
  @ApiCommand({
    operationId: 'passOverBid',
    summary: 'Pass over a ranked bid by an act, with its reason',
    description:
      'Moves the ranking\'s line on: awards go to the highest-ranked bid still waiting, neither awarded nor passed over. A bid passed over for insufficient funds takes its place in the line again once money comes back to the call (a revocation, a renunciation, a recovery: "scorrimento"); one passed over because it was declined or lost a requirement never does. Recorded on the bid and on its call, so awards racing on the call never skip a bid still waiting.',
    status: 200,
    type: PassOverBidResponse,
    body: {
      type: PassOverBidDto,
      summary: 'The call has EUR 30k left, the bid asks EUR 150k',
      example: { reason: 'insufficient-funds', act: EXAMPLE_ACT },
    },
    example: { bidId: 'officine-nido', revision: 4, position: '63' },
    problems: {
      404: 'BID_NOT_FOUND, CALL_NOT_FOUND.',
      422: {
        description:
          'RANKING_NOT_APPROVED, NOT_A_RANKING_CALL, BID_NOT_RANKED, BID_ALREADY_AWARDED, BID_WITHDRAWN, BID_PASSED_OVER (already passed over: for good, or for insufficient funds with no money back since), RANKING_ORDER (with `waitingBidId`: for insufficient funds, only the first bid still waiting), FUNDS_AVAILABLE (with `remainingCents`: the call can fund what the bid asks), CALL_CANCELLED, ACT_DATE_IN_FUTURE, INVALID_INPUT.',
        example: {
          code: 'FUNDS_AVAILABLE',
          message: 'Call m4-welfare-aziendale has 20000000 cents left, enough for the 15000000 bid officine-nido asks',
          remainingCents: 20_000_000,
        },
      },
    },
  })
  passOver(
    @CommandRequest() context: CommandContext,
    @Param('bidId', EntityIdPipe) bidId: string,
    @Body() body: PassOverBidDto,
  ) {
    return this.commands.run(
      context,
      { type: 'PassOverBid', bidId, reason: body.reason, act: actOf(body.act) },
      { bidId },
    );
  }
}
