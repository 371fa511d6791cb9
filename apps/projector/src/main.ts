import { Logger } from '@nestjs/common';
import type { Server } from 'node:http';
import {
  JsonLogger,
  createLogger,
  fundingProjections,
  loadConfigOrExit,
  openAnchorSchedule,
  projectorOwner,
  openEventStore,
  openReadModelStore,
} from '@app/config';
import { Projector, type BatchReport, type RunnerStatus } from '@app/read-models';
import { formatPosition } from '@app/event-store';
import { ProjectorMetrics, serveMetrics } from './projector-metrics.js';
import { batchSpan, startProjectorTracing } from './projector-tracing.js';

/** The `service` of the projector process's log lines (the API's are cohesion-ledger-api). */
const PROJECTOR_SERVICE = 'cohesion-ledger-projector';

/**
 * The projector as a process of its own (docker-compose runs it beside the API): follows the
 * event log from each projection's checkpoint and keeps the read models up to date. Logs as JSON
 * lines as the API does (LOG_LEVEL, LOG_FORMAT), and serves GET /metrics when METRICS_PORT is set.
 */
async function main(): Promise<void> {
  const logger = new Logger('Projector');
  const config = loadConfigOrExit({ serveApi: false });
  // JSON lines from here on (docs/operations.md); a configuration that cannot load is reported as text above.
  Logger.overrideLogger(new JsonLogger(await createLogger(config, PROJECTOR_SERVICE)));
  const events = await openEventStore(config);
  const readModels = await openReadModelStore(config);
  // The anchors of the audit trail are written where the projector runs: one writer per store
  // (in production without AUDIT_SIGNING_KEY this refuses, before anything starts).
  let anchors: ReturnType<typeof openAnchorSchedule> = null;
  try {
    anchors = openAnchorSchedule(config, events, () => new Date(), {
      mayAnchor: () => projector.leading,
      onError: (error) => logger.warn(`Could not write an anchor of the log: ${String(error)}`),
    });
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  // One projector per store: a second one started on the same store stands by until this one stops.
  const projector = new Projector(
    events.store,
    readModels.store,
    fundingProjections(config),
    (message) => logger.warn(message),
    {
      lease: { owner: projectorOwner('projector'), ttlMs: config.projectorLeaseMs },
    },
  );
  // Spans per batch when OTEL_TRACES_EXPORTER asks for them (docs/operations.md, Traces).
  const stopTracing = await startProjectorTracing();
  const metrics = new ProjectorMetrics();
  const failed = new Set<string>();
  projector.progress.on('batch', (batch: BatchReport) => {
    metrics.batchCommitted(batch);
    if (stopTracing) batchSpan(batch);
  });
  // Reconnecting (its first attempt, every tenth, the recovery) and standing by are logged by the runners themselves.
  projector.progress.on('progress', (status?: RunnerStatus) => {
    if (status?.state !== 'failed') {
      if (status) failed.delete(status.projection);
      return;
    }
    if (failed.has(status.projection)) return;
    failed.add(status.projection);
    metrics.projectionFailed(status.projection);
    logger.error(`${status.projection} stopped: ${status.failure?.message}`);
  });
  let metricsServer: Server | null = null;
  if (config.metricsPort !== null) {
    metricsServer = await serveMetrics(
      metrics,
      config.metricsPort,
      config.metricsHost,
      async () =>
        metrics.observed(
          await events.store.headPosition().catch(() => undefined),
          projector.statuses(),
          new Set(projector.rebuilds().map((r) => r.projection)),
        ),
      (message) => logger.error(message),
    );
  }
  await projector.start();
  process.stdout.write(
    `cohesion-ledger projector running (events: ${events.adapter}, read models: ${readModels.adapter}, ${projector.leading ? `generation ${projector.activeGeneration}` : 'standing by: another projector holds the lease'})\n`,
  );

  anchors?.start();

  // Each second, the projections' states and checkpoints, logged when they moved.
  let reported = '';
  const report = setInterval(() => {
    const line = projector
      .statuses()
      .map(
        (s) =>
          `${s.projection}=${s.state}${s.reconnecting ? `(attempt ${s.reconnecting.attempts}, next at ${s.reconnecting.nextAttemptAt.toISOString()})` : ''}@${s.checkpoint ? formatPosition(s.checkpoint) : '-'}`,
      )
      .join(' ');
    if (line === reported) return;
    reported = line;
    logger.log(`progress ${line}`);
  }, 1000);
  const shutdown = async () => {
    clearInterval(report);
    // The last anchor, over what was written until now, while the projector still holds the lease.
    await anchors?.stop();
    const server = metricsServer;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    await projector.stop();
    await events.store.close();
    await readModels.store.close();
    await stopTracing?.();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}

await main();
