import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '@app/commands';
import { ActDto, EXAMPLE_ACT, IsAct, actOf } from '../acts/act.dto.js';
import { Roles } from '../auth/roles.decorator.js';
import { Commands, WriteResult } from '../commands/commands.js';
import { ApiCommand } from '../http/api-docs.js';
import { CommandRequest } from '../http/command-request.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { IsCents, IsText } from '../http/field-rules.js';
import { Id } from '../http/response-fields.js';

export class RevokeGrantDto {
  @IsText('Why the grant is revoked')
  reason!: string;

  @IsCents('Amount by which the award is reduced; absent: the whole grant', true)
  amountCents?: number;

  @IsText('Under an aid regime: the COVAR the Registro Nazionale Aiuti gave this change (required then)', 32, true)
  covar?: string;

  @IsAct('The revocation act ("determinazione di revoca")')
  act!: ActDto;
}

export class RevokeGrantResponse extends WriteResult {
  @Id('The grant', { example: 'officine-nido-grant' })
  grantId!: string;
}

@ApiTags('grants')
@ApiBearerAuth()
@Controller()
export class RevokeGrantRoute {
  constructor(private readonly commands: Commands) {}

  @Post('grants/:grantId/revocation')
  @HttpCode(200)
  @Roles('programme-manager')
  @ApiCommand({
    operationId: 'revokeGrant',
    summary: 'Revoke a grant, in part or in whole',
    description:
      'The award is cut by `amountCents` (integer euro cents; absent: the whole grant). What was not paid goes back to the call; what was paid beyond the new award is due back.',
    status: 200,
    type: RevokeGrantResponse,
    body: {
      type: RevokeGrantDto,
      summary: 'EUR 20k found irregular in an audit',
      example: {
        reason: 'Spese non conformi rilevate in audit',
        amountCents: 2_000_000,
        covar: '7654321',
        act: EXAMPLE_ACT,
      },
    },
    example: { grantId: 'officine-nido-grant', revision: 9, position: '30' },
    problems: {
      404: 'GRANT_NOT_FOUND.',
      422: 'GRANT_ALREADY_REVOKED, REVOCATION_EXCEEDS_AWARD, COVAR_REQUIRED, ACT_DATE_IN_FUTURE (the act is dated after today).',
    },
  })
  revoke(
    @CommandRequest() context: CommandContext,
    @Param('grantId', EntityIdPipe) grantId: string,
    @Body() body: RevokeGrantDto,
  ) {
    return this.commands.run(
      context,
      {
        type: 'RevokeGrant',
        grantId,
        reason: body.reason,
        amountCents: body.amountCents ?? null,
        covar: body.covar ?? null,
        act: actOf(body.act),
      },
      { grantId },
    );
  }
}
