/**
 * `npm run bench` (add `-- --quick` for small sizes): measures the product and, in the same run on
 * the same machine, the ceiling each figure is bounded by; prints a table and writes
 * bench/results/latest.json. No thresholds: the goals are reported beside the figures.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { SqliteEventStore, type NewEvent } from '@app/event-store';
import { FUNDING_PROJECTIONS } from '@app/read-models';
import { Progress } from '@app/config';
import { writeSyntheticLog } from '../test/support/synthetic-log.js';
import { API_MAIN, PROJECTOR_DIR, ROOT, percentile, rssSampler, startProcess, timed } from './measure.js';

const quick = process.argv.includes('--quick');
const SIZES = quick
  ? {
      rawDurable: 300,
      rawBatched: 20_000,
      singleWriter: 300,
      concurrent: 3_000,
      batched: 20_000,
      httpSeconds: 4,
      ceilingSeconds: 2,
      logBlocks: 400,
      querySeconds: 2,
      ryw: 30,
      jsonEvents: 50_000,
      clickDayBids: 2_000,
    }
  : {
      rawDurable: 3_000,
      rawBatched: 300_000,
      singleWriter: 3_000,
      concurrent: 30_000,
      batched: 300_000,
      httpSeconds: 30,
      ceilingSeconds: 10,
      logBlocks: 18_900,
      querySeconds: 10,
      ryw: 300,
      jsonEvents: 1_000_000,
      clickDayBids: 100_000,
    };

interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly ceiling?: { readonly name: string; readonly value: number };
  readonly goal?: string;
  readonly detail?: string;
}
const figures: Figure[] = [];
const record = (figure: Figure) => {
  figures.push(figure);
  const ratio = figure.ceiling
    ? ` (${((figure.value / figure.ceiling.value) * 100).toFixed(1)}% of ${figure.ceiling.name})`
    : '';
  process.stdout.write(
    `  ${figure.name}: ${format(figure.value)} ${figure.unit}${ratio}${figure.detail ? ` — ${figure.detail}` : ''}\n`,
  );
};
const format = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));
const work = mkdtempSync(join(tmpdir(), 'bench-'));
const metadata = () => ({
  actor: 'bench',
  correlationId: randomUUID(),
  causationId: null,
  commandId: null,
  recordedAt: new Date().toISOString(),
});
const event = (i: number): NewEvent => ({
  eventId: randomUUID(),
  type: 'BidSubmitted',
  schemaVersion: 1,
  data: {
    bidId: `b${i}`,
    callId: 'c1',
    applicant: { type: 'company', taxCode: '01234567890', name: 'Officine Riunite Srl' },
    projectTitle: 'Nido aziendale condiviso',
    requestedCents: 15_000_000,
    submittedAt: new Date().toISOString(),
  },
  metadata: metadata(),
});

async function ceilings() {
  process.stdout.write('Ceilings\n');
  const db = new Database(join(work, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const body = JSON.stringify(event(0));
  const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
  const durable = await timed(async () => {
    for (let i = 0; i < SIZES.rawDurable; i++) insert.run(body);
  });
  record({
    name: 'raw SQLite durable inserts (1 row per fsynced transaction)',
    value: SIZES.rawDurable / durable.seconds,
    unit: 'rows/s',
  });
  const batch = db.transaction((n: number) => {
    for (let i = 0; i < n; i++) insert.run(body);
  });
  const batched = await timed(async () => {
    for (let i = 0; i < SIZES.rawBatched; i += 1000) batch(1000);
  });
  record({
    name: 'raw SQLite batched inserts (1,000 rows per fsynced transaction)',
    value: SIZES.rawBatched / batched.seconds,
    unit: 'rows/s',
  });
  db.close();

  const bare = await startProcess(join(ROOT, 'dist/bench/bench/bare-http-server.js'), {});
  const http = await autocannon({ url: bare.url, connections: 64, duration: SIZES.ceilingSeconds });
  await bare.stop();
  record({
    name: 'bare Node http server',
    value: http.requests.average,
    unit: 'req/s',
    detail: `p99 ${http.latency.p99} ms`,
  });

  const rows = Array.from({ length: 1000 }, (_, i) => JSON.stringify({ data: event(i).data, metadata: metadata() }));
  const parse = await timed(async () => {
    for (let i = 0; i < SIZES.jsonEvents; i++) JSON.parse(rows[i % rows.length]!);
  });
  record({ name: 'raw JSON.parse of stored events', value: SIZES.jsonEvents / parse.seconds, unit: 'events/s' });
  return {
    durable: SIZES.rawDurable / durable.seconds,
    batched: SIZES.rawBatched / batched.seconds,
    http: http.requests.average,
    json: SIZES.jsonEvents / parse.seconds,
  };
}

async function eventStore(ceiling: { durable: number; batched: number }) {
  process.stdout.write('Event store (embedded, durable)\n');
  const store = SqliteEventStore.open(join(work, 'events-bench.db'));
  const single = await timed(async () => {
    for (let i = 0; i < SIZES.singleWriter; i++)
      await store.append({ stream: 'bid-single', expected: 'any', events: [event(i)] });
  });
  record({
    name: 'single-event appends, 1 writer',
    value: SIZES.singleWriter / single.seconds,
    unit: 'events/s',
    ceiling: { name: 'raw durable inserts', value: ceiling.durable },
  });
  const perWriter = Math.ceil(SIZES.concurrent / 64);
  const concurrent = await timed(() =>
    Promise.all(
      Array.from({ length: 64 }, async (_, w) => {
        for (let i = 0; i < perWriter; i++)
          await store.append({ stream: `bid-w${w}`, expected: 'any', events: [event(i)] });
      }),
    ),
  );
  record({
    name: 'single-event appends, 64 concurrent writers (group commit)',
    value: (perWriter * 64) / concurrent.seconds,
    unit: 'events/s',
    ceiling: { name: 'raw batched inserts', value: ceiling.batched },
  });
  const batches = await timed(async () => {
    for (let i = 0; i < SIZES.batched; i += 100)
      await store.append({
        stream: `bid-batch${i % 50}`,
        expected: 'any',
        events: Array.from({ length: 100 }, (_, j) => event(i + j)),
      });
  });
  record({
    name: 'appends of 100 events',
    value: SIZES.batched / batches.seconds,
    unit: 'events/s',
    ceiling: { name: 'raw batched inserts', value: ceiling.batched },
  });
  await store.close();
}

async function httpCommands(ceiling: number) {
  process.stdout.write('HTTP commands\n');
  await bidStorm(
    ceiling,
    'bids submitted over HTTP (64 connections, durable)',
    'bids over HTTP',
    { DATA_DIR: join(work, 'http') },
    false,
  );
  // The same storm with the projector as its own process (how docker-compose runs it): what the projector costs the request thread.
  await bidStorm(
    ceiling,
    'bids over HTTP, projector in its own process (64 connections, durable)',
    'bids over HTTP, own projector',
    { DATA_DIR: join(work, 'http-own-projector'), RUN_PROJECTOR: 'false' },
    true,
  );
}

async function bidStorm(
  ceiling: number,
  name: string,
  short: string,
  env: Record<string, string>,
  ownProjector: boolean,
) {
  const api = await startProcess(API_MAIN, env);
  const projector = ownProjector
    ? await startProcess(join(PROJECTOR_DIR, 'main.js'), { DATA_DIR: env['DATA_DIR']! }, /(projector running)/)
    : null;
  const headers = { 'content-type': 'application/json', authorization: 'Bearer programme-manager-dev-api-key' };
  const open = await fetch(`${api.url}/calls`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      programmeId: 'wecare',
      measureId: 'wecare-m1',
      title: 'Bench',
      budgetCents: 600_000_000,
      opensAt: new Date(Date.now() - 60_000).toISOString(),
      closesAt: new Date(Date.now() + 86_400_000).toISOString(),
      eligibleApplicantTypes: ['company'],
    }),
  });
  const { callId } = (await open.json()) as { callId: string };
  const result = await autocannon({
    url: `${api.url}/calls/${callId}/bids`,
    method: 'POST',
    connections: 64,
    duration: SIZES.httpSeconds,
    headers: { 'content-type': 'application/json', authorization: 'Bearer applicant-service-dev-api-key' },
    body: JSON.stringify({
      applicant: { type: 'company', taxCode: '01234567890', name: 'Officine Riunite Srl' },
      projectTitle: 'Nido aziendale condiviso',
      requestedCents: 1_000_000,
    }),
  });
  await projector?.stop();
  await api.stop();
  const errors = result.errors + result.non2xx + result.timeouts;
  record({
    name,
    value: result.requests.average,
    unit: 'req/s',
    ceiling: { name: 'bare Node http', value: ceiling },
    goal: '≥ 10,000/s and ≥ 35% of bare http, p99 ≤ 50 ms',
    detail: `p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, errors ${errors}`,
  });
  figures.push(
    { name: `${short} p50 latency`, value: result.latency.p50, unit: 'ms' },
    { name: `${short} p99 latency`, value: result.latency.p99, unit: 'ms' },
    { name: `${short} errors`, value: errors, unit: 'count', goal: '0' },
  );
}

/**
 * Click day: a first-come call opens and SIZES.clickDayBids bids arrive at once from 256
 * connections. Then: is every acknowledged bid listed, in the order of arrival, at the position its
 * answer gave; and how long after the storm the projections had caught up.
 */
