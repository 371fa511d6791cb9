/** Bids submitted over HTTP from 64 connections, with the projector in the API's process or in its own. */
import { join } from 'node:path';
import autocannon from 'autocannon';
import { AS_APPLICANT_SERVICE, bidJson, openCall } from './bench-api.js';
import type { HttpCeilings } from './ceilings.bench.js';
import { SIZES, figures, record, work } from './bench-run.js';
import { API_MAIN, PROJECTOR_DIR, startProcess } from './measure.js';

export async function httpCommands(ceiling: HttpCeilings) {
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
  ceiling: HttpCeilings,
  name: string,
  short: string,
  env: Record<string, string>,
  ownProjector: boolean,
) {
  const api = await startProcess(API_MAIN, env);
  const projector = ownProjector
    ? await startProcess(join(PROJECTOR_DIR, 'main.js'), { DATA_DIR: env['DATA_DIR']! }, /(projector running)/)
    : null;
  const callId = await openCall(api.url, {
    programmeId: 'wecare',
    measureId: 'wecare-m1',
    title: 'Bench',
    budgetCents: 600_000_000,
  });
  const result = await autocannon({
    url: `${api.url}/calls/${callId}/bids`,
    method: 'POST',
    connections: 64,
    duration: SIZES.httpSeconds,
    headers: AS_APPLICANT_SERVICE,
    body: bidJson('Nido aziendale condiviso', 1_000_000),
  });
  await projector?.stop();
  await api.stop();
  const errors = result.errors + result.non2xx + result.timeouts;
  record({
    name,
    value: result.requests.average,
    unit: 'req/s',
    ceiling: { name: 'bare Node http', value: ceiling.http },
    durableCeiling: { name: 'durable ceiling', value: ceiling.durableHttp },
    goal: '≥ 35% of bare http and ≥ 70% of the durable ceiling, p99 ≤ 50 ms',
    detail: `p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, errors ${errors}`,
  });
  figures.push(
    { name: `${short} p50 latency`, value: result.latency.p50, unit: 'ms' },
    { name: `${short} p99 latency`, value: result.latency.p99, unit: 'ms' },
    { name: `${short} errors`, value: errors, unit: 'count', goal: '0' },
  );
}
