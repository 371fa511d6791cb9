/**
 * A projection's version raised between two starts (#28 item 3): the API started again on the same
 * data rebuilds that projection into a new generation on its own, queries answer from the old
 * generation until the new one has caught up, /health/ready never fails meanwhile, and the
 * generation it switches to holds the documents of a rebuild from zero.
 *
 * The bump is made with PROJECTION_VERSION_OVERRIDES (config/read-models.config.ts), which rehearses
 * a version raised in the code without changing it, and is refused under NODE_ENV=production.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore, UpcastingEventStore } from '@app/event-store';
import { fundingEventRegistry } from '@app/config';
import {
  FUNDING_PROJECTIONS,
  SqliteReadModelStore,
  liveSpace,
  rebuildReadModels,
  withVersions,
  type ReadModelStore,
} from '@app/read-models';
import { KEYS, bearer, removeDataDir, startApi, tempDataDir, type ApiProcess } from './support/api-process.js';
import { request } from './support/http.js';
import { sample, scrape } from './support/prometheus.js';
import { writeSyntheticLog } from './support/synthetic-log.js';

/** Enough history that rebuilding one projection takes a measurable while (about 80 events a block). */
const BLOCKS = Number(process.env['VERSION_LOG_BLOCKS'] ?? 150);
const BUMPED = withVersions(FUNDING_PROJECTIONS, { 'grant-summaries': 2 });
const OLD_TITLE = 'as the generation of version 1 has it';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDataDir));

type ProjectionHealth = {
  projection: string;
  state: string;
  lag: string | null;
  generation: number;
  version: number;
  rebuilding: { generation: number; toVersion: number; position: string | null; lag: string } | null;
};

