import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { Request, Response } from 'express';
import { OPERATION_COLUMNS, listOperations } from '@app/read-models';
import { Public } from '../auth/roles.decorator.js';
import { ReadSide } from '../queries/read-side.js';
import { RateLimitGuard } from './rate-limit.guard.js';

export class OpenDataQuery {
  @ApiPropertyOptional({ enum: ['json', 'csv'] })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

/**
 * The public list of operations (EU Reg. 2021/1060 art. 49): beneficiary, operation, call and
 * measure, fund, amounts awarded and paid, dates, status, from its own projection
 * (open-data-operations). No tax codes (the projection keeps none). Public, rate-limited; JSON or
 * CSV by `?format=` or `Accept`.
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
    res.status(200).setHeader('Content-Type', csv ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8');
    res.write(csv ? `${OPERATION_COLUMNS.join(',')}\n` : '{"operations":[');
    let first = true;
    for await (const operation of listOperations(space)) {
      res.write(csv ? `${OPERATION_COLUMNS.map((c) => csvCell(operation[c])).join(',')}\n` : `${first ? '' : ','}${JSON.stringify(operation)}`);
      first = false;
    }
    res.end(csv ? '' : ']}');
  }
}

/** RFC 4180 quoting; a leading = + - @ is prefixed so no spreadsheet runs a cell as a formula. */
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
