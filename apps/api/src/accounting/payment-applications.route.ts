import { Controller, Get, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { foldStream } from '@app/commands';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import {
  APPLICATION_POINTER,
  FUNDS,
  FUND_DECLARATIONS,
  PROGRAMME,
  declarationsStream,
  paymentApplicationStream,
  programmeStream,
  type DeclaredApplication,
  type Fund,
  type FundDeclarations,
} from '@app/funding';
import { Roles } from '../auth/roles.decorator.js';
import { ApiRead } from '../http/api-docs.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { AccountsList, PaymentApplicationList, PaymentApplicationResponse } from './accounting.responses.js';

/** Who reads the fund's account with the Commission: the accounting function, the managing authority, auditors. */
const ACCOUNT_READERS = ['accounting-officer', 'programme-manager', 'auditor'] as const;

export class FundAccountQuery {
  @ApiPropertyOptional({ enum: FUNDS, description: 'Only this fund' })
  @IsOptional()
  @IsIn(FUNDS)
  fund?: Fund;

  @ApiPropertyOptional({
    type: 'string',
    pattern: '^\\d{4}-\\d{4}$',
    example: '2025-2026',
    description: 'Only this accounting year',
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{4}$/, { message: 'accountingYear must be written as two years, e.g. 2025-2026' })
  accountingYear?: string;
}

/**
 * The funds' accounts with the Commission, read from their streams (never a read model): what an
 * auditor reads is the record the decisions were taken on.
 */
@ApiTags('accounting')
@ApiBearerAuth()
@Controller()
export class PaymentApplicationsRoute {
  constructor(@Inject(EVENT_STORE) private readonly events: EventStore) {}

  @Get('programmes/:programmeId/payment-applications')
  @Roles(...ACCOUNT_READERS)
  @ApiRead({
    operationId: 'listPaymentApplications',
    summary: "A programme's payment applications, with their lines (grant, CUP, payment, amounts)",
    description:
      'Oldest first, per fund; each with its deductions, totals by priority axis and what the Commission paid on it.',
    type: PaymentApplicationList,
    problems: { 404: 'PROGRAMME_NOT_FOUND.' },
  })
  async list(@Param('programmeId', EntityIdPipe) programmeId: string, @Query() query: FundAccountQuery) {
    const accounts = await this.accountsOf(programmeId, query.fund);
    const items = accounts.flatMap(({ declarations }) =>
      declarations.applications
        .filter((a) => query.accountingYear === undefined || a.accountingYear === query.accountingYear)
        .map(shown),
    );
    return { items };
  }

  @Get('payment-applications/:applicationId')
  @Roles(...ACCOUNT_READERS)
  @ApiRead({
    operationId: 'getPaymentApplication',
    summary: 'One payment application, with its lines, deductions, totals and receipts',
    type: PaymentApplicationResponse,
    problems: { 404: 'PAYMENT_APPLICATION_NOT_FOUND.' },
  })
  async one(@Param('applicationId', EntityIdPipe) applicationId: string) {
    const pointer = foldStream(
      APPLICATION_POINTER,
      await this.events.readStream(paymentApplicationStream(applicationId)),
    );
    const application =
      pointer.status === 'taken'
        ? foldStream(
            FUND_DECLARATIONS,
            await this.events.readStream(declarationsStream(pointer.programmeId, pointer.fund)),
          ).applications.find((a) => a.applicationId === applicationId)
        : undefined;
    if (!application)
      throw new NotFoundException({
        code: 'PAYMENT_APPLICATION_NOT_FOUND',
        message: `Payment application ${applicationId} does not exist`,
      });
    return shown(application);
  }

  @Get('programmes/:programmeId/accounts')
  @Roles(...ACCOUNT_READERS)
  @ApiRead({
    operationId: 'listAccounts',
    summary: "A programme's accounts, per fund and accounting year, with their reconciliation",
    type: AccountsList,
    problems: { 404: 'PROGRAMME_NOT_FOUND.' },
  })
  async accounts(@Param('programmeId', EntityIdPipe) programmeId: string, @Query() query: FundAccountQuery) {
    const accounts = await this.accountsOf(programmeId, query.fund);
    const items = accounts.flatMap(({ declarations }) =>
      [...declarations.closedYears.values()].filter(
        (a) => query.accountingYear === undefined || a.accountingYear === query.accountingYear,
      ),
    );
    return { items };
  }

  /** Each fund of the programme (or the one asked) with its account, folded from its stream. */
  private async accountsOf(
    programmeId: string,
    fund: Fund | undefined,
  ): Promise<Array<{ fund: Fund; declarations: FundDeclarations }>> {
    const programme = foldStream(PROGRAMME, await this.events.readStream(programmeStream(programmeId)));
    if (programme.status === 'none')
      throw new NotFoundException({ code: 'PROGRAMME_NOT_FOUND', message: `Programme ${programmeId} does not exist` });
    const funds = programme.funds.map((share) => share.fund).filter((f) => fund === undefined || f === fund);
    return Promise.all(
      funds.map(async (f) => ({
        fund: f,
        declarations: foldStream(FUND_DECLARATIONS, await this.events.readStream(declarationsStream(programmeId, f))),
      })),
    );
  }
}

/** An application as the API shows it: as recorded, with what the Commission paid on it. */
const shown = (application: DeclaredApplication): DeclaredApplication => application;
