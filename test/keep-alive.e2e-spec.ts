/**
 * Idle keep-alive connections, on the real process: the API keeps one open for
 * HTTP_KEEP_ALIVE_TIMEOUT_MS (so that a load balancer whose idle timeout is shorter never sends a
 * request on a connection the API is closing), says so in `Keep-Alive`, and closes it after. The
 * headers' own time limit (REQUEST_TIMEOUT_MS, here 1 s) does not cut an idle connection short.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import net from 'node:net';
import { removeDataDir, startApi, type ApiProcess } from './support/api-process.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One raw connection: requests written on it, answers read off it, and whether the server closed it. */
async function connection(url: string) {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let text = '';
  let closedAt: number | null = null;
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (text += chunk));
  socket.on('error', () => {});
  socket.on('close', () => (closedAt = Date.now()));
  return {
    /** Sends GET /health/live and waits for its whole answer. */
    async live(): Promise<string> {
      const from = text.length;
      socket.write(`GET /health/live HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`);
      for (let i = 0; i < 200 && !/\r\n\r\n[\s\S]*\}/.test(text.slice(from)); i++) await pause(10);
      return text.slice(from);
    },
    closedAt: () => closedAt,
    destroy: () => socket.destroy(),
  };
}

describe('idle keep-alive connections', () => {
  let api: ApiProcess;
  beforeAll(async () => {
    api = await startApi({ env: { HTTP_KEEP_ALIVE_TIMEOUT_MS: '3000', REQUEST_TIMEOUT_MS: '1000' } });
  });
  afterAll(async () => {
    await api?.stop();
    if (api) removeDataDir(api.dataDir);
  });

  it('keeps an idle connection for HTTP_KEEP_ALIVE_TIMEOUT_MS, says so, and closes it after', async () => {
    const conn = await connection(api.url);
    try {
      const first = await conn.live();
      expect(first).toMatch(/^HTTP\/1\.1 200/);
      expect(first).toMatch(/\r\nkeep-alive: timeout=3\r\n/i);
      const idleFrom = Date.now();
      // Idle for 2 s: longer than the headers' limit, shorter than the keep-alive timeout.
      await pause(2_000);
      expect(conn.closedAt()).toBeNull();
      expect(await conn.live()).toMatch(/^HTTP\/1\.1 200/);
      const reusedAt = Date.now();
      for (let i = 0; i < 100 && conn.closedAt() === null; i++) await pause(100);
      expect(conn.closedAt()).not.toBeNull();
      // Closed about 3 s after the last answer, not before (the server checks once a second or so).
      expect(conn.closedAt()! - reusedAt).toBeGreaterThanOrEqual(2_500);
      expect(reusedAt - idleFrom).toBeGreaterThanOrEqual(2_000);
    } finally {
      conn.destroy();
    }
  }, 20_000);
});
