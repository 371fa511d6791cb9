import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AppendReport, CommandObserver, CommandReport } from '@app/commands';
import { projectionGauges } from '@app/config';
import { parsePosition, type LogPosition } from '@app/event-store';
import type { ProjectionHealth } from '../queries/read-side.js';

/** What one HTTP answer was, as the request observer saw it. */
export interface AnsweredRequest {
  readonly method: string;
  /** The route's pattern (`/calls/:callId/bids`), never the URL: ids and query strings stay out of the labels. */
  readonly route: string | null;
  readonly status: number | 'aborted';
  readonly seconds: number;
  readonly replayed: boolean;
}

/** The label of a request that matched no route (a 404, or refused by the body pipeline before routing). */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The product's Prometheus metrics (docs/operations.md lists them and what to alert on). Counters
 * and histograms move as requests and commands end; the gauges of the stores are set just before
 * each scrape (`storesObserved`), from the same figures as GET /health.
 */
@Injectable()
export class LedgerMetrics implements CommandObserver {
  readonly registry = new Registry();

  private readonly requests = new Histogram({
    name: 'ledger_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status, with their durations (status "aborted": the client left first).',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  private readonly replays = new Counter({
    name: 'ledger_http_idempotent_replays_total',
    help: 'Commands answered from the idempotency store (Idempotent-Replayed: true): retries that wrote nothing.',
    labelNames: ['route'] as const,
    registers: [this.registry],
  });

  private readonly commands = new Counter({
    name: 'ledger_commands_total',
    help: 'Commands run, by type and result: accepted, refused (by the domain), stale (If-Match), conflict (gave up after its retries), failed.',
    labelNames: ['command', 'result'] as const,
    registers: [this.registry],
  });

  private readonly refusals = new Counter({
    name: 'ledger_command_refusals_total',
    help: 'Commands refused by the domain, by type and refusal code.',
    labelNames: ['command', 'code'] as const,
    registers: [this.registry],
  });

  private readonly retries = new Counter({
    name: 'ledger_command_conflict_retries_total',
    help: 'Decisions made again because another writer appended to a stream between the read and the append.',
    labelNames: ['command'] as const,
    registers: [this.registry],
  });

  private readonly commandSeconds = new Histogram({
    name: 'ledger_command_duration_seconds',
    help: 'Commands from arrival in the pipeline to their answer, the wait behind earlier commands on the same stream included.',
    labelNames: ['command'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  private readonly appendSeconds = new Histogram({
    name: 'ledger_event_store_append_duration_seconds',
    help: "Atomic appends of a command's events, by result (appended, conflict, failed).",
    labelNames: ['result'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  private readonly storeUp = new Gauge({
    name: 'ledger_event_store_up',
    help: '1 when the event store answered the last scrape, 0 when it did not.',
    registers: [this.registry],
  });

  private readonly head = new Gauge({
    name: 'ledger_event_store_head_position',
    help: 'The commit position of the last event in the log (the event count on the embedded store).',
    registers: [this.registry],
  });

  /** Shared with the projector process (config/projection-metrics.ts). */
  private readonly projections = projectionGauges(this.registry);

  private readonly ready = new Gauge({
    name: 'ledger_ready',
    help: '1 when GET /health/ready would answer 200 (a write would land, the projections run), 0 when it would answer 503.',
    registers: [this.registry],
  });

  private readonly diskFree = new Gauge({
    name: 'ledger_disk_free_bytes',
    help: 'Bytes free on the filesystem of DATA_DIR (absent when no store keeps its files there: KurrentDB and MongoDB).',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  requestAnswered(request: AnsweredRequest): void {
    const route = request.route ?? UNMATCHED_ROUTE;
    this.requests.observe({ method: request.method, route, status: String(request.status) }, request.seconds);
    if (request.replayed) this.replays.inc({ route });
  }

  commandEnded(report: CommandReport): void {
    this.commands.inc({ command: report.command, result: report.result });
    if (report.refusal !== null) this.refusals.inc({ command: report.command, code: report.refusal });
    if (report.attempts > 1) this.retries.inc({ command: report.command }, report.attempts - 1);
    this.commandSeconds.observe({ command: report.command }, report.seconds);
  }

  appendEnded(report: AppendReport): void {
    this.appendSeconds.observe({ result: report.result }, report.seconds);
  }

  /** The stores as the scrape finds them; `head` undefined: the event store did not answer. */
  storesObserved(head: LogPosition | null | undefined, projections: readonly ProjectionHealth[] | null): void {
    this.storeUp.set(head === undefined ? 0 : 1);
    if (head !== undefined) this.head.set(head === null ? 0 : Number(head.commit));
    for (const projection of projections ?? []) {
      const labels = { projection: projection.projection };
      const at = projection.checkpoint === null ? null : parsePosition(projection.checkpoint);
      this.projections.checkpoint.set(labels, at === null ? 0 : Number(at.commit));
      if (projection.lag !== null) this.projections.lag.set(labels, Number(projection.lag));
      this.projections.failed.set(labels, projection.failure === null ? 0 : 1);
      this.projections.generation.set(labels, projection.generation);
      this.projections.rebuilding.set(labels, projection.rebuilding === null ? 0 : 1);
    }
  }

  /** Readiness as the scrape finds it; `freeBytes` null: the disk is not checked, or could not be read. */
  readinessObserved(ready: boolean, freeBytes: number | null): void {
    this.ready.set(ready ? 1 : 0);
    if (freeBytes === null) this.diskFree.reset();
    else this.diskFree.set(freeBytes);
  }

  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
