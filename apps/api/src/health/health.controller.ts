import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { EVENT_STORE, formatPosition, type EventStore } from '@app/event-store';
import type { ProjectionStatus, RunnerStatus } from '@app/read-models';
import { Public } from '../auth/roles.decorator.js';
import { ApiProblems, ApiPublic } from '../http/api-docs.js';
import { EVENT_STORE_INFO, type EventStoreInfo } from '../infrastructure/event-store.provider.js';
import { ReadSide, type ProjectionHealth } from '../queries/read-side.js';
import { Health, HealthUnavailableResponse, Liveness, Readiness } from './health.responses.js';
import { WriteReadiness, type WritesReport } from './write-readiness.js';

interface Reconnecting {
  readonly since: string;
  readonly attempts: number;
  readonly lastError: string;
  readonly nextAttemptAt: string;
}

type ProjectionReport = ProjectionHealth & { readonly reconnecting: Reconnecting | null };

type ReadModelsReport =
  | { readonly generation: number; readonly projections: ProjectionReport[]; readonly rebuilding: boolean }
  | { readonly error: string };

type HealthReport =
  | {
      readonly status: 'unavailable';
      readonly eventStore: { readonly status: 'unavailable'; readonly error: string } & EventStoreInfoBody;
      readonly writes: WritesReport;
    }
  | {
      readonly status: 'ok' | 'degraded';
      readonly eventStore: { readonly status: 'ok'; readonly headPosition: string | null } & EventStoreInfoBody;
      readonly readModels: ReadModelsReport;
      readonly writes: WritesReport;
    };

type EventStoreInfoBody = { readonly adapter: string; readonly durability: Readonly<Record<string, string>> | null };

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(EVENT_STORE_INFO) private readonly info: EventStoreInfo,
    private readonly readSide: ReadSide,
    private readonly writes: WriteReadiness,
  ) {}

  /**
   * The event store's state (reachable, where its log ends, how appends are made durable) and
   * each projection's: its checkpoint, how far behind the log it is, why it stopped if it did, and
   * what it is going through while it reconnects.
   */
  @Get()
  @Public()
  @ApiPublic({
    operationId: 'getHealth',
    summary: "The event store's and each projection's state",
    description: 'No key needed.',
  })
  @ApiResponse({
    status: 200,
    description:
      'The event store answers: `ok`, or `degraded` when a projection stopped or is reconnecting, the read models cannot be read, the disk of DATA_DIR is below HEALTH_MIN_FREE_DISK_BYTES or the last append failed for the store (`writes` says which)',
    type: Health,
  })
  @ApiResponse({ status: 503, description: 'The event store cannot be reached', type: HealthUnavailableResponse })
  @ApiProblems({ 400: true, 500: true })
  async health(@Res({ passthrough: true }) res: FastifyReply) {
    const report = await this.report();
    if (report.status === 'unavailable') res.code(HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }

  /**
   * Whether this process should be sent traffic: the stores answer, a write would land (free disk,
   * the last append not failed for the store) and every projection runs (or stands by for another process).
   */
  @Get('ready')
  @Public()
  @ApiPublic({
    operationId: 'getReadiness',
    summary: 'Whether this process is ready for traffic',
    description:
      'No key needed. For load balancers and orchestrators: 503 while a projection has failed or is reconnecting (its reads would be stale and read-your-writes would wait), the read models cannot be read, the event store cannot be reached, the filesystem of DATA_DIR has less free space than HEALTH_MIN_FREE_DISK_BYTES (`disk-low`; embedded stores only, checked at most once a second), or the last append failed for the store (`event-store-not-writable`: unavailable, disk full, I/O error) and no append or probe has landed since; 200 otherwise. `/health` says more.',
  })
  @ApiResponse({ status: 200, description: 'Ready: `reasons` is empty', type: Readiness })
  @ApiResponse({ status: 503, description: 'Not ready: `reasons` says why, one line each', type: Readiness })
  @ApiProblems({ 400: true, 500: true })
  async ready(@Res({ passthrough: true }) res: FastifyReply) {
    const reasons = notReady(await this.report());
    if (reasons.length > 0) res.code(HttpStatus.SERVICE_UNAVAILABLE);
    return { status: reasons.length > 0 ? 'not-ready' : 'ready', reasons };
  }

  /** Whether the process answers at all: reads no store, so a store that is down does not get the process restarted. */
  @Get('live')
  @Public()
  @ApiPublic({
    operationId: 'getLiveness',
    summary: 'Whether the process answers',
    description: 'No key needed; reads no store. For orchestrators: restart the process when this does not answer.',
  })
  @ApiResponse({ status: 200, description: 'The process answers', type: Liveness })
  @ApiProblems({ 400: true, 500: true })
  live() {
    return { status: 'live' };
  }

  private async report(): Promise<HealthReport> {
    const eventStore = { adapter: this.info.adapter, durability: this.info.durability };
    let head;
    try {
      head = await this.store.headPosition();
    } catch (error) {
      return {
        status: 'unavailable',
        eventStore: { ...eventStore, status: 'unavailable', error: String(error) },
        writes: await this.writes.report(false),
      };
    }
    const [readModels, writes] = await Promise.all([
      this.readModels().catch((error: unknown) => ({ error: String(error) })),
      this.writes.report(true),
    ]);
    const degraded =
      'error' in readModels ||
      readModels.projections.some((p) => p.failure !== null || p.state === 'reconnecting') ||
      writesBlocked(writes).length > 0;
    return {
      status: degraded ? 'degraded' : 'ok',
      eventStore: { ...eventStore, status: 'ok', headPosition: head ? formatPosition(head) : null },
      readModels,
      writes,
    };
  }

  /**
   * The read side's health, with what a reconnecting projection is going through: from the runner
   * when this process runs it, else from the store, where the process that runs it records it.
   */
  private async readModels(): Promise<ReadModelsReport> {
    const health = await this.readSide.health();
    const here = new Map(
      (this.readSide.projector?.statuses() ?? [])
        .filter((s) => s.generation === health.generation)
        .map((s) => [s.projection, s]),
    );
    const stored =
      here.size === health.projections.length
        ? new Map<string, ProjectionStatus>()
        : new Map((await (await this.readSide.space()).statuses()).map((s) => [s.projection, s]));
    return {
      ...health,
      projections: health.projections.map((p) => withReconnecting(p, here.get(p.projection), stored.get(p.projection))),
    };
  }
}

