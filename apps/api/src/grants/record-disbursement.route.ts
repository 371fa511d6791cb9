import { randomUUID } from 'node:crypto';
import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import type { CommandContext } from '@app/commands';
import { DISBURSEMENT_KINDS, type DisbursementKind } from '@app/funding';
import { Roles } from '../auth/roles.decorator.js';
import { Commands } from '../commands/commands.js';
import { CommandHeaders, CommandRequest } from '../http/command-request.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { IsCents, IsEntityId, IsText } from '../http/field-rules.js';

export class RecordDisbursementDto {
  @IsEntityId('Chosen by the client, or generated')
  disbursementId?: string;

  @ApiProperty({ enum: DISBURSEMENT_KINDS, description: 'advance ("anticipo"), interim ("SAL"), final ("saldo": completes the grant)' })
  @IsIn(DISBURSEMENT_KINDS)
  kind!: DisbursementKind;

  @IsCents('Amount paid, in euro cents')
  amountCents!: number;

  @IsText('Payment order or bank reference', 200, true)
  reference?: string;
}

@ApiTags('grants')
@ApiBearerAuth()
@Controller()
export class RecordDisbursementRoute {
  constructor(private readonly commands: Commands) {}

  @Post('grants/:grantId/disbursements')
  @Roles('finance-officer')
  @CommandHeaders()
  disburse(@CommandRequest() context: CommandContext, @Param('grantId', EntityIdPipe) grantId: string, @Body() body: RecordDisbursementDto) {
    const disbursementId = body.disbursementId ?? randomUUID();
    return this.commands.run(
      context,
      { type: 'RecordDisbursement', grantId, disbursementId, kind: body.kind, amountCents: body.amountCents, reference: body.reference ?? null },
      { grantId, disbursementId },
    );
  }
}
