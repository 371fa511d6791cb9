import { randomUUID } from 'node:crypto';
import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsInt, Matches, Max, Min } from 'class-validator';
import type { CommandContext } from '@app/commands';
import { Roles } from '../auth/roles.decorator.js';
import { Commands } from '../commands/commands.js';
import { CommandHeaders, CommandRequest } from '../http/command-request.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { IsCents, IsEntityId, IsText } from '../http/field-rules.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const dateMessage = { message: '$property must be a date YYYY-MM-DD' };

export class OrderRecoveryDto {
  @IsEntityId('Chosen by the client, or generated')
  orderId?: string;

  @IsCents('Principal ordered back, in euro cents: at most what is due and not yet ordered or written off')
  amountCents!: number;

  @ApiProperty({ type: 'integer', minimum: 0, maximum: 5000, description: 'Yearly interest rate the order applies, in basis points (e.g. 250 = 2.5%)' })
  @IsInt()
  @Min(0)
  @Max(5000)
  interestRateBp!: number;

  @ApiProperty({ format: 'date', example: '2027-03-31', description: 'When the money is due back' })
  @Matches(DATE, dateMessage)
  dueDate!: string;

  @IsText('The act ordering the recovery', 200)
  reference!: string;
}

export class RecordRecoveryReceiptDto {
  @IsEntityId('Chosen by the client, or generated')
  receiptId?: string;

  @IsCents('Principal received, in euro cents: it returns to the call\'s available money')
  amountCents!: number;

  @IsCents('Interest received, in euro cents: shown apart, never budget')
  interestCents!: number;

  @ApiProperty({ format: 'date', example: '2027-03-15', description: 'The value date of the receipt, not after today' })
  @Matches(DATE, dateMessage)
  receivedAt!: string;

  @IsText('The bank or treasury reference of the receipt', 200)
  reference!: string;
}

export class WriteOffRecoveryDto {
  @IsCents('Amount written off; absent: everything outstanding', true)
  amountCents?: number;

  @IsText('Why it cannot be recovered')
  reason!: string;
}

/** Money due back on a grant: ordered, received, or written off. */
@ApiTags('recoveries')
@ApiBearerAuth()
@Controller()
export class RecoveryRoutes {
  constructor(private readonly commands: Commands) {}

  @Post('grants/:grantId/recovery-orders')
  @Roles('programme-manager')
  @CommandHeaders()
  order(@CommandRequest() context: CommandContext, @Param('grantId', EntityIdPipe) grantId: string, @Body() body: OrderRecoveryDto) {
    const orderId = body.orderId ?? randomUUID();
    return this.commands.run(
      context,
      { type: 'OrderRecovery', grantId, orderId, amountCents: body.amountCents, interestRateBp: body.interestRateBp, dueDate: body.dueDate, reference: body.reference },
      { grantId, orderId },
    );
  }

  @Post('grants/:grantId/recovery-receipts')
  @Roles('finance-officer')
  @CommandHeaders()
  receive(@CommandRequest() context: CommandContext, @Param('grantId', EntityIdPipe) grantId: string, @Body() body: RecordRecoveryReceiptDto) {
    const receiptId = body.receiptId ?? randomUUID();
    return this.commands.run(
      context,
      { type: 'RecordRecoveryReceipt', grantId, receiptId, amountCents: body.amountCents, interestCents: body.interestCents, receivedAt: body.receivedAt, reference: body.reference },
      { grantId, receiptId },
    );
  }

  @Post('grants/:grantId/recovery-write-off')
  @HttpCode(200)
  @Roles('programme-manager')
  @CommandHeaders()
  writeOff(@CommandRequest() context: CommandContext, @Param('grantId', EntityIdPipe) grantId: string, @Body() body: WriteOffRecoveryDto) {
    return this.commands.run(context, { type: 'WriteOffRecovery', grantId, amountCents: body.amountCents ?? null, reason: body.reason }, { grantId });
  }
}
