import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { projectionGauges } from '@app/config';
import { comparePositions, type LogPosition } from '@app/event-store';
import type { BatchReport, RunnerStatus } from '@app/read-models';

/**
 * The projector process's Prometheus metrics (docs/operations.md): the projections' gauges under
 * the API's names (config/projection-metrics.ts), set at each scrape; the events projected and the
 * batches' durations as each batch is committed; and the default process metrics.
 */
export class ProjectorMetrics {
  readonly registry = new Registry();
  private readonly projections = projectionGauges(this.registry);

  private readonly events = new Counter({
    name: 'ledger_projection_events_total',
    help: 'Events each projection has read and committed (rate() gives events per second).',
    labelNames: ['projection'] as const,
    registers: [this.registry],
  });

  private readonly batches = new Histogram({
    name: 'ledger_projection_batch_duration_seconds',
    help: "A projection's batches, from the first event applied to the commit made.",
    labelNames: ['projection'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly failures = new Counter({
    name: 'ledger_projection_failures_total',
    help: 'Times a projection stopped on an event it could not apply.',
    labelNames: ['projection'] as const,
    registers: [this.registry],
  });

  private readonly storeUp = new Gauge({
    name: 'ledger_event_store_up',
    help: '1 when the event store answered the last scrape, 0 when it did not.',
    registers: [this.registry],
  });

  private readonly ready = new Gauge({
    name: 'ledger_ready',
    help: 'Projector process: 1 when the event store answered the scrape and no projection is failed or reconnecting, 0 otherwise.',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  batchCommitted(batch: BatchReport): void {
    this.events.inc({ projection: batch.projection }, batch.events);
    this.batches.observe({ projection: batch.projection }, batch.seconds);
  }

  projectionFailed(projection: string): void {
    this.failures.inc({ projection });
  }

  /** The runners and the head as the scrape finds them; `head` undefined: the event store did not answer. */
  observed(
    head: LogPosition | null | undefined,
    statuses: readonly RunnerStatus[],
    rebuilding: ReadonlySet<string> = new Set(),
  ): void {
    this.storeUp.set(head === undefined ? 0 : 1);
    let running = head !== undefined;
    for (const status of statuses) {
      const labels = { projection: status.projection };
      this.projections.generation.set(labels, status.generation);
      this.projections.rebuilding.set(labels, rebuilding.has(status.projection) ? 1 : 0);
      this.projections.checkpoint.set(labels, status.checkpoint === null ? 0 : Number(status.checkpoint.commit));
      if (head !== undefined) {
        const behind =
          head === null
            ? 0n
            : status.checkpoint === null
              ? head.commit
              : comparePositions(head, status.checkpoint) > 0
                ? head.commit - status.checkpoint.commit
                : 0n;
        this.projections.lag.set(labels, Number(behind));
      }
      this.projections.failed.set(labels, status.state === 'failed' ? 1 : 0);
      if (status.state === 'failed' || status.state === 'reconnecting') running = false;
    }
    this.ready.set(running ? 1 : 0);
  }
}

/**
 * GET /metrics on a listener of its own, as the API's (METRICS_PORT, bound to METRICS_HOST):
 * `observe` runs before each scrape. Prints `cohesion-ledger projector metrics at http://…/metrics`.
 */
export async function serveMetrics(
  metrics: ProjectorMetrics,
  port: number,
  host: string,
  observe: () => Promise<void>,
  onError: (message: string) => void,
): Promise<Server> {
  const server = createServer((req, res) => {
    if ((req.url ?? '').split('?')[0] !== '/metrics')
      return void res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Only /metrics here\n');
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return void res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end();
    void observe()
      .then(() => metrics.registry.metrics())
      .then(
        (body) =>
          res
            .writeHead(200, { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' })
            .end(req.method === 'HEAD' ? undefined : body),
        (error: unknown) => {
          onError(`Could not collect the metrics: ${String(error)}`);
          if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
          res.end();
        },
      );
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { address, port: bound } = server.address() as AddressInfo;
  process.stdout.write(
    `cohesion-ledger projector metrics at http://${address.includes(':') ? `[${address}]` : address}:${bound}/metrics\n`,
  );
  return server;
}
