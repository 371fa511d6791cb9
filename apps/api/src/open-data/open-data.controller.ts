import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { Request, Response } from 'express';
import type { CallSummary, GrantSummary, ProgrammeDashboard } from '@app/read-models';
import { Public } from '../auth/roles.decorator.js';
import { ReadSide } from '../queries/read-side.js';
import { RateLimitGuard } from './rate-limit.guard.js';

export class OpenDataQuery {
  @ApiPropertyOptional({ enum: ['json', 'csv'] })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

/** One operation of the list of EU Reg. 2021/1060 art. 49, as far as the model knows it. */
export interface Operation {
  readonly operationId: string;
  readonly beneficiaryName: string;
  readonly beneficiaryType: string;
  readonly operationTitle: string;
  readonly programmeId: string;
  readonly programmeCode: string;
  readonly callId: string;
  readonly callTitle: string;
  readonly measureId: string;
  readonly measureCode: string;
  readonly measureTitle: string;
  readonly fund: string;
  readonly amountAwardedCents: number;
  readonly amountPaidCents: number;
  readonly awardedAt: string;
  readonly completedAt: string | null;
  readonly revokedAt: string | null;
  readonly status: string;
}

const COLUMNS: ReadonlyArray<keyof Operation> = [
  'operationId', 'beneficiaryName', 'beneficiaryType', 'operationTitle', 'programmeId', 'programmeCode', 'callId', 'callTitle',
  'measureId', 'measureCode', 'measureTitle', 'fund', 'amountAwardedCents', 'amountPaidCents', 'awardedAt', 'completedAt', 'revokedAt', 'status',
];
const PAGE = 500;

/**
 * The public list of operations (EU Reg. 2021/1060 art. 49): beneficiary, operation, call and
 * measure, fund, amounts awarded and paid, dates, status. No tax codes (the read models keep
 * none). Public, rate-limited; JSON or CSV by `?format=` or `Accept`.
 */
@ApiTags('open data')
@Controller('open-data')
export class OpenDataController {
  constructor(private readonly readSide: ReadSide) {}

  @Get('operations')
  @Public()
  @UseGuards(RateLimitGuard)
  async operations(@Query() query: OpenDataQuery, @Req() req: Request, @Res() res: Response): Promise<void> {
    const csv = (query.format ?? (req.accepts(['application/json', 'text/csv']) === 'text/csv' ? 'csv' : 'json')) === 'csv';
    const space = await this.readSide.space();
    const calls = new Map<string, CallSummary>();
    const dashboards = new Map<string, ProgrammeDashboard | null>();
    res.status(200).setHeader('Content-Type', csv ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8');
    res.write(csv ? `${COLUMNS.join(',')}\n` : '{"operations":[');
    let first = true;
    for (let offset = 0; ; offset += PAGE) {
      const grants = (await space.find('grants', { orderBy: [{ field: 'awardedAt', direction: 'asc' }], offset, limit: PAGE })) as GrantSummary[];
      for (const grant of grants) {
        if (!calls.has(grant.callId)) calls.set(grant.callId, (await space.get('calls', grant.callId)) as CallSummary);
        if (!dashboards.has(grant.programmeId)) dashboards.set(grant.programmeId, (await space.get('programme_dashboards', grant.programmeId)) as ProgrammeDashboard | null);
        const operation = toOperation(grant, calls.get(grant.callId), dashboards.get(grant.programmeId) ?? null);
        res.write(csv ? `${COLUMNS.map((c) => csvCell(operation[c])).join(',')}\n` : `${first ? '' : ','}${JSON.stringify(operation)}`);
        first = false;
      }
      if (grants.length < PAGE) break;
    }
    res.end(csv ? '' : ']}');
  }
}

function toOperation(grant: GrantSummary, call: CallSummary | undefined, dashboard: ProgrammeDashboard | null): Operation {
  const measure = dashboard?.measures.find((m) => m.measureId === grant.measureId);
  return {
    operationId: grant.grantId,
    beneficiaryName: grant.beneficiary.name,
    beneficiaryType: grant.beneficiary.type,
    operationTitle: grant.projectTitle,
    programmeId: grant.programmeId,
    programmeCode: dashboard?.code ?? '',
    callId: grant.callId,
    callTitle: call?.title ?? '',
    measureId: grant.measureId,
    measureCode: measure?.code ?? '',
    measureTitle: measure?.title ?? '',
    fund: grant.fund,
    amountAwardedCents: grant.awardCents,
    amountPaidCents: grant.disbursedCents,
    awardedAt: grant.awardedAt,
    completedAt: grant.completedAt,
    revokedAt: grant.revokedAt,
    status: grant.status,
  };
}

/** RFC 4180 quoting; a leading = + - @ is prefixed so no spreadsheet runs a cell as a formula. */
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
