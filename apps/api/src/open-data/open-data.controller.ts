import { applyDecorators, Controller, Get, Inject, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiPropertyOptional, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AppConfig } from '@app/config';
import {
  OPENCOESIONE_COLUMNS,
  OPERATION_COLUMNS,
  listOperations,
  opencoesioneRow,
  openDataOperations,
  type ReadModelSpace,
} from '@app/read-models';
import { Public } from '../auth/roles.decorator.js';
import { ApiProblems, ApiPublic } from '../http/api-docs.js';
import { WorkInProgress } from '../http/limits.js';
import { preferredType } from '../http/media-types.js';
import { busy } from '../http/too-many.js';
import { APP_CONFIG } from '../infrastructure/app-config.provider.js';
import { ReadSide } from '../queries/read-side.js';
import { PublicOperationList } from './open-data.responses.js';
import { RateLimitGuard } from './rate-limit.guard.js';

export class OpenDataQuery {
  @ApiPropertyOptional({
    enum: ['json', 'csv'],
    description: 'Absent: by `Accept` (text/csv or application/json), JSON by default',
  })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

/** What both lists answer, beside their content: the ETag to send back, 304 while unchanged, the limits. */
const PublicList = (content: Record<string, { schema: object }>) =>
  applyDecorators(
    ApiHeader({
      name: 'If-None-Match',
      required: false,
      schema: { type: 'string' },
      description: 'The ETag of a list you hold: 304 while it is unchanged',
    }),
    ApiResponse({
      status: 200,
      description: 'The list',
      content,
      headers: {
        ETag: {
          description: "The list's version (the projection's checkpoint): send it back as If-None-Match",
          schema: { type: 'string', example: '"g1-42.42-json"' },
        },
        'Cache-Control': {
          description: '`public, no-cache`: caches keep it and revalidate',
          schema: { type: 'string' },
        },
      },
    }),
    ApiResponse({
      status: 304,
      description: 'Unchanged since the ETag sent in If-None-Match',
      headers: { ETag: { description: "The list's version", schema: { type: 'string' } } },
    }),
    ApiProblems({
      400: true,
      429: true,
      500: true,
      503: 'BUSY: as many lists as the server generates at once are under way.',
    }),
  );

/** Rows written between two turns of the event loop. */
const ROWS_PER_TURN = 200;

/**
 * The public list of operations (EU Reg. 2021/1060 art. 49): beneficiary, operation, call and
 * measure, fund, amounts awarded and paid, dates, status, from its own projection
 * (open-data-operations). Every operation is listed; a natural person never by name (a neutral
 * label, NUTS 2 only, no municipality) and no tax codes (the projection keeps none). Public, rate-limited per
 * address; JSON or CSV by `?format=` or `Accept`. Its ETag is the projection's checkpoint, so an
 * unchanged list answers 304; a bounded number of lists is generated at once.
 */
@ApiTags('open data')
@ApiExtraModels(PublicOperationList)
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
  @ApiPublic({
    operationId: 'listPublicOperations',
    summary: 'The public list of operations (EU Reg. 2021/1060 art. 49), as JSON or CSV',
    description:
      'No key needed; rate-limited per address. Every operation, in order of award. A legal person by name; a natural person never named (`beneficiaryName` is the neutral label `Natural person`, location NUTS 2 only, no municipality), also in a measure touching health or social hardship; no tax codes. Amounts in integer euro cents.',
  })
  @PublicList({
    'application/json': { schema: { $ref: getSchemaPath(PublicOperationList) } },
    'text/csv': {
      schema: {
        type: 'string',
        description: 'The same columns as PublicOperation, comma-separated, with a header line',
      },
    },
  })
  @UseGuards(RateLimitGuard)
  async operations(@Query() query: OpenDataQuery, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const accepted = preferredType(req.headers.accept, ['application/json', 'text/csv']);
    const csv = (query.format ?? (accepted === 'text/csv' ? 'csv' : 'json')) === 'csv';
    await this.list(req, res, csv ? 'csv' : 'json', async (space, write) => {
      await write(csv ? `${OPERATION_COLUMNS.join(',')}\n` : '{"operations":[');
      let first = true;
      for await (const operation of listOperations(space)) {
        const published = Object.fromEntries(OPERATION_COLUMNS.map((c) => [c, operation[c]]));
        await write(
          csv
            ? `${OPERATION_COLUMNS.map((c) => csvCell(operation[c])).join(',')}\n`
            : `${first ? '' : ','}${JSON.stringify(published)}`,
        );
        first = false;
      }
      await write(csv ? '' : ']}');
    });
  }

