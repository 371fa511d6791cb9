import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '@app/commands';
import { Roles } from '../auth/roles.decorator.js';
import { Commands, WriteResult } from '../commands/commands.js';
import { ApiCommand } from '../http/api-docs.js';
import { CommandRequest } from '../http/command-request.js';
import { EntityIdPipe, NoBodyDto } from '../http/entity-id.pipe.js';
import { Id } from '../http/response-fields.js';

export class CloseCallResponse extends WriteResult {
  @Id('The call', { example: 'm4-welfare-aziendale' })
  callId!: string;
}

@ApiTags('calls')
@ApiBearerAuth()
@Controller()
export class CloseCallRoute {
  constructor(private readonly commands: Commands) {}

  @Post('calls/:callId/close')
  @HttpCode(200)
  @Roles('programme-manager')
  @ApiCommand({
    operationId: 'closeCall',
    summary: 'Close a call to new bids',
    description:
      'Its `position` is the line between bids in time and late ones: a bid that lands after it is `late` and never admitted.',
    status: 200,
    type: CloseCallResponse,
    example: { callId: 'm4-welfare-aziendale', revision: 4, position: '41' },
    problems: { 404: 'CALL_NOT_FOUND.', 422: 'CALL_ALREADY_CLOSED, CALL_CANCELLED.' },
  })
  @ApiBody({ type: NoBodyDto, required: false, description: 'No body, or an empty object' })
  close(
    @CommandRequest() context: CommandContext,
    @Param('callId', EntityIdPipe) callId: string,
    @Body() _body: NoBodyDto,
  ) {
    return this.commands.run(context, { type: 'CloseCall', callId }, { callId });
  }
}
