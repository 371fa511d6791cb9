import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '@app/commands';
import { Roles } from '../auth/roles.decorator.js';
import { Commands } from '../commands/commands.js';
import { CommandHeaders, CommandRequest } from '../http/command-request.js';
import { EntityIdPipe, NoBodyDto } from '../http/entity-id.pipe.js';

@ApiTags('calls')
@ApiBearerAuth()
@Controller()
export class CloseCallRoute {
  constructor(private readonly commands: Commands) {}

  @Post('calls/:callId/close')
  @HttpCode(200)
  @Roles('programme-manager')
  @CommandHeaders()
  close(@CommandRequest() context: CommandContext, @Param('callId', EntityIdPipe) callId: string, @Body() _body: NoBodyDto) {
    return this.commands.run(context, { type: 'CloseCall', callId }, { callId });
  }
}
