import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '@app/commands';
import type { ReadModelSpace } from '@app/read-models';
import { ActDto, EXAMPLE_ACT, IsAct, actOf } from '../acts/act.dto.js';
import { Roles } from '../auth/roles.decorator.js';
import { Commands, WriteResult } from '../commands/commands.js';
import { ApiCommand } from '../http/api-docs.js';
import { CommandRequest } from '../http/command-request.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { Id } from '../http/response-fields.js';
import { ReadSide } from '../queries/read-side.js';

export class ApproveRankingDto {
  @IsAct(
    'The act approving the ranking ("determinazione di approvazione della graduatoria"): the appeal windows run from its date',
  )
  act!: ActDto;
}

export class ApproveRankingResponse extends WriteResult {
  @Id('The call', { example: 'm4-welfare-aziendale' })
  callId!: string;
}

const PAGE = 500;

/**
 * `POST /calls/:callId/ranking`: the programme manager approves a closed ranking call's ranking by
 * its act. Bids do not write their call's stream, so the bids the call received come from the bids
 * read model, once it holds every event written so far (the call is closed: no bid can join it on
 * time any more); the decision reads each bid's own stream (docs/adr/0018).
 */
@ApiTags('calls')
@ApiBearerAuth()
@Controller()
export class ApproveRankingRoute {
  constructor(
    private readonly commands: Commands,
    private readonly readSide: ReadSide,
  ) {}

  @Post('calls/:callId/ranking')
  @HttpCode(200)
  @Roles('programme-manager')
  @ApiCommand({
    operationId: 'approveRanking',
    summary: "Approve a closed call's ranking by its act",
    description:
      'The ranking ("graduatoria") of a ranking call, once the call is closed and every bid that arrived on time and was not withdrawn is evaluated: the admissible bids by score, the best first, equal scores by arrival (their place in the log). Awards then follow it (`RANKING_ORDER`), and a bid is passed over only by an act with its reason (`POST /bids/{bidId}/pass-over`). The appeal windows (60 days to the TAR, 120 to the President of the Republic) run from the act\'s date: `GET /calls/{callId}` shows them. `GET /calls/{callId}/bids?order=rank` lists the ranking.',
    status: 200,
    type: ApproveRankingResponse,
    body: { type: ApproveRankingDto, summary: 'The ranking approved by D.D. 412/2026', example: { act: EXAMPLE_ACT } },
    example: { callId: 'm4-welfare-aziendale', revision: 12, position: '57' },
    problems: {
      404: 'CALL_NOT_FOUND.',
      422: {
        description:
          'CALL_NOT_CLOSED (close the call first: its close is the line between bids on time and late ones), BIDS_NOT_EVALUATED (with `notEvaluated`, how many, and `bidId`, one of them), RANKING_ALREADY_APPROVED, NOT_A_RANKING_CALL (a first-come call funds by arrival), CALL_CANCELLED, ACT_DATE_IN_FUTURE (with `actDate` and `today`), INVALID_INPUT.',
        example: {
          code: 'BIDS_NOT_EVALUATED',
          message: '2 bid(s) of call m4-welfare-aziendale are not evaluated yet, e.g. nido-rivoli',
          notEvaluated: 2,
          bidId: 'nido-rivoli',
        },
      },
    },
  })
  async approve(
    @CommandRequest() context: CommandContext,
    @Param('callId', EntityIdPipe) callId: string,
    @Body() body: ApproveRankingDto,
  ) {
    const bidIds = await this.bidsOf(await this.readSide.caughtUp(), callId);
    return this.commands.run(context, { type: 'ApproveRanking', callId, act: actOf(body.act), bidIds }, { callId });
  }

  /** Every bid the call received, by arrival. */
  private async bidsOf(space: ReadModelSpace, callId: string): Promise<string[]> {
    const found: string[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await space.find('bids', {
        where: { callId },
        orderBy: [{ field: 'arrivalKey', direction: 'asc' }],
        offset,
        limit: PAGE,
      });
      found.push(...page.map((bid) => String(bid['bidId'])));
      if (page.length < PAGE) return found;
    }
  }
}
