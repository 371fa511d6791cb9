/**
 * Hardening against load, on the real process: heavy routes (exports, verifies, rebuilds, open
 * data) yield to everyone else and are limited per principal, and one address cannot hold more
 * connections than its cap (the OWASP sweep is in hardening.e2e-spec.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { join, resolve } from 'node:path';
import { KEYS, bearer, removeDataDir, startApi, tempDataDir, type ApiProcess } from './support/api-process.js';
import { stopAndRemove } from './support/running-api.js';
// Raw requests, for what no client would send; every answer is still checked against the OpenAPI document.
import { getFrom, request } from './support/http.js';
import { writeSyntheticLog } from './support/synthetic-log.js';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/**
 * /health latencies sampled every `everyMs` while `load` runs, by a process of their own
 * (support/health-sampler.mjs): this process reads 20 exports meanwhile, and its own pauses are not
 * the server's.
 */
async function healthWhile(url: string, load: Promise<unknown>, everyMs = 20): Promise<number[]> {
  const sampler = spawn(
    process.execPath,
    [resolve(process.cwd(), 'test/support/health-sampler.mjs'), url, String(everyMs)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  let output = '';
  sampler.stdout!.on('data', (chunk) => (output += String(chunk)));
  const exited = new Promise<number | null>((done) => sampler.once('exit', done));
  try {
    await load;
  } finally {
    sampler.stdin!.end();
  }
  expect(await exited).toBe(0);
  const samples = JSON.parse(output) as Array<{ ms: number; status: number; error?: string }>;
  expect(samples.filter((s) => s.status !== 200)).toEqual([]);
  return samples.map((s) => s.ms);
}

describe('hardening: heavy routes under load', () => {
  let api: ApiProcess;

  beforeAll(async () => {
    const dataDir = tempDataDir();
    await writeSyntheticLog(join(dataDir, 'events.db'), Number(process.env['HARDENING_LOG_BLOCKS'] ?? 400));
    // Room for 20 exports by one auditor, to see that they yield to everyone else.
    api = await startApi({ dataDir, env: { AUDIT_EXPORTS_PER_PRINCIPAL: '20', MIN_POSITION_WAIT_MS: '30000' } });
    // The projections catch up with the whole log first: the exports below are the only load.
    const head = (await request(api.url).get('/health')).body.eventStore.headPosition as string;
    expect((await request(api.url).get('/calls').set(bearer(KEYS.viewer)).set('X-Min-Position', head)).status).toBe(
      200,
    );
  }, 120_000);
  afterAll(() => stopAndRemove(api));

  it('keeps /health under 200 ms at p99 while 20 exports of the whole log run', async () => {
    // Each export is read and thrown away as it arrives, so this process measures the server, not its own buffering.
    const exportOnce = () =>
      new Promise<{ status: number; bytes: number }>((resolve, reject) => {
        http
          .get(`${api.url}/audit/export`, { headers: bearer(KEYS.auditor), agent: false }, (res) => {
            let bytes = 0;
            res.on('data', (chunk: Buffer) => (bytes += chunk.length));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
          })
          .on('error', reject);
      });
    const exports = Promise.all(Array.from({ length: 20 }, exportOnce));
    const latencies = await healthWhile(api.url, exports);
    const done = await exports;
    expect(done.every((r) => r.status === 200 && r.bytes > 1_000_000)).toBe(true);
    expect(latencies.length).toBeGreaterThan(5);
    process.stdout.write(
      `/health during 20 exports: ${latencies.length} samples, p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms\n`,
    );
    expect(percentile(latencies, 99)).toBeLessThan(200);
  }, 120_000);

  it('limits concurrent exports, verifies and rebuilds per principal, with 429 and Retry-After', async () => {
    const verifies = await Promise.all(
      Array.from({ length: 3 }, () => request(api.url).get('/audit/verify').set(bearer(KEYS.auditor))),
    );
    expect(verifies.map((r) => r.status).sort()).toEqual([200, 429, 429]);
    expect(Number(verifies.find((r) => r.status === 429)!.headers['retry-after'])).toBeGreaterThan(0);
    const rebuilds = await Promise.all(
      Array.from({ length: 2 }, () =>
        request(api.url).post('/admin/projections/rebuild').set(bearer(KEYS.programmeManager)).send({}),
      ),
    );
    expect(rebuilds.map((r) => r.status).sort()).toEqual([202, 429]);
  }, 60_000);

  it('serves open data with an ETag, 304 when unchanged, and caps the lists generated at once', async () => {
    const first = await request(api.url).get('/open-data/operations?format=csv');
    expect(first.status).toBe(200);
    const etag = first.headers['etag'];
    expect(etag).toBeTruthy();
    expect((await request(api.url).get('/open-data/operations?format=csv').set('If-None-Match', etag!)).status).toBe(
      304,
    );
    const burst = await Promise.all(
      Array.from({ length: 30 }, (_, i) => getFrom(api.url, '/open-data/operations?format=csv', `127.0.2.${i + 1}`)),
    );
    const statuses = burst.map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    for (const r of burst.filter((b) => b.status !== 200)) {
      expect(r.status).toBe(503);
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    }
  }, 60_000);
});

describe('hardening: connections', () => {
  it('closes the connections of an address beyond its cap at once, and serves the others', async () => {
    const api = await startApi({ env: { MAX_CONNECTIONS_PER_ADDRESS: '4' } });
    try {
      const port = Number(new URL(api.url).port);
      const sockets = await Promise.all(
        Array.from(
          { length: 6 },
          () =>
            new Promise<net.Socket>((resolve) => {
              const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
            }),
        ),
      );
      const closed = await Promise.all(
        sockets.map(
          (socket) =>
            new Promise<boolean>((resolve) => {
              socket.once('close', () => resolve(true));
              setTimeout(() => resolve(false), 1_000);
            }),
        ),
      );
      expect(closed.filter(Boolean)).toHaveLength(2);
      expect((await getFrom(api.url, '/health', '127.0.0.20')).status).toBe(200);
      for (const socket of sockets) socket.destroy();
    } finally {
      await api.stop();
      removeDataDir(api.dataDir);
    }
  });
});
