import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, formatPosition, type EventStore } from '@app/event-store';
import type { ProjectionStatus, RunnerStatus } from '@app/read-models';
import { EVENT_STORE_INFO, type EventStoreInfo } from '../infrastructure/event-store.provider.js';
import { ReadSide, type ProjectionHealth } from '../queries/read-side.js';
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

export type HealthReport =
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

/**
 * What GET /health and GET /health/ready answer, and the metrics' `ledger_ready`: the event
 * store, the read models, and whether a write would land.
 */
@Injectable()
export class HealthReports {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(EVENT_STORE_INFO) private readonly info: EventStoreInfo,
    private readonly readSide: ReadSide,
    private readonly writes: WriteReadiness,
  ) {}

  async report(): Promise<HealthReport> {
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
    // A runner counts for the generation queries read for its projection (not one it is leaving).
    const live = new Map(health.projections.map((p) => [p.projection, p.generation]));
    const here = new Map(
      (this.readSide.projector?.statuses() ?? [])
        .filter((s) => s.generation === live.get(s.projection))
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
export function notReady(report: HealthReport): string[] {
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
