import { Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Query, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { acceptsBidsAt } from '@app/funding';
import type { ReadModelDocument, Where } from '@app/read-models';
import { Roles } from '../auth/roles.decorator.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { CLOCK, type Clock } from '../infrastructure/clock.js';
import { MinPositionInterceptor } from './min-position.interceptor.js';
import { ListBidsQuery, ListCallsQuery, ListGrantsQuery, type PageQuery } from './queries.dto.js';
import { ReadSide } from './read-side.js';

const READERS = ['viewer', 'auditor', 'programme-manager', 'evaluator', 'finance-officer'] as const;

/** The dashboard and query API: reads the read models only; the domain is not involved. */
@ApiTags('queries')
@ApiBearerAuth()
@Controller()
@UseInterceptors(MinPositionInterceptor)
export class ReadModelsController {
  constructor(
    private readonly readSide: ReadSide,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('programmes/:programmeId/dashboard')
  @Roles(...READERS)
  async dashboard(@Param('programmeId', EntityIdPipe) programmeId: string) {
    return found(await (await this.readSide.space()).get('programme_dashboards', programmeId), 'PROGRAMME_NOT_FOUND', `Programme ${programmeId}`);
  }

  @Get('calls')
  @Roles(...READERS)
  async calls(@Query() query: ListCallsQuery) {
    const where: Where = pick({ status: query.status, measureId: query.measureId, programmeId: query.programmeId });
    const page = await this.page('calls', where, query, [{ field: 'opensAt', direction: 'desc' }]);
    return { ...page, items: page.items.map((call) => this.withWindow(call)) };
  }

  @Get('calls/:callId')
  @Roles(...READERS)
  async call(@Param('callId', EntityIdPipe) callId: string) {
    return this.withWindow(found(await (await this.readSide.space()).get('calls', callId), 'CALL_NOT_FOUND', `Call ${callId}`));
  }

  /** Bids ranked by score: the best first; unscored bids after the scored ones, by submission. */
  @Get('calls/:callId/bids')
  @Roles(...READERS)
  async bidsOfCall(@Param('callId', EntityIdPipe) callId: string, @Query() query: ListBidsQuery) {
    const space = await this.readSide.space();
    found(await space.get('calls', callId), 'CALL_NOT_FOUND', `Call ${callId}`);
    const page = await this.page('bids', pick({ callId, status: query.status }), query, [
      { field: 'score', direction: 'desc' },
      { field: 'submittedAt', direction: 'asc' },
    ]);
    const offset = (page.page - 1) * page.pageSize;
    return { ...page, items: page.items.map((bid, i) => ({ ...bid, rank: bid['score'] === null ? null : offset + i + 1 })) };
  }

  @Get('bids/:bidId')
  @Roles(...READERS)
  async bid(@Param('bidId', EntityIdPipe) bidId: string) {
    return found(await (await this.readSide.space()).get('bids', bidId), 'BID_NOT_FOUND', `Bid ${bidId}`);
  }

  @Get('grants')
  @Roles(...READERS)
  async grants(@Query() query: ListGrantsQuery) {
    return this.page('grants', pick({ callId: query.callId, status: query.status }), query, [{ field: 'awardedAt', direction: 'asc' }]);
  }

  @Get('grants/:grantId')
  @Roles(...READERS)
  async grant(@Param('grantId', EntityIdPipe) grantId: string) {
    return found(await (await this.readSide.space()).get('grants', grantId), 'GRANT_NOT_FOUND', `Grant ${grantId}`);
  }

  /** Rebuilds every read model from position 0 into a new generation; queries keep answering meanwhile. */
  @Post('admin/projections/rebuild')
  @HttpCode(202)
  @Roles('programme-manager')
  rebuild() {
    return this.readSide.startRebuild();
  }

  private async page(collection: string, where: Where, query: PageQuery, orderBy: Array<{ field: string; direction: 'asc' | 'desc' }>) {
    const space = await this.readSide.space();
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 20;
    const [items, total] = await Promise.all([
      space.find(collection, { where, orderBy, offset: (page - 1) * pageSize, limit: pageSize }),
      space.count(collection, where),
    ]);
    return { items, page, pageSize, total };
  }

  /** Whether the call takes bids right now, by the domain's own rule (the window's end closes it). */
  private withWindow(call: ReadModelDocument) {
    const acceptingBids = acceptsBidsAt({ status: String(call['status']), opensAt: String(call['opensAt']), closesAt: String(call['closesAt']) }, this.clock.now());
    return { ...call, acceptingBids };
  }
}

function found(document: ReadModelDocument | null, code: string, what: string): ReadModelDocument {
  if (!document) throw new NotFoundException({ code, message: `${what} does not exist (or the read models have not seen it yet: send X-Min-Position)` });
  return document;
}

function pick(fields: Record<string, string | undefined>): Where {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Where;
}
