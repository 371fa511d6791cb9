/**
 * The ceilings each figure is bounded by, measured on this machine: raw SQLite, a bare http server,
 * the durable append over HTTP (bare Fastify on SQLite with group commit), JSON.parse.
 */
import { join } from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { bidJson } from './bench-api.js';
import { SIZES, record, work } from './bench-run.js';
import { event, metadata } from './event-store.bench.js';
import { ROOT, startProcess, timed } from './measure.js';

/** The two ceilings of a request that writes: bare http, and the durable append over HTTP. */
export interface HttpCeilings {
  readonly http: number;
  readonly durableHttp: number;
}

export async function ceilings() {
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

  const durableServer = await startProcess(join(ROOT, 'dist/bench/bench/durable-ceiling-server.js'), {
    DATA_FILE: join(work, 'durable-ceiling.db'),
  });
  const durableHttp = await autocannon({
    url: `${durableServer.url}/calls/bench/bids`,
    method: 'POST',
    connections: 64,
    duration: SIZES.ceilingSeconds,
    headers: { 'content-type': 'application/json' },
    body: bidJson('Nido aziendale condiviso', 1_000_000),
  });
  await durableServer.stop();
  record({
    name: 'durable ceiling: one bid event appended per request, fsynced, ordered (bare Fastify, SQLite group commit)',
    value: durableHttp.requests.average,
    unit: 'req/s',
    ceiling: { name: 'bare Node http', value: http.requests.average },
    detail: `p50 ${durableHttp.latency.p50} ms, p99 ${durableHttp.latency.p99} ms, errors ${durableHttp.errors + durableHttp.non2xx}`,
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
    durableHttp: durableHttp.requests.average,
    json: SIZES.jsonEvents / parse.seconds,
  };
}