async function clickDay(ceiling: number) {
  process.stdout.write(
    `Click day (${SIZES.clickDayBids.toLocaleString('en-US')} bids on one first-come call, 256 connections)\n`,
  );
  // One applicant portal holds all 256 connections from one address: above the per-address default (256) with the bench's own requests.
  const api = await startProcess(API_MAIN, { DATA_DIR: join(work, 'click-day'), MAX_CONNECTIONS_PER_ADDRESS: '1024' });
  const headers = { 'content-type': 'application/json', authorization: 'Bearer programme-manager-dev-api-key' };
  const open = await fetch(`${api.url}/calls`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      programmeId: 'wecare',
      measureId: 'wecare-m3',
      title: 'Sportello welfare',
      budgetCents: 500_000_000,
      maxGrantCents: 10_000,
      selection: 'first-come',
      opensAt: new Date(Date.now() - 60_000).toISOString(),
      closesAt: new Date(Date.now() + 86_400_000).toISOString(),
      eligibleApplicantTypes: ['company'],
    }),
  });
  const { callId } = (await open.json()) as { callId: string };
  const acknowledged = new Map<string, string>();
  const result = await autocannon({
    url: `${api.url}/calls/${callId}/bids`,
    connections: 256,
    amount: SIZES.clickDayBids,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer applicant-service-dev-api-key' },
        body: JSON.stringify({
          applicant: { type: 'company', taxCode: '01234567890', name: 'Officine Riunite Srl' },
          projectTitle: 'Welfare',
          requestedCents: 10_000,
        }),
        onResponse: (status: number, body: string) => {
          if (status === 201) {
            const answer = JSON.parse(body) as { bidId: string; position: string };
            acknowledged.set(answer.bidId, answer.position);
          }
        },
      },
    ],
  });
  const stormEnded = performance.now();
  let caughtUpMs = Number.NaN;
  for (;;) {
    const health = (await (await fetch(`${api.url}/health`)).json()) as {
      readModels: { projections: Array<{ lag: string }> };
    };
    if (health.readModels.projections.every((p) => p.lag === '0')) {
      caughtUpMs = performance.now() - stormEnded;
      break;
    }
    if (performance.now() - stormEnded > 600_000) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  // Every acknowledged bid listed, in arrival order, at the position its answer gave.
  const listed: Array<{ bidId: string; arrivalPosition: string }> = [];
  for (let page = 1; ; page++) {
    const res = await fetch(`${api.url}/calls/${callId}/bids?order=arrival&pageSize=100&page=${page}`, {
      headers: { authorization: 'Bearer viewer-dev-api-key' },
    });
    const body = (await res.json()) as { items: Array<{ bidId: string; arrivalPosition: string }>; total: number };
    listed.push(...body.items);
    if (listed.length >= body.total || body.items.length === 0) break;
  }
  await api.stop();
  const inOrder = listed.every((b, i) => i === 0 || BigInt(listed[i - 1]!.arrivalPosition) < BigInt(b.arrivalPosition));
  const allListed =
    listed.length === acknowledged.size && listed.every((b) => acknowledged.get(b.bidId) === b.arrivalPosition);
  if (!inOrder || !allListed)
    throw new Error(
      `click day: ${acknowledged.size} bids acknowledged, ${listed.length} listed, in arrival order: ${inOrder}, each at its answer's position: ${allListed}`,
    );
  record({
    name: `click day: bids on one first-come call (256 connections, durable, projector running)`,
    value: result.requests.average,
    unit: 'req/s',
    ceiling: { name: 'bare Node http', value: ceiling },
    goal: '≥ 10,000/s, p99 ≤ 50 ms',
    detail: `p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${acknowledged.size.toLocaleString('en-US')} acknowledged, all listed in arrival order, errors ${result.errors + result.non2xx + result.timeouts}`,
  });
  record({ name: 'click day: projector lag when the storm ends', value: caughtUpMs, unit: 'ms', goal: '≤ 1,000 ms' });
}

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

