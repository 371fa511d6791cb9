/**
 * The read side over a large synthetic log: the projector's catch-up and peak memory, a full
 * rebuild, query latencies, and how soon a query shows a command's effect (read-your-writes).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { FUNDING_PROJECTIONS, SqliteReadModelStore, liveSpace } from '@app/read-models';
import { Progress } from '@app/config';
import { writeSyntheticLog } from '../test/support/synthetic-log.js';
import { AS_APPLICANT_SERVICE, AS_VIEWER, bidJson, openCall } from './bench-api.js';
import { SIZES, quick, record, work } from './bench-run.js';
import { API_MAIN, PROJECTOR_DIR, percentile, rssSampler, startProcess, timed } from './measure.js';

function checkpoints(file: string): number[] {
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return db
        .prepare<[], { c: string | null }>(
          "SELECT commit_pos AS c FROM checkpoints WHERE generation = (SELECT coalesce(max(CAST(value AS INTEGER)), 1) FROM meta WHERE key = 'active-generation')",
        )
        .all()
        .map((r) => Number(r.c ?? 0));
    } finally {
      db.close();
    }
  } catch {
    return [];
  }
}

export async function readSide(jsonCeiling: number) {
  const dataDir = join(work, 'big');
  mkdirSync(dataDir, { recursive: true });
  process.stdout.write(`Read side (writing a log of ${SIZES.logBlocks} lifecycle blocks…)\n`);
  const writing = new Progress({ label: '  writing the log', unit: 'blocks', total: SIZES.logBlocks });
  const written = await writeSyntheticLog(join(dataDir, 'events.db'), SIZES.logBlocks, (blocks) =>
    writing.update(blocks),
  );
  writing.finish();
  process.stdout.write(`  ${written.toLocaleString('en-US')} events written\n`);

  const readModelsFile = join(dataDir, 'read-models.db');
  // The synthetic log is written without anchors: anchoring all of it as the projector starts is not
  // what these figures measure (a node's backlog of unanchored events is one interval's worth).
  const projector = spawn(process.execPath, [join(PROJECTOR_DIR, 'main.js')], {
    env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'test', DATA_DIR: dataDir, AUDIT_ANCHOR_INTERVAL_MS: '0' },
    stdio: 'ignore',
  });
  const sampler = rssSampler(projector.pid!);
  const deadline = Date.now() + (quick ? 120_000 : 1_800_000);
  const catching = new Progress({ label: '  catching up', unit: 'events', total: written });
  const catchUp = await timed(async () => {
    for (;;) {
      const c = checkpoints(readModelsFile);
      catching.update(c.length === FUNDING_PROJECTIONS.length ? Math.min(...c) : 0);
      if (c.length === FUNDING_PROJECTIONS.length && c.every((p) => p >= written)) return catching.finish();
      if (Date.now() > deadline)
        throw new Error(`The projector did not catch up in time: checkpoints ${JSON.stringify(c)} of ${written}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  const peak = sampler.stop();
  await new Promise<void>((done) => {
    projector.once('exit', () => done());
    projector.kill('SIGTERM');
  });
  record({
    name: `projection catch-up over ${written.toLocaleString('en-US')} events (${FUNDING_PROJECTIONS.length} projections)`,
    value: written / catchUp.seconds,
    unit: 'events/s',
    ceiling: { name: 'raw JSON parse', value: jsonCeiling },
    goal: '≥ 100,000/s',
  });
  record({ name: 'projector peak RSS during catch-up', value: peak / 2 ** 20, unit: 'MiB', goal: '≤ 512 MiB' });

  const rebuild = await timed(
    () =>
      new Promise<void>((done, fail) => {
        // The rebuild's own progress line goes to this terminal (stderr).
        const child = spawn(process.execPath, [join(PROJECTOR_DIR, 'rebuild.js')], {
          env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'test', DATA_DIR: dataDir },
          stdio: ['ignore', 'ignore', 'inherit'],
        });
        child.once('exit', (code) => (code === 0 ? done() : fail(new Error(`rebuild exited ${code}`))));
      }),
  );
  record({
    name: `full rebuild of the read models from ${written.toLocaleString('en-US')} events`,
    value: rebuild.seconds,
    unit: 's',
    goal: '≤ 15 s',
  });

  // What each query request reads before its documents: every projection's live generation (docs/adr/0025).
  const models = SqliteReadModelStore.open(readModelsFile);
  const lookups: number[] = [];
  try {
    for (let i = 0; i < SIZES.liveSpaceLookups; i++) {
      const from = performance.now();
      await liveSpace(models, FUNDING_PROJECTIONS);
      lookups.push(performance.now() - from);
    }
  } finally {
    await models.close();
  }
  lookups.sort((a, b) => a - b);
  record({
    name: 'live generations read per query request (liveSpace), p99',
    value: percentile(lookups, 99) * 1000,
    unit: 'µs',
    detail: `p50 ${(percentile(lookups, 50) * 1000).toFixed(0)} µs over ${lookups.length} requests, in process`,
  });

  const reader = await startProcess(API_MAIN, {
    DATA_DIR: dataDir,
    RUN_PROJECTOR: 'false',
    SEED_DEMO_PROGRAMME: 'false',
  });
  for (const [name, path] of [
    ['dashboard query', '/programmes/p0/dashboard'],
    ['call-detail query', '/calls/p0-c1'],
  ] as const) {
    const result = await autocannon({
      url: `${reader.url}${path}`,
      connections: 8,
      duration: SIZES.querySeconds,
      headers: AS_VIEWER,
    });
    record({
      name: `${name} at ${written.toLocaleString('en-US')} events, p99`,
      value: result.latency.p99,
      unit: 'ms',
      goal: name === 'dashboard query' ? '≤ 5 ms' : undefined,
      detail: `p50 ${result.latency.p50} ms, ${Math.round(result.requests.average)} req/s, non-2xx ${result.non2xx}`,
    });
  }
  await reader.stop();

  const live = await startProcess(API_MAIN, {
    DATA_DIR: dataDir,
    SEED_DEMO_PROGRAMME: 'false',
    AUDIT_ANCHOR_INTERVAL_MS: '0',
  });
  const callId = await openCall(live.url, {
    programmeId: 'p0',
    measureId: 'p0-m1',
    title: 'RYW',
    budgetCents: 30_000_000,
  });
  const lags: number[] = [];
  for (let i = 0; i < SIZES.ryw; i++) {
    const res = await fetch(`${live.url}/calls/${callId}/bids`, {
      method: 'POST',
      headers: AS_APPLICANT_SERVICE,
      body: bidJson('P', 1000, 'A'),
    });
    const answered = performance.now();
    const { bidId } = (await res.json()) as { bidId: string };
    const position = res.headers.get('x-event-position') ?? '0';
    const read = await fetch(`${live.url}/bids/${bidId}`, {
      headers: { ...AS_VIEWER, 'x-min-position': position },
    });
    if (read.status !== 200) throw new Error(`read-your-writes read answered ${read.status}`);
    lags.push(performance.now() - answered);
  }
  await live.stop();
  lags.sort((a, b) => a - b);
  record({
    name: 'read-your-writes lag (201 → query shows it), p99',
    value: percentile(lags, 99),
    unit: 'ms',
    goal: '≤ 50 ms',
    detail: `p50 ${percentile(lags, 50).toFixed(1)} ms over ${lags.length} commands`,
  });
}
