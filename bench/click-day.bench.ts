import { join } from 'node:path';
import autocannon from 'autocannon';
import { AS_APPLICANT_SERVICE, AS_VIEWER, bidJson, openCall } from './bench-api.js';
import type { HttpCeilings } from './ceilings.bench.js';
import { SIZES, record, work } from './bench-run.js';
import { API_MAIN, startProcess } from './measure.js';

/**
 * Click day: a first-come call opens and SIZES.clickDayBids bids arrive at once from 256
 * connections. Then: is every acknowledged bid listed, in the order of arrival, at the position its
 * answer gave (a bid whose answer the client timed out on may be listed too: it may have been
 * recorded); and how long after the storm the projections had caught up.
 */
export async function clickDay(ceiling: HttpCeilings) {
  process.stdout.write(
    `Click day (${SIZES.clickDayBids.toLocaleString('en-US')} bids on one first-come call, 256 connections)\n`,
  );
  // One applicant portal holds all 256 connections from one address: above the per-address default (256) with the bench's own requests.
  const api = await startProcess(API_MAIN, { DATA_DIR: join(work, 'click-day'), MAX_CONNECTIONS_PER_ADDRESS: '1024' });
  const callId = await openCall(api.url, {
    programmeId: 'wecare',
    measureId: 'wecare-m3',
    title: 'Sportello welfare',
    budgetCents: 500_000_000,
    maxGrantCents: 10_000,
    selection: 'first-come',
  });
  const acknowledged = new Map<string, string>();
  const result = await autocannon({
    url: `${api.url}/calls/${callId}/bids`,
    connections: 256,
    amount: SIZES.clickDayBids,
    requests: [
      {
        method: 'POST',
        headers: AS_APPLICANT_SERVICE,
        body: bidJson('Welfare', 10_000),
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
      headers: AS_VIEWER,
    });
    const body = (await res.json()) as { items: Array<{ bidId: string; arrivalPosition: string }>; total: number };
    listed.push(...body.items);
    if (listed.length >= body.total || body.items.length === 0) break;
  }
  await api.stop();
  const inOrder = listed.every((b, i) => i === 0 || BigInt(listed[i - 1]!.arrivalPosition) < BigInt(b.arrivalPosition));
  const place = new Map(listed.map((b) => [b.bidId, b.arrivalPosition]));
  const allListed = [...acknowledged].every(([bidId, position]) => place.get(bidId) === position);
  // A bid whose answer the client gave up on (its timeout) may have been recorded: listed, never acknowledged.
  const unanswered = result.errors + result.timeouts;
  const extra = listed.length - acknowledged.size;
  if (!inOrder || !allListed || extra < 0 || extra > unanswered)
    throw new Error(
      `click day: ${acknowledged.size} bids acknowledged, ${listed.length} listed (${unanswered} requests unanswered), in arrival order: ${inOrder}, each acknowledged one at its answer's position: ${allListed}`,
    );
  record({
    name: `click day: bids on one first-come call (256 connections, durable, projector running)`,
    value: result.requests.average,
    unit: 'req/s',
    ceiling: { name: 'bare Node http', value: ceiling.http },
    durableCeiling: { name: 'durable ceiling', value: ceiling.durableHttp },
    goal: '≥ 35% of bare http and ≥ 70% of the durable ceiling, p99 ≤ 50 ms',
    detail: `p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${acknowledged.size.toLocaleString('en-US')} acknowledged, all listed in arrival order (with ${extra} recorded whose answer came after the client's 10 s timeout), errors ${result.errors + result.non2xx + result.timeouts}`,
  });
  record({ name: 'click day: projector lag when the storm ends', value: caughtUpMs, unit: 'ms', goal: '≤ 1,000 ms' });
}
