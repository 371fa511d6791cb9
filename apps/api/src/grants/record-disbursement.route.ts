import { randomUUID } from 'node:crypto';
import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
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

  @ApiProperty({ enum: DISBURSEMENT_KINDS, description: 'advance ("anticipo": on the award alone, up to the call\'s advance share), interim ("SAL": on a verified interim claim), final ("saldo": on the verified final claim; completes the grant)' })
  @IsIn(DISBURSEMENT_KINDS)
  kind!: DisbursementKind;

  @IsCents('Amount paid, in euro cents')
  amountCents!: number;

  @IsEntityId('The verified expenditure claim an interim or final payment settles (required then); none for an advance')
  claimId?: string;

  @IsText('Payment order or bank reference', 200, true)
  reference?: string;

  @IsText('Under an aid regime: the RNA Deggendorf visura consulted before this payment (required then)', 64, true)
  deggendorfVisuraRef?: string;

  @ApiPropertyOptional({ format: 'date', description: "A final payment: the operation's actual end date (default: today)" })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a date YYYY-MM-DD' })
  actualEndDate?: string;
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
      { type: 'RecordDisbursement', grantId, disbursementId, kind: body.kind, amountCents: body.amountCents, claimId: body.claimId ?? null, paidBy: context.actor, reference: body.reference ?? null, deggendorfVisuraRef: body.deggendorfVisuraRef ?? null, actualEndDate: body.actualEndDate ?? null },
      { grantId, disbursementId },
    );
  }
}
