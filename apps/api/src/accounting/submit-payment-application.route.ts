import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import type { CommandContext } from '@app/commands';
import { FUNDS, type Fund } from '@app/funding';
import { Roles } from '../auth/roles.decorator.js';
import { Commands, Written } from '../commands/commands.js';
import { ApiCommand } from '../http/api-docs.js';
import { CommandRequest, generatedId } from '../http/command-request.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { IsAccountingYear, IsEntityId, MatchesDay } from '../http/field-rules.js';
import { Integer, Position } from '../http/response-fields.js';
import { PaymentApplicationResponse } from './accounting.responses.js';
import { FundAccounts } from './fund-accounts.js';

export class SubmitPaymentApplicationDto {
  @IsEntityId('Chosen by the client, or generated')
  applicationId?: string;

  @ApiProperty({ enum: FUNDS, description: 'The fund whose payments are declared' })
  @IsIn(FUNDS)
  fund!: Fund;

  @IsAccountingYear('The accounting year')
  accountingYear!: string;

  @ApiProperty({
    type: 'string',
    format: 'date',
    example: '2026-06-30',
    description: 'Payments made up to this day (inside the accounting year, not after today) are declared',
  })
  @MatchesDay()
  cutOffDate!: string;
}

/** The application as recorded (its lines, deductions, totals by axis, the expected interim payment), with the write's revision and position. */
export class SubmitPaymentApplicationResponse extends PaymentApplicationResponse {
  @Integer("The revision of the fund's account after the write: the same as the ETag", { example: 0 })
  revision!: number;

  @Position('Where the last event of the write sits in the global log: the same as X-Event-Position', {
    example: '42',
  })
  position!: string;
}

@ApiTags('accounting')
@ApiBearerAuth()
@Controller()
export class SubmitPaymentApplicationRoute {
  constructor(
    private readonly commands: Commands,
    private readonly accounts: FundAccounts,
  ) {}

  @Post('programmes/:programmeId/payment-applications')
  @Roles('accounting-officer')
  @ApiCommand({
    operationId: 'submitPaymentApplication',
    summary:
      'Submit a payment application to the Commission: the payments of a fund on verified expenditure, not declared before',
    description:
      "Declares every payment of the fund made on or before the cut-off on verified expenditure and not yet declared (an advance once verified expenditure covers it), each payment once even when applications race; deducts the recoveries received and the corrections withdrawn since the last application. Every amount is split by the fund's co-financing (EU / national / regional) and totalled by priority axis; the expected interim payment is 90% (2014-2020) or 95% (2021-2027) of the EU share. It answers with the application as recorded; read it again with `GET /payment-applications/{applicationId}`.",
    status: 201,
    type: SubmitPaymentApplicationResponse,
    body: {
      type: SubmitPaymentApplicationDto,
      summary: 'FSE, accounting year 2025-2026, cut-off 30 June 2026',
      example: {
        applicationId: 'wecare-fse-2026-1',
        fund: 'FSE',
        accountingYear: '2025-2026',
        cutOffDate: '2026-06-30',
      },
    },
    example: {
      applicationId: 'wecare-fse-2026-1',
      programmeId: 'wecare',
      fund: 'FSE',
      accountingYear: '2025-2026',
      cutOffDate: '2026-06-30',
      cofinancing: { euBp: 5000, nationalBp: 3500, regionalBp: 1500 },
      lines: [
        {
          grantId: 'officine-nido-grant',
          cup: 'J11B17000270009',
          measureId: 'wecare-m4',
          priorityAxis: 'II',
          disbursementId: 'mand-2026-0001',
          kind: 'advance',
          paidOn: '2026-03-02',
          claimIds: ['nido-sal-1'],
          eligibleExpenditureCents: 10_000_000,
          publicContributionCents: 6_000_000,
          euShareCents: 3_000_000,
          nationalShareCents: 2_100_000,
          regionalShareCents: 900_000,
        },
      ],
      deductions: [],
      totals: {
        eligibleExpenditureCents: 10_000_000,
        publicContributionCents: 6_000_000,
        euShareCents: 3_000_000,
        nationalShareCents: 2_100_000,
        regionalShareCents: 900_000,
      },
      byAxis: [
        {
          priorityAxis: 'II',
          eligibleExpenditureCents: 10_000_000,
          publicContributionCents: 6_000_000,
          euShareCents: 3_000_000,
          nationalShareCents: 2_100_000,
          regionalShareCents: 900_000,
        },
      ],
      interimPaymentBp: 9000,
      expectedInterimPaymentCents: 2_700_000,
      receivedCents: 0,
      receipts: [],
      submittedBy: 'dev:accounting-officer',
      submittedAt: '2026-07-15T09:30:00.000Z',
      revision: 0,
      position: '42',
    },
    problems: {
      404: 'PROGRAMME_NOT_FOUND.',
      409: 'PAYMENT_APPLICATION_ALREADY_SUBMITTED: the application id is taken.',
      422: {
        description:
          'NOTHING_TO_DECLARE (no payment left to declare and nothing to deduct), ACCOUNTING_YEAR_CLOSED (its accounts are submitted), CUT_OFF_BEFORE_LAST_APPLICATION (with `lastCutOffDate`), COFINANCING_NOT_STATED (the fund share has no co-financing split), FUND_NOT_IN_PROGRAMME, INVALID_INPUT (a cut-off outside the accounting year or after today, an accounting year not written as two consecutive years).',
        example: {
          code: 'NOTHING_TO_DECLARE',
          message:
            'No payment of FSE made on verified expenditure up to 2026-06-30 is left to declare, and nothing to deduct',
        },
      },
    },
  })
  async submit(
    @CommandRequest() context: CommandContext,
    @Param('programmeId', EntityIdPipe) programmeId: string,
    @Body() body: SubmitPaymentApplicationDto,
  ) {
    const applicationId = body.applicationId ?? generatedId(context, 'payment-application');
    const written = await this.commands.run(
      context,
      {
        type: 'SubmitPaymentApplication',
        applicationId,
        programmeId,
        fund: body.fund,
        accountingYear: body.accountingYear,
        cutOffDate: body.cutOffDate,
        submittedBy: context.actor,
      },
      { programmeId, applicationId },
    );
    // What it declared, as recorded: the totals, the lines and the expected interim payment.
    return new Written(written.outcome, await this.accounts.application(applicationId));
  }
}
