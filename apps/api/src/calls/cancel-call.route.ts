import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '@app/commands';
import { Roles } from '../auth/roles.decorator.js';
import { Commands, WriteResult } from '../commands/commands.js';
import { ApiCommand } from '../http/api-docs.js';
import { CommandRequest } from '../http/command-request.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { IsText } from '../http/field-rules.js';
import { Id } from '../http/response-fields.js';

export class CancelCallDto {
  @IsText('Why the call is cancelled', 500, true)
  reason?: string;
}

export class CancelCallResponse extends WriteResult {
  @Id('The call', { example: 'm4-welfare-aziendale' })
  callId!: string;
}

@ApiTags('calls')
@ApiBearerAuth()
@Controller()
export class CancelCallRoute {
  constructor(private readonly commands: Commands) {}

  @Post('calls/:callId/cancel')
  @HttpCode(200)
  @Roles('programme-manager')
  @ApiCommand({
    operationId: 'cancelCall',
    summary: 'Cancel a call without grants, releasing its reservation to the measure',
    status: 200,
    type: CancelCallResponse,
    problems: { 404: 'CALL_NOT_FOUND.', 422: 'CALL_HAS_GRANTS, CALL_CANCELLED.' },
  })
  @ApiBody({ type: CancelCallDto, required: false, description: 'Optional: the reason' })
  cancel(
    @CommandRequest() context: CommandContext,
    @Param('callId', EntityIdPipe) callId: string,
    @Body() body: CancelCallDto,
  ) {
    return this.commands.run(context, { type: 'CancelCall', callId, reason: body.reason ?? null }, { callId });
  }
}
