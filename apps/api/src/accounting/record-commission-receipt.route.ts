import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '@app/commands';
import { Roles } from '../auth/roles.decorator.js';
import { Commands, WriteResult } from '../commands/commands.js';
import { ApiCommand } from '../http/api-docs.js';
import { CommandRequest, generatedId } from '../http/command-request.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { IsCents, IsEntityId, MatchesDay } from '../http/field-rules.js';
import { Id } from '../http/response-fields.js';

export class RecordCommissionReceiptDto {
  @IsEntityId('Chosen by the client, or generated')
  receiptId?: string;

  @IsCents('What the Commission paid on the application, in integer euro cents')
  amountCents!: number;

  @ApiProperty({
    type: 'string',
    format: 'date',
    example: '2026-09-15',
    description: 'The value date, not after today',
  })
  @MatchesDay()
  receivedOn!: string;
}

export class RecordCommissionReceiptResponse extends WriteResult {
  @Id('The payment application', { example: 'wecare-fse-2026-1' })
  applicationId!: string;

  @Id('The receipt: the one given, or a generated UUID', { example: 'ec-2026-0912' })
  receiptId!: string;
}

@ApiTags('accounting')
@ApiBearerAuth()
@Controller()
export class RecordCommissionReceiptRoute {
  constructor(private readonly commands: Commands) {}

  @Post('payment-applications/:applicationId/receipts')
  @Roles('accounting-officer')
  @ApiCommand({
    operationId: 'recordCommissionReceipt',
    summary: 'Record what the Commission paid on a payment application',
    description:
      'The interim payment, then the balance once the accounts are accepted: never more in all than the EU share the application declared.',
    status: 201,
    type: RecordCommissionReceiptResponse,
    body: {
      type: RecordCommissionReceiptDto,
      summary: 'The 95% interim payment',
      example: { receiptId: 'ec-2026-0912', amountCents: 2_850_000, receivedOn: '2026-09-15' },
    },
    example: { applicationId: 'wecare-fse-2026-1', receiptId: 'ec-2026-0912', revision: 1, position: '43' },
    problems: {
      404: 'PAYMENT_APPLICATION_NOT_FOUND.',
      409: 'RECEIPT_ALREADY_RECORDED: the receipt id is taken.',
      422: {
        description:
          'RECEIPT_EXCEEDS_APPLICATION (with `receivableCents`: what the application may still receive), INVALID_AMOUNT, INVALID_INPUT (a value date after today).',
        example: {
          code: 'RECEIPT_EXCEEDS_APPLICATION',
          message:
            'Application wecare-fse-2026-1 declared an EU share of 3000000 cents and 2850000 were received; 150001 more is beyond it',
          receivableCents: 150_000,
        },
      },
    },
  })
  record(
    @CommandRequest() context: CommandContext,
    @Param('applicationId', EntityIdPipe) applicationId: string,
    @Body() body: RecordCommissionReceiptDto,
  ) {
    const receiptId = body.receiptId ?? generatedId(context, 'commission-receipt');
    return this.commands.run(
      context,
      {
        type: 'RecordCommissionReceipt',
        applicationId,
        receiptId,
        amountCents: body.amountCents,
        receivedOn: body.receivedOn,
        recordedBy: context.actor,
      },
      { applicationId, receiptId },
    );
  }
}