function withReconnecting(
  projection: ProjectionHealth,
  runner: RunnerStatus | undefined,
  stored: ProjectionStatus | undefined,
): ProjectionReport {
  if (projection.state === 'failed') return { ...projection, reconnecting: null };
  if (runner) {
    const reconnecting = runner.state === 'reconnecting' ? runner.reconnecting : null;
    return {
      ...projection,
      state: runner.state,
      reconnecting: reconnecting && {
        since: reconnecting.since.toISOString(),
        attempts: reconnecting.attempts,
        lastError: reconnecting.lastError,
        nextAttemptAt: reconnecting.nextAttemptAt.toISOString(),
      },
    };
  }
  // Run by another process (the projector's own, or the API holding the lease).
  if (stored?.interruption) return { ...projection, state: 'reconnecting', reconnecting: { ...stored.interruption } };
  return { ...projection, reconnecting: null };
}

/** Why the process should not be sent traffic; none when it should. */
function notReady(report: HealthReport): string[] {
  const writes = writesBlocked(report.writes);
  if (report.status === 'unavailable') return [`event store: unavailable (${report.eventStore.error})`, ...writes];
  if ('error' in report.readModels) return [`read models: cannot be read (${report.readModels.error})`, ...writes];
  return [...writes, ...projectionsNotRunning(report.readModels.projections)];
}

/** Why a write would not land: the disk, or the last append. */
function writesBlocked({ disk, appendFailure }: WritesReport): string[] {
  const reasons: string[] = [];
  if (disk.status === 'low')
    reasons.push(
      `disk-low: ${disk.freeBytes} bytes free on the filesystem of ${disk.path}, below HEALTH_MIN_FREE_DISK_BYTES (${disk.minFreeBytes})`,
    );
  if (disk.status === 'unreadable') reasons.push(`disk-unreadable: ${disk.path} (${disk.error})`);
  if (appendFailure)
    reasons.push(
      `event-store-not-writable: ${appendFailure.code} since ${appendFailure.since} (${appendFailure.error})${appendFailure.probe ? `; probe: ${appendFailure.probe}` : ''}`,
    );
  return reasons;
}

function projectionsNotRunning(projections: readonly ProjectionReport[]): string[] {
  return projections.flatMap((p) => {
    if (p.state === 'failed')
      return [`${p.projection}: failed${p.failure ? ` at ${p.failure.at} (${p.failure.message})` : ''}`];
    if (p.state === 'reconnecting') {
      const r = p.reconnecting;
      return [
        `${p.projection}: reconnecting${r ? ` since ${r.since}, next attempt at ${r.nextAttemptAt} (${r.lastError})` : ''}`,
      ];
    }
    return [];
  });
}
