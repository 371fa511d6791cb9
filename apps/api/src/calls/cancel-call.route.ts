import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '@app/commands';
import { Roles } from '../auth/roles.decorator.js';
import { Commands } from '../commands/commands.js';
import { CommandHeaders, CommandRequest } from '../http/command-request.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { IsText } from '../http/field-rules.js';

export class CancelCallDto {
  @IsText('Why the call is cancelled', 500, true)
  reason?: string;
}

@ApiTags('calls')
@ApiBearerAuth()
@Controller()
export class CancelCallRoute {
  constructor(private readonly commands: Commands) {}

  @Post('calls/:callId/cancel')
  @HttpCode(200)
  @Roles('programme-manager')
  @CommandHeaders()
  cancel(@CommandRequest() context: CommandContext, @Param('callId', EntityIdPipe) callId: string, @Body() body: CancelCallDto) {
    return this.commands.run(context, { type: 'CancelCall', callId, reason: body.reason ?? null }, { callId });
  }
}
