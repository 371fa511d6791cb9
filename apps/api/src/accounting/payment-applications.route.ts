import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator.js';
import { ApiRead } from '../http/api-docs.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { FundAndYearQuery } from '../queries/queries.dto.js';
import { AccountsList, PaymentApplicationList, PaymentApplicationResponse } from './accounting.responses.js';
import { FundAccounts } from './fund-accounts.js';

/** Who reads the fund's account with the Commission: the accounting function, the managing authority, auditors. */
const ACCOUNT_READERS = ['accounting-officer', 'programme-manager', 'auditor'] as const;

/** The funds' accounts with the Commission, for auditors: read from their streams at the request (FundAccounts). */
@ApiTags('accounting')
@ApiBearerAuth()
@Controller()
export class PaymentApplicationsRoute {
  constructor(private readonly accounts: FundAccounts) {}

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
  async list(@Param('programmeId', EntityIdPipe) programmeId: string, @Query() query: FundAndYearQuery) {
    const accounts = await this.accounts.ofProgramme(programmeId, query.fund);
    const items = accounts.flatMap(({ declarations }) =>
      declarations.applications.filter(
        (a) => query.accountingYear === undefined || a.accountingYear === query.accountingYear,
      ),
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
  one(@Param('applicationId', EntityIdPipe) applicationId: string) {
    return this.accounts.application(applicationId);
  }

  @Get('programmes/:programmeId/accounts')
  @Roles(...ACCOUNT_READERS)
  @ApiRead({
    operationId: 'listAccounts',
    summary: "A programme's accounts, per fund and accounting year, with their reconciliation",
    type: AccountsList,
    problems: { 404: 'PROGRAMME_NOT_FOUND.' },
  })
  async listAccounts(@Param('programmeId', EntityIdPipe) programmeId: string, @Query() query: FundAndYearQuery) {
    const accounts = await this.accounts.ofProgramme(programmeId, query.fund);
    const items = accounts.flatMap(({ declarations }) =>
      [...declarations.closedYears.values()].filter(
        (a) => query.accountingYear === undefined || a.accountingYear === query.accountingYear,
      ),
    );
    return { items };
  }
}
