import { BadRequestException, Controller, Get, Inject, NotFoundException, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';
import { once } from 'node:events';
import {
  EVENT_STORE,
  assertStreamName,
  comparePositions,
  formatPosition,
  parsePosition,
  type EventStore,
  type LogPosition,
  type LogVerification,
  type RecordedEvent,
} from '@app/event-store';
import {
  BID,
  CALL,
  GRANT,
  PROGRAMME,
  bidStream,
  callStream,
  grantStream,
  programmeStream,
  type Evolving,
  type FundingEvent,
} from '@app/funding';
import { foldStream } from '@app/commands';
import type { AppConfig } from '@app/config';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/api-keys.js';
import { Roles } from '../auth/roles.decorator.js';
import { ApiRead } from '../http/api-docs.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { quoted } from '../http/field-rules.js';
import { WorkInProgress } from '../http/limits.js';
import { tooMany } from '../http/too-many.js';
import { APP_CONFIG } from '../infrastructure/app-config.provider.js';
import { AuditTrail } from './audit-trail.js';
import { AsOfQuery, GlobalLogQuery, StreamHistoryQuery } from './audit.dto.js';
import { GlobalLogPage, LogVerificationReport, StateAsOf, StreamHistory } from './audit.responses.js';

/** How each kind of entity is folded: the same evolve the write side uses, through the same foldStream. A Map: the kind comes from the path. */
const ENTITIES = new Map<string, { stream: (id: string) => string; fold: Evolving<unknown, FundingEvent> }>([
  ['programmes', { stream: programmeStream, fold: PROGRAMME as Evolving<unknown, FundingEvent> }],
  ['calls', { stream: callStream, fold: CALL as Evolving<unknown, FundingEvent> }],
  ['bids', { stream: bidStream, fold: BID as Evolving<unknown, FundingEvent> }],
  ['grants', { stream: grantStream, fold: GRANT as Evolving<unknown, FundingEvent> }],
]);

/** The auditor's view: the full history with its metadata, any state as of any moment, and the hash chain. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
@Roles('auditor')
export class AuditController {
  private readonly exports: WorkInProgress;
  /** Verifying reads the whole log: one at a time per principal. */
  private readonly verifies = new WorkInProgress(1);

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly trail: AuditTrail,
  ) {
    this.exports = new WorkInProgress(config.auditExportsPerPrincipal);
  }

  /** One entity's events with their metadata (actor, recordedAt, correlation, causation, command id). */
  @Get('streams/:stream')
  @ApiRead({
    operationId: 'getStreamHistory',
    summary: "One entity's events with their metadata, in pages",
    description:
      'Actor, recordedAt, correlation, causation and command id of every event of a stream such as `grant-<id>`, `call-<id>`, `bid-<id>`, `programme-<id>`.',
    type: StreamHistory,
    problems: { 404: 'STREAM_NOT_FOUND.' },
  })
  @ApiParam({
    name: 'stream',
    description:
      'A stream name: `<kind>-<id>`, e.g. `grant-officine-nido-grant`, or `audit-anchors`; 400 INVALID_STREAM otherwise',
    example: 'grant-officine-nido-grant',
  })
  async stream(@Param('stream') stream: string, @Query() query: StreamHistoryQuery) {
    try {
      assertStreamName(stream);
    } catch {
      throw new BadRequestException({
        code: 'INVALID_STREAM',
        message: `${quoted(stream)} is not a stream name such as call-<id>`,
      });
    }
    const limit = query.limit ?? 100;
    const events = await this.store.readStream(stream, { fromRevision: query.fromRevision ?? 0, limit: limit + 1 });
    if (events.length === 0 && (query.fromRevision ?? 0) === 0)
      throw new NotFoundException({ code: 'STREAM_NOT_FOUND', message: `Stream ${stream} has no events` });
    const page = events.slice(0, limit);
    return {
      stream,
      events: page.map(auditEvent),
      nextRevision: events.length > limit ? page[page.length - 1]!.revision + 1 : null,
    };
  }

  /** The global log in order, paginated by position. */
  @Get('events')
  @ApiRead({
    operationId: 'listLogEvents',
    summary: 'The global log in order, in pages: follow `next`',
    type: GlobalLogPage,
  })
  async events(@Query() query: GlobalLogQuery) {
    const limit = query.limit ?? 100;
    const after = query.after ? parsePosition(query.after) : null;
    const events = await this.store.readAll({ after, limit });
    return {
      events: events.map(auditEvent),
      next: events.length === limit ? formatPosition(events[events.length - 1]!.position) : null,
    };
  }

  /**
   * The whole history as NDJSON, one event per line, read in pages and written only as fast as
   * the client takes it: memory stays flat however long the log is. Between pages it lets every
   * other request through, and each principal runs a bounded number of exports at once.
   */
  @Get('export')
  @ApiRead({
    operationId: 'exportLog',
    summary: 'The whole history as NDJSON, one event per line',
    description: 'Each line is an `AuditEvent`. Streamed as fast as the client reads it.',
    content: { 'application/x-ndjson': { schema: { type: 'string', description: 'One AuditEvent (JSON) per line' } } },
    problems: { 429: 'Your exports already under way use your share.' },
  })
  async export(@CurrentPrincipal() principal: Principal, @Res() reply: FastifyReply): Promise<void> {
    const done = this.exports.start(principal.id);
    if (!done) throw tooMany(reply, 10, 'Your exports already under way use your share; retry when one ends');
    try {
      // Written to the Node response as it is read: Fastify leaves it to this route from here.
      reply.hijack();
      await this.exportTo(reply.raw);
    } finally {
      done();
    }
  }

  private async exportTo(res: ServerResponse): Promise<void> {
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="event-log.ndjson"');
    let after: LogPosition | null = null;
    let closed = false;
    res.once('close', () => (closed = true));
    try {
      for (;;) {
        const page: RecordedEvent[] = await this.store.readAll({ after, limit: EXPORT_PAGE });
        for (const event of page) {
          if (closed) return;
          if (!res.write(`${JSON.stringify(auditEvent(event))}\n`))
            await Promise.race([once(res, 'drain'), once(res, 'close')]);
        }
        if (page.length < EXPORT_PAGE) break;
        after = page[page.length - 1]!.position;
        await nextTurn();
      }
      res.end();
    } catch (error) {
      // Headers are gone: the only honest signal left is a cut response.
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** An entity's state as it was at a moment (recordedAt ≤ asOf) or a global position, folded as the write side folds it (foldStream: evolve, with each event's place in the log). */
  @Get(':kind/:id/state')
  @ApiRead({
    operationId: 'getStateAsOf',
    summary: "An entity's state as it was at a moment or a global position, folded as the write side folds it",
    type: StateAsOf,
    problems: { 404: 'NOT_FOUND (no such kind: use programmes, calls, bids or grants), STREAM_NOT_FOUND.' },
  })
  @ApiParam({ name: 'kind', enum: [...ENTITIES.keys()], description: 'The kind of entity' })
  async stateAsOf(@Param('kind') kind: string, @Param('id', EntityIdPipe) id: string, @Query() query: AsOfQuery) {
    const entity = ENTITIES.get(kind);
    if (!entity)
      throw new NotFoundException({
        code: 'NOT_FOUND',
        message: `No such entity kind ${JSON.stringify(kind.slice(0, 64))}: use programmes, calls, bids or grants`,
      });
    const stream = entity.stream(id);
    const all = await this.store.readStream(stream);
    if (all.length === 0) throw new NotFoundException({ code: 'STREAM_NOT_FOUND', message: `${stream} has no events` });
    const position = parsePosition(query.asOf);
    const instant = position ? null : Date.parse(query.asOf);
    if (instant !== null && Number.isNaN(instant))
      throw new BadRequestException({ code: 'VALIDATION_FAILED', message: 'asOf is not a valid date-time' });
    const included = all.filter((e) =>
      position ? comparePositions(e.position, position) <= 0 : Date.parse(e.metadata.recordedAt) <= instant!,
    );
    const state = foldStream(entity.fold, included);
    const last = included[included.length - 1];
    return {
      stream,
      asOf: query.asOf,
      revision: last?.revision ?? null,
      position: last ? formatPosition(last.position) : null,
      eventsApplied: included.length,
      state: asJson(state),
    };
  }

  /**
   * Verifies the whole log on any event store: every stream's hash chain, every anchor against the
   * heads the log holds and against its signature, each stream read on its own, and the embedded
   * store's log-wide chain. `firstBroken` is the first problem found, for a quick look.
   */
  @Get('verify')
  @ApiRead({
    operationId: 'verifyLog',
    summary: "Verify the whole log: stream chains, signed anchors, the store's own chain",
    type: LogVerificationReport,
    problems: { 429: 'A verification of yours is already under way.' },
  })
  async verify(@CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) res: FastifyReply) {
    const done = this.verifies.start(principal.id);
    if (!done) throw tooMany(res, 10, 'A verification of yours is already under way; retry when it ends');
    let result;
    try {
      result = await this.trail.verify();
    } finally {
      done();
    }
    return verificationReport(result, this.trail.blocker);
  }
}

