/**
 * The NDJSON export of a large log (100k events) streams with backpressure: the server's memory
 * does not grow with the log, even when the client stops reading for a while.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { KEYS, removeDataDir, startApi, tempDataDir } from './support/api-process.js';
import { FundingClient } from './support/funding-requests.js';
import { assertDescribed } from './support/openapi-contract.js';
import { writeSyntheticLog } from './support/synthetic-log.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDataDir));

function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

describe('audit export of a large log', () => {
  it('streams 100k events in constant memory, pausing when the client pauses', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const written = await writeSyntheticLog(
      join(dataDir, 'events.db'),
      Number(process.env['EXPORT_LOG_BLOCKS'] ?? 1900),
    );
    expect(written).toBeGreaterThanOrEqual(100_000);
    // A bounded old space makes V8 collect as it goes instead of when it pleases, so RSS measures
    // what the export holds, not when the collector last ran; an export without backpressure
    // (the whole log in memory) would not fit in it at all.
    const api = await startApi({
      dataDir,
      env: { RUN_PROJECTOR: 'false', SEED_DEMO_PROGRAMME: 'false', NODE_OPTIONS: '--max-old-space-size=128' },
    });
    try {
      // Warm the export's code paths first, so the baseline is the server ready to export, not one
      // that still has modules to load and caches to fill.
      await new FundingClient(api.url).logEvents({ limit: 1000 });
      // Streamed, and cut short: its status and headers are checked against the document, its lines are not.
      await fetch(`${api.url}/audit/export`, { headers: { Authorization: `Bearer ${KEYS.auditor}` } }).then(
        async (res) => {
          assertDescribed({
            method: 'GET',
            path: '/audit/export',
            status: res.status,
            headers: Object.fromEntries(res.headers),
            text: '',
          });
          const reader = res.body!.getReader();
          await reader.read();
          await reader.cancel();
        },
      );
      await new Promise((r) => setTimeout(r, 200));
      const baseline = rssBytes(api.pid);
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(api.pid))), 20);
      const { lines, bytes } = await new Promise<{ lines: number; bytes: number }>((resolve, reject) => {
        get(`${api.url}/audit/export`, { headers: { Authorization: `Bearer ${KEYS.auditor}` } }, (res) => {
          try {
            assertDescribed({
              method: 'GET',
              path: '/audit/export',
              status: res.statusCode ?? 0,
              headers: res.headers as Record<string, string>,
              text: '',
            });
          } catch (violation) {
            res.destroy();
            return reject(violation as Error);
          }
          let lineCount = 0;
          let byteCount = 0;
          let paused = false;
          res.on('data', (chunk: Buffer) => {
            byteCount += chunk.length;
            for (const b of chunk) if (b === 10) lineCount++;
            if (!paused) {
              // Stop reading for 1.5 s: a server without backpressure would pile the whole log up in memory meanwhile.
              paused = true;
              res.pause();
              setTimeout(() => res.resume(), 1500);
            }
          });
          res.on('end', () => resolve({ lines: lineCount, bytes: byteCount }));
          res.on('error', reject);
        }).on('error', reject);
      });
      clearInterval(sampler);
      expect(lines).toBe(written);
      const growth = peak - baseline;
      process.stdout.write(
        `export: ${lines} events, ${(bytes / 2 ** 20).toFixed(1)} MiB; server RSS ${(baseline / 2 ** 20).toFixed(0)} MiB → peak ${(peak / 2 ** 20).toFixed(0)} MiB\n`,
      );
      expect(bytes).toBeGreaterThan(40 * 2 ** 20);
      // The log is over 40 MiB; the server may grow by part of that, never by the whole log
      // (without backpressure it grows by more than three times the log: 177 MiB measured).
      expect(growth).toBeLessThan(Math.min(48 * 2 ** 20, bytes * 0.9));
    } finally {
      await api.stop();
    }
  }, 300_000);
});