async function readSide(jsonCeiling: number) {
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
  const projector = spawn(process.execPath, [join(PROJECTOR_DIR, 'main.js')], {
    env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'test', DATA_DIR: dataDir },
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
      headers: { authorization: 'Bearer viewer-dev-api-key' },
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

  const live = await startProcess(API_MAIN, { DATA_DIR: dataDir, SEED_DEMO_PROGRAMME: 'false' });
  const pm = { 'content-type': 'application/json', authorization: 'Bearer programme-manager-dev-api-key' };
  const opened = await fetch(`${live.url}/calls`, {
    method: 'POST',
    headers: pm,
    body: JSON.stringify({
      programmeId: 'p0',
      measureId: 'p0-m1',
      title: 'RYW',
      budgetCents: 30_000_000,
      opensAt: new Date(Date.now() - 60_000).toISOString(),
      closesAt: new Date(Date.now() + 86_400_000).toISOString(),
      eligibleApplicantTypes: ['company'],
    }),
  });
  const { callId } = (await opened.json()) as { callId: string };
  const lags: number[] = [];
  for (let i = 0; i < SIZES.ryw; i++) {
    const res = await fetch(`${live.url}/calls/${callId}/bids`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer applicant-service-dev-api-key' },
      body: JSON.stringify({
        applicant: { type: 'company', taxCode: '01234567890', name: 'A' },
        projectTitle: 'P',
        requestedCents: 1000,
      }),
    });
    const answered = performance.now();
    const { bidId } = (await res.json()) as { bidId: string };
    const position = res.headers.get('x-event-position') ?? '0';
    const read = await fetch(`${live.url}/bids/${bidId}`, {
      headers: { authorization: 'Bearer viewer-dev-api-key', 'x-min-position': position },
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

async function main() {
  process.stdout.write(
    `cohesion-ledger benchmarks${quick ? ' (quick)' : ''} on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`,
  );
  try {
    const ceiling = await ceilings();
    await eventStore(ceiling);
    await httpCommands(ceiling.http);
    await clickDay(ceiling.http);
    await readSide(ceiling.json);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const out = resolve(ROOT, 'bench/results/latest.json');
  mkdirSync(resolve(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ at: new Date().toISOString(), quick, machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version }, figures }, null, 2)}\n`,
  );
  process.stdout.write(`\n| figure | value | ceiling | share of ceiling | goal |\n| --- | --- | --- | --- | --- |\n`);
  for (const f of figures) {
    process.stdout.write(
      `| ${f.name} | ${format(f.value)} ${f.unit} | ${f.ceiling ? `${format(f.ceiling.value)} (${f.ceiling.name})` : ''} | ${f.ceiling ? `${((f.value / f.ceiling.value) * 100).toFixed(1)}%` : ''} | ${f.goal ?? ''} |\n`,
    );
  }
  process.stdout.write(`\nWritten to ${out}\n`);
}

await main();
