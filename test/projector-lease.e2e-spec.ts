/**
 * One projector per store: two API processes on one data directory, both asked to run the
 * projector. One holds the lease and projects; the other stands by (and says so in /health), and
 * takes over when the first stops (or, killed, stops renewing), so the read models keep following the log.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { removeDataDir, startApi, type ApiProcess } from './support/api-process.js';
import { FundingClient } from './support/funding-requests.js';

const states = async (api: ApiProcess): Promise<string[]> =>
  (await new FundingClient(api.url).readModelsHealth()).projections.map((p) => p.state);

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await read();
    if (ok(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('the projector lease', () => {
  let first: ApiProcess;
  let second: ApiProcess;

  beforeAll(async () => {
    first = await startApi();
    second = await startApi({ dataDir: first.dataDir, env: { SEED_DEMO_PROGRAMME: 'false' } });
  });
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
    if (first) removeDataDir(first.dataDir);
  });

  it('lets one process project while the other stands by, and hands over when the first stops', async () => {
    await eventually(
      () => states(first),
      (s) => s.every((state) => state === 'live'),
      'the first process to project',
    );
    expect(new Set(await states(second))).toEqual(new Set(['standby']));

    await first.stop();
    await eventually(
      () => states(second),
      (s) => s.every((state) => state === 'live'),
      'the second process to take over',
    );

    // The read models follow writes made after the hand-over.
    const client = new FundingClient(second.url);
    const callId = await client.openCall({ title: 'Dopo il passaggio' });
    const written = await client.streamHistory(`call-${callId}`);
    const position = written.body.events.at(-1)!.position;
    const read = await client.call(callId, { at: position });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ callId, title: 'Dopo il passaggio' });
  });

  it('takes over from a holder killed without a chance to give the lease up, once its lease lapses', async () => {
    const third = await startApi({ dataDir: first.dataDir, env: { SEED_DEMO_PROGRAMME: 'false' } });
    try {
      expect(new Set(await states(third))).toEqual(new Set(['standby']));
      await second.kill();
      await eventually(
        () => states(third),
        (s) => s.every((state) => state === 'live'),
        'the third process to take over after the lease (1 s) lapsed',
      );
    } finally {
      await third.stop();
    }
  });
});
