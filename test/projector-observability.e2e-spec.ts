/**
 * The projector as a process of its own, observed as the API is: JSON log lines naming its
 * service, and GET /metrics on its own listener (METRICS_PORT) with each projection's lag,
 * checkpoint and events projected, and (OTEL_* as the API's) one span per committed batch, fed by
 * the API's commands written through another process.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { SqliteEventStore } from '@app/event-store';
import { PROJECTOR_MAIN, removeDataDir, startApi, type ApiProcess } from './support/api-process.js';
import { FundingClient } from './support/funding-requests.js';
import { Collector } from './support/otlp-collector.js';
import { sample, scrape, type Samples } from './support/prometheus.js';
import { FUNDING_PROJECTIONS } from '@app/read-models';

async function until<T>(probe: () => Promise<T | null>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== null) return found;
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the projector process observed', () => {
  let api: ApiProcess;
  let projector: ChildProcess;
  let output = '';
  let metricsUrl: string;
  let written = 0;
  const collector = new Collector();

  beforeAll(async () => {
    const endpoint = await collector.start();
    api = await startApi({ env: { RUN_PROJECTOR: 'false' } });
    projector = spawn(process.execPath, [PROJECTOR_MAIN], {
      env: {
        PATH: process.env['PATH'] ?? '',
        NODE_ENV: 'test',
        DATA_DIR: api.dataDir,
        AUDIT_ANCHOR_INTERVAL_MS: '0',
        PROJECTOR_LEASE_MS: '1000',
        METRICS_PORT: '0',
        LOG_LEVEL: 'info',
        LOG_FORMAT: 'json',
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: endpoint,
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    projector.stdout!.on('data', (chunk) => (output += String(chunk)));
    projector.stderr!.on('data', (chunk) => (output += String(chunk)));
    metricsUrl = await until(
      async () => /projector metrics at (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(output)?.[1] ?? null,
      `the projector printed its metrics address:\n${output}`,
    );
  });
  afterAll(async () => {
    if (projector && projector.exitCode === null) {
      const exited = new Promise((r) => projector.once('exit', r));
      projector.kill('SIGTERM');
      await exited;
    }
    await api?.stop();
    if (api) removeDataDir(api.dataDir);
    await collector.stop();
  });

  it("projects the API's events and reports them: lag down to 0, events counted, checkpoints at the head", async () => {
    const client = new FundingClient(api.url);
    for (let i = 0; i < 3; i++) {
      const callId = await client.openCall();
      await client.admissibleBid(callId);
    }
    // The embedded log's head: its commit position is the count of events in it.
    const store = SqliteEventStore.open(join(api.dataDir, 'events.db'));
    const head = await store.headPosition().finally(() => store.close());
    written = Number(head?.commit ?? 0);
    expect(written).toBeGreaterThanOrEqual(6);
    const names = FUNDING_PROJECTIONS.map((p) => p.name);

    const caughtUp: Samples = await until(async () => {
      const { samples } = await scrape(metricsUrl);
      return names.every(
        (projection) =>
          samples.has(`ledger_projection_lag_positions{projection="${projection}"}`) &&
          sample(samples, 'ledger_projection_lag_positions', { projection }) === 0 &&
          sample(samples, 'ledger_projection_checkpoint_position', { projection }) >= written,
      )
        ? samples
        : null;
    }, 'every projection caught up');

    for (const projection of names) {
      // Started on an empty checkpoint: every event of the log was read once by each projection.
      expect(sample(caughtUp, 'ledger_projection_events_total', { projection })).toBe(written);
      expect(sample(caughtUp, 'ledger_projection_checkpoint_position', { projection })).toBe(written);
      expect(sample(caughtUp, 'ledger_projection_batch_duration_seconds_count', { projection })).toBeGreaterThan(0);
      expect(sample(caughtUp, 'ledger_projection_failed', { projection })).toBe(0);
    }
    expect(sample(caughtUp, 'ledger_ready')).toBe(1);
    expect(caughtUp.has('process_cpu_user_seconds_total')).toBe(true);
  });

  it('logs JSON lines, each naming the projector service, its progress among them', async () => {
    // The progress is logged each second when it moved.
    await until(async () => (/"msg":"progress /.test(output) ? true : null), `a progress line:\n${output}`);
    const lines = output.split('\n').filter((line) => line.startsWith('{'));
    expect(lines.length).toBeGreaterThan(0);
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed.every((line) => line['service'] === 'cohesion-ledger-projector')).toBe(true);
    const progress = parsed.find((line) => String(line['msg']).startsWith('progress '));
    expect(progress).toMatchObject({ level: 'info', context: 'Projector' });
  });

  it('traces each committed batch: one span per batch, its projection, events and positions; all the events in them', async () => {
    expect(written).toBeGreaterThan(0);
    for (const { name: projection } of FUNDING_PROJECTIONS) {
      const spans = () => collector.spans.filter((s) => s.name === `project ${projection}`);
      const total = () => spans().reduce((sum, s) => sum + Number(s.attributes['ledger.batch.events']), 0);
      await until(async () => (total() >= written ? true : null), `the spans of ${projection} cover the log`);
      expect(total()).toBe(written);
      const last = spans().at(-1)!;
      expect(last.attributes).toMatchObject({ 'ledger.projection': projection, 'ledger.projection.generation': 1 });
      expect(typeof last.attributes['ledger.position.to']).toBe('string');
      expect(spans()[0]!.attributes['ledger.position.from']).toBe('');
    }
    expect(collector.payloads.join('\n')).toContain('cohesion-ledger-projector');
  });
});
