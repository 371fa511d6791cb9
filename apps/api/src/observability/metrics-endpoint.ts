import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { AppConfig } from '@app/config';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { APP_CONFIG } from '../infrastructure/app-config.provider.js';
import { HealthReports, notReady } from '../health/health-reports.js';
import { ReadSide } from '../queries/read-side.js';
import { LedgerMetrics } from './ledger-metrics.js';
import { stopTracing } from './tracing.js';

/**
 * GET /metrics in Prometheus's text format, on a listener of its own (METRICS_PORT, bound to
 * METRICS_HOST, 127.0.0.1 by default) rather than a route of the API: Prometheus scrapes it with
 * no API key, the API's address space and limits stay the clients', and only the network the
 * listener is bound to reaches it. Off unless METRICS_PORT is set. It prints
 * `cohesion-ledger metrics at http://<host>:<port>/metrics` once listening. Also flushes the
 * traces at shutdown.
 */
@Injectable()
export class MetricsEndpoint implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server: Server | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: LedgerMetrics,
    private readonly readSide: ReadSide,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    private readonly health: HealthReports,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.metricsPort === null) return;
    const server = createServer((req, res) => void this.answer(req, res));
    server.requestTimeout = 10_000;
    server.headersTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.metricsPort!, this.config.metricsHost, () => resolve());
    });
    this.server = server;
    const { address, port } = server.address() as AddressInfo;
    // Printed whatever the log level, as the API's own address is: tests and scripts read it.
    process.stdout.write(
      `cohesion-ledger metrics at http://${address.includes(':') ? `[${address}]` : address}:${port}/metrics\n`,
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async onApplicationShutdown(): Promise<void> {
    await stopTracing();
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if ((req.url ?? '').split('?')[0] !== '/metrics')
        return void res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Only /metrics here\n');
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return void res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end();
      await this.observeStores();
      const body = await this.metrics.exposition();
      res
        .writeHead(200, { 'Content-Type': this.metrics.contentType, 'Cache-Control': 'no-store' })
        .end(req.method === 'HEAD' ? undefined : body);
    } catch (error) {
      this.logger.error(`Could not collect the metrics: ${String(error)}`);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end();
    }
  }

  /** The figures GET /health reports: the head of the log, each projection's checkpoint, lag and failure. */
  private async observeStores(): Promise<void> {
    const head = await this.events.headPosition().catch(() => undefined);
    const projections =
      head === undefined
        ? null
        : await this.readSide.health().then(
            (health) => health.projections,
            () => null,
          );
    this.metrics.storesObserved(head, projections);
    const report = await this.health.report();
    const disk = report.writes.disk;
    this.metrics.readinessObserved(notReady(report).length === 0, 'freeBytes' in disk ? disk.freeBytes : null);
  }
}
