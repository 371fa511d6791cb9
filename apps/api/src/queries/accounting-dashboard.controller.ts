import { Controller, Get, Param, Query, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { shownAccountingDashboard, type AccountingDashboard as AccountingDashboardDocument } from '@app/read-models';
import { Roles } from '../auth/roles.decorator.js';
import { ApiRead } from '../http/api-docs.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { AccountingDashboard } from './accounting-dashboard.responses.js';
import { MinPositionInterceptor } from './min-position.interceptor.js';
import { FundAndYearQuery } from './queries.dto.js';
import { ACCOUNTING_DASHBOARD_READERS } from './read-access.js';
import { found } from './read-models.controller.js';
import { ReadSide } from './read-side.js';
import { ReadsProjections } from './reads-projections.decorator.js';

/** The money back from Brussels as the read model shows it: per fund and accounting year. */
@ApiTags('accounting')
@ApiBearerAuth()
@Controller()
@UseInterceptors(MinPositionInterceptor)
export class AccountingDashboardController {
  constructor(private readonly readSide: ReadSide) {}

  @Get('programmes/:programmeId/accounting-dashboard')
  @ReadsProjections('accounting-dashboards')
  @Roles(...ACCOUNTING_DASHBOARD_READERS)
  @ApiRead({
    operationId: 'getAccountingDashboard',
    summary:
      "A programme's money per fund and accounting year: paid to beneficiaries, declared, received from the Commission, under assessment, corrected",
    description:
      "One row per fund and accounting year (1 July to 30 June), by fund then year; filter with `fund` and `accountingYear`. Payments to beneficiaries and corrections count on the day in Italy they were made, recoveries on their value date; what the Commission paid counts in the year of the application it paid. Each figure is the sum of the events behind it, in integer euro cents. The funds' accounts as recorded are at `GET /programmes/{programmeId}/payment-applications` and `/accounts`.",
    type: AccountingDashboard,
    minPosition: true,
    problems: { 404: 'PROGRAMME_NOT_FOUND (or not seen by the read models yet: send X-Min-Position).' },
  })
  async dashboard(
    @Param('programmeId', EntityIdPipe) programmeId: string,
    @Query() query: FundAndYearQuery,
  ): Promise<AccountingDashboard> {
    const dashboard = shownAccountingDashboard(
      found(
        await (await this.readSide.space()).get('accounting_dashboards', programmeId),
        'PROGRAMME_NOT_FOUND',
        `Programme ${programmeId}`,
      ) as AccountingDashboardDocument,
    );
    return {
      programmeId: dashboard.programmeId,
      rows: dashboard.rows.filter(
        (row) =>
          (query.fund === undefined || row.fund === query.fund) &&
          (query.accountingYear === undefined || row.accountingYear === query.accountingYear),
      ),
    };
  }
}
