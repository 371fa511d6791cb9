import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { CommandContext } from '@app/commands';
import { DISBURSEMENT_KINDS, type DisbursementKind } from '@app/funding';
import { Roles } from '../auth/roles.decorator.js';
import { Commands, WriteResult } from '../commands/commands.js';
import { ApiCommand } from '../http/api-docs.js';
import { CommandRequest, generatedId } from '../http/command-request.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { IsCents, IsEntityId, IsText, MatchesDay } from '../http/field-rules.js';
import { Id } from '../http/response-fields.js';

export class RecordDisbursementDto {
  @IsEntityId('Chosen by the client, or generated')
  disbursementId?: string;

  @ApiProperty({
    enum: DISBURSEMENT_KINDS,
    description:
      'advance ("anticipo": on the award alone, up to the call\'s advance share), interim ("SAL": on a verified interim claim), final ("saldo": on the verified final claim; completes the grant)',
  })
  @IsIn(DISBURSEMENT_KINDS)
  kind!: DisbursementKind;

  @IsCents('Amount paid, in integer euro cents')
  amountCents!: number;

  @IsEntityId('The verified expenditure claim an interim or final payment settles (required then); none for an advance')
  claimId?: string;

  @IsText('Payment order or bank reference', 200, true)
  reference?: string;

  @IsText('Under an aid regime: the RNA Deggendorf visura consulted before this payment (required then)', 64, true)
  deggendorfVisuraRef?: string;

  @ApiPropertyOptional({
    format: 'date',
    description: "A final payment: the operation's actual end date (default: today)",
  })
  @IsOptional()
  @MatchesDay()
  actualEndDate?: string;
}

export class RecordDisbursementResponse extends WriteResult {
  @Id('The grant', { example: 'officine-nido-grant' })
  grantId!: string;

  @Id('The disbursement: the one given, or a generated UUID', { example: 'mand-2026-0001' })
  disbursementId!: string;
}

@ApiTags('grants')
@ApiBearerAuth()
@Controller()
export class RecordDisbursementRoute {
  constructor(private readonly commands: Commands) {}

  @Post('grants/:grantId/disbursements')
  @Roles('finance-officer')
  @ApiCommand({
    operationId: 'recordDisbursement',
    summary: 'Record a payment on a grant: advance, interim ("SAL") or final ("saldo")',
    description:
      "An advance is paid on the award alone, up to the call's advance share; an interim or final payment settles a verified expenditure claim, up to the aid intensity of what was verified, less the advance. The final payment completes the grant. Amounts in integer euro cents.",
    status: 201,
    type: RecordDisbursementResponse,
    body: {
      type: RecordDisbursementDto,
      summary: 'The 40% advance: EUR 48k',
      example: {
        kind: 'advance',
        amountCents: 4_800_000,
        reference: 'MAND-2026-0001',
        deggendorfVisuraRef: 'DEGG-2026-014',
      },
    },
    example: {
      grantId: 'officine-nido-grant',
      disbursementId: '0b6f3f7e-3f1e-4d7a-9a55-0f0a3c2d9e11',
      revision: 1,
      position: '17',
    },
    problems: {
      404: 'GRANT_NOT_FOUND, CLAIM_NOT_FOUND.',
      409: 'DISBURSEMENT_ALREADY_RECORDED: the disbursement id is taken.',
      422: {
        description:
          'PAYMENT_EXCEEDS_VERIFIED (with `payableCents`), ADVANCE_EXCEEDS_SHARE, DISBURSEMENT_EXCEEDS_GRANT, CLAIM_REQUIRED, CLAIM_NOT_VERIFIED, CLAIM_KIND_MISMATCH, FINAL_CLAIM_REQUIRED, DEGGENDORF_VISURA_REQUIRED, SEPARATION_OF_DUTIES (never on a claim the same principal verified), GRANT_NOT_ACTIVE, INVALID_INPUT.',
        example: {
          code: 'PAYMENT_EXCEEDS_VERIFIED',
          message:
            'Grant officine-nido-grant can pay 800000 cents more on the expenditure verified so far, disbursement asks for 900000',
          payableCents: 800_000,
        },
      },
    },
  })
  disburse(
    @CommandRequest() context: CommandContext,
    @Param('grantId', EntityIdPipe) grantId: string,
    @Body() body: RecordDisbursementDto,
  ) {
    const disbursementId = body.disbursementId ?? generatedId(context, 'disbursement');
    return this.commands.run(
      context,
      {
        type: 'RecordDisbursement',
        grantId,
        disbursementId,
        kind: body.kind,
        amountCents: body.amountCents,
        claimId: body.claimId ?? null,
        paidBy: context.actor,
        reference: body.reference ?? null,
        deggendorfVisuraRef: body.deggendorfVisuraRef ?? null,
        actualEndDate: body.actualEndDate ?? null,
      },
      { grantId, disbursementId },
    );
  }
}
