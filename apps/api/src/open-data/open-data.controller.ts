import { Controller, Get, Inject, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { Request, Response } from 'express';
import { once } from 'node:events';
import type { AppConfig } from '@app/config';
import { OPERATION_COLUMNS, listOperations, openDataOperations } from '@app/read-models';
import { Public } from '../auth/roles.decorator.js';
import { WorkInProgress } from '../http/limits.js';
import { busy } from '../http/too-many.js';
import { APP_CONFIG } from '../infrastructure/app-config.provider.js';
import { ReadSide } from '../queries/read-side.js';
import { RateLimitGuard } from './rate-limit.guard.js';

export class OpenDataQuery {
  @ApiPropertyOptional({ enum: ['json', 'csv'] })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

/** Rows written between two turns of the event loop. */
const ROWS_PER_TURN = 200;

/**
 * The public list of operations (EU Reg. 2021/1060 art. 49): beneficiary, operation, call and
 * measure, fund, amounts awarded and paid, dates, status, from its own projection
 * (open-data-operations). No tax codes (the projection keeps none). Public, rate-limited per
 * address; JSON or CSV by `?format=` or `Accept`. Its ETag is the projection's checkpoint, so an
 * unchanged list answers 304; a bounded number of lists is generated at once.
 */
@ApiTags('open data')
@Controller('open-data')
export class OpenDataController {
  private readonly generating: WorkInProgress;

  constructor(
    private readonly readSide: ReadSide,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.generating = new WorkInProgress(config.openDataConcurrent);
  }

  @Get('operations')
  @Public()
  @UseGuards(RateLimitGuard)
  async operations(@Query() query: OpenDataQuery, @Req() req: Request, @Res() res: Response): Promise<void> {
    const csv = (query.format ?? (req.accepts(['application/json', 'text/csv']) === 'text/csv' ? 'csv' : 'json')) === 'csv';
    const space = await this.readSide.space();
    const { checkpoint } = await space.status(openDataOperations.name);
    const etag = `"g${space.generation}-${checkpoint ? `${checkpoint.commit}.${checkpoint.prepare}` : '0'}-${csv ? 'csv' : 'json'}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'public, no-cache');
    res.setHeader('Vary', 'Accept');
    if (req.headers['if-none-match'] === etag) {
      res.status(304).end();
      return;
    }
    const done = this.generating.start('everyone');
    if (!done) throw busy(res, 2, 'As many lists as the server generates at once are under way; retry shortly');
    try {
      res.status(200).setHeader('Content-Type', csv ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8');
      let closed = false;
      res.once('close', () => (closed = true));
      res.write(csv ? `${OPERATION_COLUMNS.join(',')}\n` : '{"operations":[');
      let rows = 0;
      for await (const operation of listOperations(space)) {
        if (closed) return;
        const line = csv ? `${OPERATION_COLUMNS.map((c) => csvCell(operation[c])).join(',')}\n` : `${rows === 0 ? '' : ','}${JSON.stringify(operation)}`;
        if (!res.write(line)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
        if (++rows % ROWS_PER_TURN === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      }
      res.end(csv ? '' : ']}');
    } finally {
      done();
    }
  }
}

/** RFC 4180 quoting; a leading = + - @ is prefixed so no spreadsheet runs a cell as a formula. */
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
