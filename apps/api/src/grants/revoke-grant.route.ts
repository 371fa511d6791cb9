import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '@app/commands';
import { Roles } from '../auth/roles.decorator.js';
import { Commands } from '../commands/commands.js';
import { CommandHeaders, CommandRequest } from '../http/command-request.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { IsCents, IsText } from '../http/field-rules.js';

export class RevokeGrantDto {
  @IsText('Why the grant is revoked')
  reason!: string;

  @IsCents('Amount by which the award is reduced; absent: the whole grant', true)
  amountCents?: number;

  @IsText('Under an aid regime: the COVAR the Registro Nazionale Aiuti gave this change (required then)', 32, true)
  covar?: string;
}

@ApiTags('grants')
@ApiBearerAuth()
@Controller()
export class RevokeGrantRoute {
  constructor(private readonly commands: Commands) {}

  @Post('grants/:grantId/revocation')
  @HttpCode(200)
  @Roles('programme-manager')
  @CommandHeaders()
  revoke(@CommandRequest() context: CommandContext, @Param('grantId', EntityIdPipe) grantId: string, @Body() body: RevokeGrantDto) {
    return this.commands.run(context, { type: 'RevokeGrant', grantId, reason: body.reason, amountCents: body.amountCents ?? null, covar: body.covar ?? null }, { grantId });
  }
}
