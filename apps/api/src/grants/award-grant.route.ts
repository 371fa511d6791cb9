import { randomUUID } from 'node:crypto';
import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '@app/commands';
import { Roles } from '../auth/roles.decorator.js';
import { Commands } from '../commands/commands.js';
import { CommandHeaders, CommandRequest } from '../http/command-request.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { IsCents, IsEntityId } from '../http/field-rules.js';

export class AwardGrantDto {
  @IsEntityId('Chosen by the client, or generated')
  grantId?: string;

  @IsEntityId('The admissible bid to award', false)
  bidId!: string;

  @IsCents('Amount awarded, in euro cents: at most what the bid requested and what the call has left')
  amountCents!: number;
}

/** Awarding is a grants use case, reached under its call: `POST /calls/:callId/awards`. */
@ApiTags('grants')
@ApiBearerAuth()
@Controller()
export class AwardGrantRoute {
  constructor(private readonly commands: Commands) {}

  @Post('calls/:callId/awards')
  @Roles('programme-manager')
  @CommandHeaders()
  award(@CommandRequest() context: CommandContext, @Param('callId', EntityIdPipe) callId: string, @Body() body: AwardGrantDto) {
    const grantId = body.grantId ?? randomUUID();
    return this.commands.run(context, { type: 'AwardGrant', grantId, callId, bidId: body.bidId, amountCents: body.amountCents }, { grantId, callId, bidId: body.bidId });
  }
}
