/**
 * A full disk under a storm. DATA_DIR is a small filesystem of its own (a tmpfs mounted for the
 * test; where the test may not mount one, it says so and is skipped), bids pour in from many
 * connections, and a file fills the rest of the disk until the kernel refuses another byte.
 * /health/ready answers 503 within 5 s of the disk filling up and 200 within 5 s of the space
 * coming back; meanwhile a bid is acknowledged (201) or refused as unavailable (503), never another
 * status; and afterwards every acknowledged bid is listed, at the place its answer gave it.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, rmdirSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEYS, startApi } from './support/api-process.js';
import { FundingClient, bidBody } from './support/funding-requests.js';
import { request } from './support/http.js';

const DISK = '48m';
const MIN_FREE_BYTES = 4 * 1024 * 1024;
const LANES = 12;
const FLIP_WITHIN_MS = 5_000;

/** A tmpfs of DISK bytes at a fresh directory, or why there is none. */
function mountSmallDisk(): { dir: string } | { skipped: string } {
  const dir = mkdtempSync(join(tmpdir(), 'small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${DISK},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
    return { dir };
  } catch (error) {
    rmdirSync(dir);
    return { skipped: `cannot mount a ${DISK} tmpfs here (${(error as Error).message.split('\n')[0]})` };
  }
}

/** Writes zeros to `file` until the filesystem refuses (ENOSPC); returns the bytes written. */
function fillDisk(file: string): number {
  const chunk = Buffer.alloc(256 * 1024);
  const fd = openSync(file, 'w');
  let written = 0;
  try {
    for (;;) written += writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  return written;
}

const disk = mountSmallDisk();
if ('skipped' in disk) console.warn(`The full-disk suite is SKIPPED: ${disk.skipped}`);

afterAll(() => {
  if (!('dir' in disk)) return;
  execFileSync('umount', ['--lazy', disk.dir]);
  rmSync(disk.dir, { recursive: true, force: true });
});

('dir' in disk ? describe : describe.skip)(
  `a full disk under a storm${'skipped' in disk ? ` (skipped: ${disk.skipped})` : ''}`,
  () => {
    it('goes not ready within 5 s of the disk filling, ready again within 5 s of space returning, and loses no acknowledged bid', async () => {
      const dataDir = join((disk as { dir: string }).dir, 'data');
      const api = await startApi({ dataDir, env: { HEALTH_MIN_FREE_DISK_BYTES: String(MIN_FREE_BYTES) } });
      const client = new FundingClient(api.url);
      const filler = join((disk as { dir: string }).dir, 'filler');
      try {
        const callId = await client.openCall({
          selection: 'first-come',
          budgetCents: 400_000_000,
          maxGrantCents: 1_000_000,
        });
        expect((await request(api.url).get('/health/ready')).status).toBe(200);

        // Readiness as a load balancer sees it, every 50 ms, with the time of each answer.
        const readiness: Array<{ at: number; status: number }> = [];
        let polling = true;
        const poller = (async () => {
          while (polling) {
            readiness.push({ at: Date.now(), status: (await request(api.url).get('/health/ready')).status });
            await new Promise((r) => setTimeout(r, 50));
          }
        })();

        const acknowledged: Array<{ bidId: string; position: string }> = [];
        const statuses = new Map<number, number>();
        let storming = true;
        let sent = 0;
        const lane = async () => {
          while (storming) {
            const res = await client.submitBid(
              callId,
              bidBody({ requestedCents: 10_000, projectTitle: `Progetto ${sent++}` }),
            );
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            if (res.status === 201)
              acknowledged.push({ bidId: res.body.bidId as string, position: res.headers['x-event-position']! });
            else await new Promise((r) => setTimeout(r, 20));
          }
        };
        const lanes = Promise.all(Array.from({ length: LANES }, lane));
        const waitFor = async (what: () => boolean, label: string) => {
          const deadline = Date.now() + 30_000;
          while (!what()) {
            if (Date.now() > deadline) throw new Error(`Timed out waiting for ${label}`);
            await new Promise((r) => setTimeout(r, 10));
          }
        };
        const firstAfter = (since: number, status: number) =>
          readiness.find((r) => r.at >= since && r.status === status);

        await waitFor(() => acknowledged.length >= 50, '50 acknowledged bids');
        const filledAt = Date.now();
        const filledBytes = fillDisk(filler);
        expect(filledBytes).toBeGreaterThan(0);
        await waitFor(() => firstAfter(filledAt, 503) !== undefined, 'ready to answer 503');
        const notReadyAfter = firstAfter(filledAt, 503)!.at - filledAt;
        // The storm goes on against the full disk for a while: writes are refused, nothing is acknowledged.
        await new Promise((r) => setTimeout(r, 1_000));
        const refusedWhileFull = statuses.get(503) ?? 0;

        const freedAt = Date.now();
        rmSync(filler);
        await waitFor(() => firstAfter(freedAt, 200) !== undefined, 'ready to answer 200 again');
        const readyAfter = firstAfter(freedAt, 200)!.at - freedAt;
        const acknowledgedBeforeResume = acknowledged.length;
        await waitFor(
          () => acknowledged.length >= acknowledgedBeforeResume + 20,
          '20 bids acknowledged after the space returned',
        );

        storming = false;
        polling = false;
        await Promise.all([lanes, poller]);

        expect(notReadyAfter).toBeLessThanOrEqual(FLIP_WITHIN_MS);
        expect(readyAfter).toBeLessThanOrEqual(FLIP_WITHIN_MS);
        expect(refusedWhileFull).toBeGreaterThan(0);
        // Acknowledged or refused as unavailable: never a client error, never a 500.
        expect([...statuses.keys()].filter((status) => status !== 201 && status !== 503)).toEqual([]);
        console.info(
          `full disk: ${filledBytes} bytes filled; ready 503 after ${notReadyAfter} ms, 200 again ${readyAfter} ms after the space returned; ` +
            `${acknowledged.length} bids acknowledged, ${refusedWhileFull} refused while full`,
        );

        const last = acknowledged.reduce((max, a) => (BigInt(a.position) > BigInt(max) ? a.position : max), '0');
        const listed = new Map<string, string>();
        for (let page = 1; ; page++) {
          const res = await client.bidsOfCall(
            callId,
            { order: 'arrival', page, pageSize: 100 },
            { at: last, key: KEYS.programmeManager },
          );
          expect(res.status).toBe(200);
          for (const bid of res.body.items) listed.set(bid.bidId, bid.arrivalPosition);
          if (res.body.items.length < 100) break;
        }
        expect(acknowledged.filter((a) => listed.get(a.bidId) !== a.position)).toEqual([]);
      } finally {
        rmSync(filler, { force: true });
        await api.stop();
      }
    });
  },
);
