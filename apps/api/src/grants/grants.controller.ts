import { randomUUID } from 'node:crypto';
import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../auth/roles.decorator.js';
import type { CommandContext } from '../commands/command-context.js';
import { CommandRequest, answerWrite } from '../http/command-request.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { RecordDisbursementDto, RevokeGrantDto } from './grants.dto.js';
import { RecordDisbursementCommand } from './record-disbursement.handler.js';
import { RevokeGrantCommand } from './revoke-grant.handler.js';

@ApiTags('grants')
@ApiBearerAuth()
@Controller('grants')
export class GrantsController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':grantId/disbursements')
  @Roles('finance-officer')
  async disburse(
    @CommandRequest() context: CommandContext,
    @Param('grantId', EntityIdPipe) grantId: string,
    @Body() body: RecordDisbursementDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const disbursementId = body.disbursementId ?? randomUUID();
    const outcome = await this.commands.execute(
      new RecordDisbursementCommand(context, { grantId, disbursementId, kind: body.kind, amountCents: body.amountCents, reference: body.reference ?? null }),
    );
    return answerWrite(res, outcome, { grantId, disbursementId });
  }

  @Post(':grantId/revocation')
  @HttpCode(200)
  @Roles('programme-manager')
  async revoke(
    @CommandRequest() context: CommandContext,
    @Param('grantId', EntityIdPipe) grantId: string,
    @Body() body: RevokeGrantDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const outcome = await this.commands.execute(new RevokeGrantCommand(context, { grantId, reason: body.reason, amountCents: body.amountCents ?? null }));
    return answerWrite(res, outcome, { grantId });
  }
}
