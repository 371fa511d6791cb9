import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import type { CommandContext } from '@app/commands';
import { ActDto, EXAMPLE_ACT, IsAct, actOf } from '../acts/act.dto.js';
import { Roles } from '../auth/roles.decorator.js';
import { Commands, WriteResult } from '../commands/commands.js';
import { ApiCommand } from '../http/api-docs.js';
import { CommandRequest, generatedId } from '../http/command-request.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { IsCents, IsEntityId, IsText, MatchesDay } from '../http/field-rules.js';
import { Id } from '../http/response-fields.js';

export class OrderRecoveryDto {
  @IsEntityId('Chosen by the client, or generated')
  orderId?: string;

  @IsCents('Principal ordered back, in integer euro cents: at most what is due and not yet ordered or written off')
  amountCents!: number;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: 5000,
    description: 'Yearly interest rate the order applies, in basis points (e.g. 250 = 2.5%)',
  })
  @IsInt()
  @Min(0)
  @Max(5000)
  interestRateBp!: number;

  @ApiProperty({ format: 'date', example: '2027-03-31', description: 'When the money is due back' })
  @MatchesDay()
  dueDate!: string;

  @IsText("The order's own reference (a protocol or payment notice number)", 200)
  reference!: string;

  @IsAct('The act ordering the recovery ("determinazione di recupero")')
  act!: ActDto;
}

export class RecordRecoveryReceiptDto {
  @IsEntityId('Chosen by the client, or generated')
  receiptId?: string;

  @IsCents("Principal received, in integer euro cents: it returns to the call's available money")
  amountCents!: number;

  @IsCents('Interest received, in integer euro cents: shown apart, never budget')
  interestCents!: number;

  @ApiProperty({ format: 'date', example: '2027-03-15', description: 'The value date of the receipt, not after today' })
  @MatchesDay()
  receivedAt!: string;

  @IsText('The bank or treasury reference of the receipt', 200)
  reference!: string;
}

export class WriteOffRecoveryDto {
  @IsCents('Amount written off; absent: everything outstanding', true)
  amountCents?: number;

  @IsText('Why it cannot be recovered')
  reason!: string;

  @IsAct('The act declaring the amount irrecoverable')
  act!: ActDto;
}

export class OrderRecoveryResponse extends WriteResult {
  @Id('The grant', { example: 'officine-nido-grant' })
  grantId!: string;

  @Id('The order: the one given, or a generated UUID', { example: 'rec-2027-01' })
  orderId!: string;
}

export class RecordRecoveryReceiptResponse extends WriteResult {
  @Id('The grant', { example: 'officine-nido-grant' })
  grantId!: string;

  @Id('The receipt: the one given, or a generated UUID', { example: 'tes-2027-0042' })
  receiptId!: string;
}

export class WriteOffRecoveryResponse extends WriteResult {
  @Id('The grant', { example: 'officine-nido-grant' })
  grantId!: string;
}

/** Money due back on a grant: ordered, received, or written off. */
@ApiTags('recoveries')
@ApiBearerAuth()
@Controller()
export class RecoveryRoutes {
  constructor(private readonly commands: Commands) {}

  @Post('grants/:grantId/recovery-orders')
  @Roles('programme-manager')
  @ApiCommand({
    operationId: 'orderRecovery',
    summary: 'Order money due back on a grant to be returned',
    status: 201,
    type: OrderRecoveryResponse,
    body: {
      type: OrderRecoveryDto,
      summary: 'EUR 20k at 2.5% a year',
      example: {
        orderId: 'rec-2027-01',
        amountCents: 2_000_000,
        interestRateBp: 250,
        dueDate: '2027-06-30',
        reference: 'PROT-2026-118',
        act: EXAMPLE_ACT,
      },
    },
    example: { grantId: 'officine-nido-grant', orderId: 'rec-2027-01', revision: 10, position: '31' },
    problems: {
      404: 'GRANT_NOT_FOUND.',
      409: 'RECOVERY_ALREADY_RECORDED: the order id is taken.',
      422: 'RECOVERY_EXCEEDS_DUE (with `orderableCents`), ACT_DATE_IN_FUTURE (the act is dated after today), INVALID_INPUT.',
    },
  })
  order(
    @CommandRequest() context: CommandContext,
    @Param('grantId', EntityIdPipe) grantId: string,
    @Body() body: OrderRecoveryDto,
  ) {
    const orderId = body.orderId ?? generatedId(context, 'order');
    return this.commands.run(
      context,
      {
        type: 'OrderRecovery',
        grantId,
        orderId,
        amountCents: body.amountCents,
        interestRateBp: body.interestRateBp,
        dueDate: body.dueDate,
        reference: body.reference,
        act: actOf(body.act),
      },
      { grantId, orderId },
    );
  }

  @Post('grants/:grantId/recovery-receipts')
  @Roles('finance-officer')
  @ApiCommand({
    operationId: 'recordRecoveryReceipt',
    summary: 'Record money received back on a grant: principal and interest apart',
    description:
      "The principal (integer euro cents) returns to the call's available money; the interest is shown apart, never budget.",
    status: 201,
    type: RecordRecoveryReceiptResponse,
    body: {
      type: RecordRecoveryReceiptDto,
      summary: 'EUR 20k back with EUR 150 of interest',
      example: { amountCents: 2_000_000, interestCents: 15_000, receivedAt: '2026-11-20', reference: 'TES-2027-0042' },
    },
    problems: {
      404: 'GRANT_NOT_FOUND.',
      409: 'RECOVERY_ALREADY_RECORDED: the receipt id is taken.',
      422: 'RECEIPT_EXCEEDS_ORDERED, RECEIPT_EXCEEDS_OUTSTANDING, INVALID_AMOUNT, INVALID_INPUT.',
    },
  })
  receive(
    @CommandRequest() context: CommandContext,
    @Param('grantId', EntityIdPipe) grantId: string,
    @Body() body: RecordRecoveryReceiptDto,
  ) {
    const receiptId = body.receiptId ?? generatedId(context, 'receipt');
    return this.commands.run(
      context,
      {
        type: 'RecordRecoveryReceipt',
        grantId,
        receiptId,
        amountCents: body.amountCents,
        interestCents: body.interestCents,
        receivedAt: body.receivedAt,
        reference: body.reference,
      },
      { grantId, receiptId },
    );
  }

  @Post('grants/:grantId/recovery-write-off')
  @HttpCode(200)
  @Roles('programme-manager')
  @ApiCommand({
    operationId: 'writeOffRecovery',
    summary: 'Write off money due back that cannot be recovered',
    status: 200,
    type: WriteOffRecoveryResponse,
    problems: {
      404: 'GRANT_NOT_FOUND.',
      422: 'NO_RECOVERY_ORDERED (nothing was ordered back on the grant: order the recovery first), NOTHING_TO_RECOVER, WRITE_OFF_EXCEEDS_OUTSTANDING, ACT_DATE_IN_FUTURE (the act is dated after today).',
    },
  })
  writeOff(
    @CommandRequest() context: CommandContext,
    @Param('grantId', EntityIdPipe) grantId: string,
    @Body() body: WriteOffRecoveryDto,
  ) {
    return this.commands.run(
      context,
      {
        type: 'WriteOffRecovery',
        grantId,
        amountCents: body.amountCents ?? null,
        reason: body.reason,
        act: actOf(body.act),
      },
      { grantId },
    );
  }
}