  /**
   * The operations in OpenCoesione's project format, for the national portal: their column names,
   * `;` between fields, euro with a comma before the cents, dates YYYYMMDD, payments net of recoveries.
   */
  @Get('opencoesione')
  @Public()
  @ApiPublic({
    operationId: 'listOpenCoesioneProjects',
    summary: "The operations in OpenCoesione's project format, for the national portal",
    description:
      "Its column names, `;` between fields, euro with a comma before the cents, dates YYYYMMDD, payments net of recoveries. Every operation; a natural person's beneficiary is `Persona fisica` (OC_DENOM_BENEFICIARIO), never their name or tax code.",
  })
  @PublicList({
    'text/csv': {
      schema: { type: 'string', description: "OpenCoesione's project columns, `;`-separated, with a header line" },
    },
  })
  @UseGuards(RateLimitGuard)
  async opencoesione(@Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    await this.list(req, res, 'opencoesione', async (space, write) => {
      await write(`${OPENCOESIONE_COLUMNS.join(';')}\n`);
      for await (const operation of listOperations(space)) {
        const row = opencoesioneRow(operation);
        await write(`${OPENCOESIONE_COLUMNS.map((c) => csvCell(row[c], ';')).join(';')}\n`);
      }
    });
  }

  /** One list: its ETag (the projection's checkpoint), 304 when unchanged, a bounded number generated at once, written as fast as the client reads. */
  private async list(
    req: FastifyRequest,
    reply: FastifyReply,
    format: 'json' | 'csv' | 'opencoesione',
    body: (space: ReadModelSpace, write: (text: string) => Promise<void>) => Promise<void>,
  ): Promise<void> {
    const space = await this.readSide.space();
    const { checkpoint } = await space.status(openDataOperations.name);
    const etag = `"g${space.generation}-${checkpoint ? `${checkpoint.commit}.${checkpoint.prepare}` : '0'}-${format}"`;
    // The list is written to the Node response as it is generated: Fastify leaves it to this route.
    const res: ServerResponse = reply.raw;
    const cacheable = () => {
      res.setHeader('ETag', etag);
      res.setHeader('Cache-Control', 'public, no-cache');
      res.setHeader('Vary', 'Accept');
    };
    if (req.headers['if-none-match'] === etag) {
      reply.hijack();
      cacheable();
      res.statusCode = 304;
      res.end();
      return;
    }
    // A 503 is no version of the list: it carries neither its ETag nor leave to cache it.
    const done = this.generating.start('everyone');
    if (!done) throw busy(reply, 2, 'As many lists as the server generates at once are under way; retry shortly');
    reply.hijack();
    cacheable();
    try {
      res.statusCode = 200;
      res.setHeader('Content-Type', format === 'json' ? 'application/json; charset=utf-8' : 'text/csv; charset=utf-8');
      let closed = false;
      res.once('close', () => (closed = true));
      let writes = 0;
      await body(space, async (text) => {
        if (closed || text === '') return;
        if (!res.write(text)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
        if (++writes % ROWS_PER_TURN === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      });
      res.end();
    } finally {
      done();
    }
  }
}

/** RFC 4180 quoting; a leading = + - @ is prefixed so no spreadsheet runs a cell as a formula. */
function csvCell(value: unknown, separator = ','): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string') text = `'${text}`;
  return text.includes(separator) || /["\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