async function projections(api: ApiProcess): Promise<ProjectionHealth[]> {
  const health = await request(api.url).get('/health');
  return (health.body as { readModels: { projections: ProjectionHealth[] } }).readModels.projections;
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Every document of the given projections' collections, by collection, as queries read them. */
async function documents(store: ReadModelStore) {
  const space = await liveSpace(store, BUMPED);
  const result: Record<string, unknown> = {};
  for (const collection of (await space.collections()).sort()) result[collection] = await space.all(collection);
  return result;
}

describe('a projection version raised between two starts', () => {
  it('is rebuilt into a new generation while the old one serves and /health/ready never fails', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const written = await writeSyntheticLog(join(dataDir, 'events.db'), BLOCKS);

    // Started at the declared versions: every projection built once, in generation 1, at version 1.
    const first = await startApi({ dataDir });
    await until('the first start has caught up', async () =>
      (await projections(first)).every((p) => p.state === 'live' && p.lag === '0'),
    );
    expect((await projections(first)).every((p) => p.generation === 1 && p.version === 1)).toBe(true);
    await first.stop();

    // What queries read from generation 1 is marked, so a read tells which generation answered.
    const file = new Database(join(dataDir, 'read-models.db'));
    const grants = file
      .prepare<[], { n: number }>("SELECT count(*) AS n FROM documents WHERE generation = 1 AND collection = 'grants'")
      .get()!.n;
    expect(grants).toBeGreaterThan(0);
    file
      .prepare("UPDATE documents SET body = json_set(body, '$.projectTitle', ?) WHERE collection = 'grants'")
      .run(OLD_TITLE);
    file.close();

    const second = await startApi({
      dataDir,
      env: { PROJECTION_VERSION_OVERRIDES: 'grant-summaries:2', METRICS_PORT: '0' },
    });
    const metrics = async () => {
      const url = /metrics at (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(second.output())?.[1];
      if (!url) throw new Error(`No metrics address printed:\n${second.output()}`);
      const { samples } = await scrape(url);
      const of = (name: string) => sample(samples, name, { projection: 'grant-summaries' });
      return { generation: of('ledger_projection_generation'), rebuilding: of('ledger_projection_rebuilding') };
    };
    // From the moment it listens: /health/ready every 50 ms, until the switch has been seen.
    let polling = true;
    const notReady: Array<{ at: number; status: number; body: unknown }> = [];
    let polls = 0;
    const readiness = (async () => {
      while (polling) {
        const started = Date.now();
        const ready = await request(second.url).get('/health/ready');
        polls += 1;
        if (ready.status !== 200) notReady.push({ at: started, status: ready.status, body: ready.body });
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    try {
      const grant = (id: string) => request(second.url).get(`/grants/${id}`).set(bearer(KEYS.programmeManager));
      // While it rebuilds, the health shows how far, and every read made before the health still
      // showed the rebuild under way was answered from generation 1.
      const rebuilds: Array<NonNullable<ProjectionHealth['rebuilding']>> = [];
      let readsFromTheOldGeneration = 0;
      await until('grant-summaries is live at version 2', async () => {
        const read = await grant('p0-g1');
        expect(read.status).toBe(200);
        const health = (await projections(second)).find((p) => p.projection === 'grant-summaries')!;
        if (health.version === 2) return true;
        expect(health).toMatchObject({ generation: 1, version: 1 });
        expect(['live', 'starting', 'catching-up']).toContain(health.state);
        if (health.rebuilding) {
          if (rebuilds.length === 0) expect((await metrics()).generation).toBe(1);
          rebuilds.push(health.rebuilding);
          expect(read.body.projectTitle).toBe(OLD_TITLE);
          readsFromTheOldGeneration += 1;
        }
        return false;
      });
      // The history is long enough to watch the rebuild move on.
      expect(readsFromTheOldGeneration).toBeGreaterThan(2);
      expect(rebuilds[0]).toMatchObject({ generation: 2, toVersion: 2 });
      expect(new Set(rebuilds.map((r) => r.position)).size).toBeGreaterThan(1);

      // Caught up: queries read the new generation, at version 2; the others stay where they were.
      const after = await projections(second);
      expect(after.find((p) => p.projection === 'grant-summaries')).toMatchObject({
        generation: 2,
        version: 2,
        rebuilding: null,
      });
      for (const p of after.filter((p) => p.projection !== 'grant-summaries'))
        expect(p).toMatchObject({ generation: 1, version: 1, rebuilding: null });
      expect(await metrics()).toEqual({ generation: 2, rebuilding: 0 });
      const switched = await grant('p0-g1');
      expect(switched.status).toBe(200);
      expect(switched.body.projectTitle).toBe('Project');

      // The generation it left is dropped a little later, for that projection alone.
      await until(
        'generation 1 holds no grants',
        async () => {
          const db = new Database(join(dataDir, 'read-models.db'), { readonly: true });
          try {
            return (
              db
                .prepare<[], { n: number }>(
                  "SELECT count(*) AS n FROM documents WHERE generation = 1 AND collection = 'grants'",
                )
                .get()!.n === 0
            );
          } finally {
            db.close();
          }
        },
        20_000,
      );
    } finally {
      polling = false;
      await readiness;
      await second.stop();
    }

    expect(polls).toBeGreaterThan(10);
    // Never, not for a moment: the old generation kept serving until the switch.
    expect(notReady).toEqual([]);

    // What it switched to equals a rebuild from zero, document by document.
    const events = new UpcastingEventStore(SqliteEventStore.open(join(dataDir, 'events.db')), fundingEventRegistry());
    const live = SqliteReadModelStore.open(join(dataDir, 'read-models.db'));
    const scratch = SqliteReadModelStore.open(join(dataDir, 'scratch.db'));
    try {
      await rebuildReadModels(events, scratch, BUMPED);
      const rebuilt = await documents(scratch);
      expect((rebuilt['grants'] as unknown[]).length).toBe(grants);
      expect(await documents(live)).toEqual(rebuilt);
      // Its checkpoint is the projection's: at the head of the log (the synthetic history and what the API seeded).
      const head = (await events.headPosition())!.commit;
      expect(head).toBeGreaterThanOrEqual(BigInt(written));
      expect((await live.space(2).status('grant-summaries')).checkpoint?.commit).toBe(String(head));
    } finally {
      await events.close();
      await live.close();
      await scratch.close();
    }
  }, 120_000);

  it('resumes a rebuild cut short by SIGKILL, never switching to the half-built generation', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    await writeSyntheticLog(join(dataDir, 'events.db'), BLOCKS);
    const first = await startApi({ dataDir });
    await until('the first start has caught up', async () =>
      (await projections(first)).every((p) => p.state === 'live' && p.lag === '0'),
    );
    await first.stop();

    const env = { PROJECTION_VERSION_OVERRIDES: 'grant-summaries:2' };
    const building = await startApi({ dataDir, env });
    let cutAt: { generation: number; position: string | null };
    try {
      const rebuild = await until('the rebuild has committed a batch', async () => {
        const p = (await projections(building)).find((x) => x.projection === 'grant-summaries')!;
        if (p.version === 2) throw new Error('the rebuild ended before it could be cut short');
        return p.rebuilding?.position ? p.rebuilding : null;
      });
      await building.kill();
      cutAt = { generation: rebuild.generation, position: rebuild.position };
    } finally {
      await building.kill();
    }

    // Cut short: the store still serves generation 1, the build recorded to be resumed.
    const afterKill = SqliteReadModelStore.open(join(dataDir, 'read-models.db'));
    try {
      const layout = (await liveSpace(afterKill, BUMPED)).layout.get('grant-summaries')!;
      expect(layout).toEqual({
        projection: 'grant-summaries',
        live: { generation: 1, version: 1 },
        building: { generation: cutAt.generation, version: 2 },
      });
      expect(await afterKill.newGeneration()).toBeGreaterThan(cutAt.generation);
    } finally {
      await afterKill.close();
    }

    // Started again: the same generation is taken on from its checkpoint and made live once caught up.
    const resumed = await startApi({ dataDir, env });
    try {
      const health = await until('grant-summaries is live at version 2', async () => {
        const p = (await projections(resumed)).find((x) => x.projection === 'grant-summaries')!;
        return p.version === 2 ? p : null;
      });
      expect(health.generation).toBe(cutAt.generation);
    } finally {
      await resumed.stop();
    }
    const events = new UpcastingEventStore(SqliteEventStore.open(join(dataDir, 'events.db')), fundingEventRegistry());
    const live = SqliteReadModelStore.open(join(dataDir, 'read-models.db'));
    const scratch = SqliteReadModelStore.open(join(dataDir, 'scratch.db'));
    try {
      await rebuildReadModels(events, scratch, BUMPED);
      expect(await documents(live)).toEqual(await documents(scratch));
    } finally {
      await events.close();
      await live.close();
      await scratch.close();
    }
  }, 120_000);
});
