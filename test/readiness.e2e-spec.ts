/**
 * Readiness of the real process against the disk its embedded stores write to: started with
 * HEALTH_MIN_FREE_DISK_BYTES above the free space of DATA_DIR's filesystem, it is live but not
 * ready (`disk-low`), /health says degraded with the figures and the metrics say `ledger_ready 0`;
 * started again on the same data with a threshold below it, ready (`ledger_ready 1`). The flip at run time, within a second, is in
 * apps/api/src/health/health.int-spec.ts.
 */
import { statfsSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { removeDataDir, startApi, tempDataDir, type ApiProcess } from './support/api-process.js';
import { request } from './support/http.js';
import { sample, scrape, seriesKey } from './support/prometheus.js';

describe('readiness and the disk', () => {
  const dataDir = tempDataDir();
  let api: ApiProcess | null = null;

  afterEach(async () => {
    await api?.stop();
    api = null;
  });
  afterAll(() => removeDataDir(dataDir));

  const metrics = async (running: ApiProcess) => {
    const url = /metrics at (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(running.output())?.[1];
    if (!url) throw new Error(`No metrics address printed:\n${running.output()}`);
    return (await scrape(url)).samples;
  };

  const free = () => {
    const fs = statfsSync(dataDir);
    return fs.bavail * fs.bsize;
  };

  it('is live but not ready while DATA_DIR has less free space than HEALTH_MIN_FREE_DISK_BYTES', async () => {
    const threshold = free() * 4;
    api = await startApi({ dataDir, env: { HEALTH_MIN_FREE_DISK_BYTES: String(threshold), METRICS_PORT: '0' } });
    expect((await request(api.url).get('/health/live')).status).toBe(200);
    const ready = await request(api.url).get('/health/ready');
    expect({ status: ready.status, body: ready.body }).toEqual({
      status: 503,
      body: {
        status: 'not-ready',
        reasons: [
          expect.stringMatching(
            new RegExp(
              `^disk-low: \\d+ bytes free on the filesystem of .+, below HEALTH_MIN_FREE_DISK_BYTES \\(${threshold}\\)$`,
            ),
          ),
        ],
      },
    });
    const health = await request(api.url).get('/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('degraded');
    expect(health.body.writes).toEqual({
      disk: { status: 'low', path: expect.any(String), freeBytes: expect.any(Number), minFreeBytes: threshold },
      appendFailure: null,
    });
    const samples = await metrics(api);
    expect(samples.get(seriesKey('ledger_ready'))).toBe(0);
    expect(sample(samples, 'ledger_disk_free_bytes')).toBeGreaterThan(0);
    expect(sample(samples, 'ledger_disk_free_bytes')).toBeLessThan(threshold);
  });

  it('is ready on the same data with a threshold below the free space', async () => {
    const threshold = Math.floor(free() / 4);
    api = await startApi({ dataDir, env: { HEALTH_MIN_FREE_DISK_BYTES: String(threshold), METRICS_PORT: '0' } });
    const ready = await request(api.url).get('/health/ready');
    expect({ status: ready.status, body: ready.body }).toEqual({ status: 200, body: { status: 'ready', reasons: [] } });
    expect((await request(api.url).get('/health')).body).toMatchObject({
      status: 'ok',
      writes: { disk: { status: 'ok', minFreeBytes: threshold }, appendFailure: null },
    });
    const samples = await metrics(api);
    expect(sample(samples, 'ledger_ready')).toBe(1);
    expect(sample(samples, 'ledger_disk_free_bytes')).toBeGreaterThan(threshold);
  });
});