/** The verification as the API and `npm run audit:verify` report it. */
export function verificationReport(result: LogVerification, notVerified: string | null = null) {
  const log = result.log;
  const streamBreak = result.streams.broken[0];
  const anchorBreak = result.anchors.broken[0];
  const firstBroken = log?.firstBroken
    ? { position: formatPosition(log.firstBroken.position), reason: log.firstBroken.reason }
    : streamBreak
      ? { position: streamBreak.position, reason: `${streamBreak.stream}: ${streamBreak.reason}` }
      : anchorBreak
        ? { position: anchorBreak.position, reason: anchorBreak.reason }
        : null;
  return {
    supported: true,
    ok: result.ok && notVerified === null,
    notVerified,
    checked: result.events,
    headLink: log?.headLink ?? null,
    headPosition: log?.headPosition ? formatPosition(log.headPosition) : null,
    firstBroken,
    streams: result.streams,
    anchors: result.anchors,
    log: log
      ? {
          ok: log.ok,
          checked: log.checked,
          headLink: log.headLink,
          headPosition: log.headPosition ? formatPosition(log.headPosition) : null,
          firstBroken: log.firstBroken
            ? { position: formatPosition(log.firstBroken.position), reason: log.firstBroken.reason }
            : null,
        }
      : null,
  };
}

/** Events per page of an export: small enough that a page holds the event loop for well under a millisecond or two. */
const EXPORT_PAGE = 50;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function auditEvent(event: RecordedEvent) {
  return {
    position: formatPosition(event.position),
    stream: event.stream,
    revision: event.revision,
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: event.metadata,
    ...(event.link ? { link: event.link } : {}),
  };
}

/** State as JSON: a Map (a programme's measures, a measure's reservations) becomes an object of its entries. */
function asJson(value: unknown): unknown {
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [k, asJson(v)]));
  if (Array.isArray(value)) return value.map(asJson);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asJson(v)]));
  return value;
}
