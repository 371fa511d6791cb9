/**
 * The Prometheus endpoint of the real process (METRICS_PORT, a listener of its own): requests by
 * route pattern and status, commands by type and result with the domain's refusal codes,
 * idempotent replays, appends, and the stores' gauges move as a client drives the API.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { KEYS, bearer, type ApiProcess } from './support/api-process.js';
import { FundingClient, bidBody, openCallBody } from './support/funding-requests.js';
import { startApiWithClient, stopAndRemove } from './support/running-api.js';
import { sample, scrape } from './support/prometheus.js';

describe('metrics', () => {
  let api: ApiProcess;
  let client: FundingClient;
  let metricsUrl: string;

  beforeAll(async () => {
    ({ api, client } = await startApiWithClient({ env: { METRICS_PORT: '0' } }));
    const printed = /metrics at (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(api.output())?.[1];
    if (!printed) throw new Error(`No metrics address printed:\n${api.output()}`);
    metricsUrl = printed;
  });
  afterAll(() => stopAndRemove(api));

  it('counts requests by route and status, commands by type and result, refusals by code and replays that wrote nothing', async () => {
    const before = (await scrape(metricsUrl)).samples;

    const callId = await client.openCall();
    const submit = () =>
      client
        .post(`/calls/${callId}/bids`, KEYS.applicantService, bidBody({ bidId: 'metrics-bid' }))
        .set('Idempotency-Key', 'metrics-bid-1');
    const first = await submit();
    const replayed = await submit();
    expect([first.status, replayed.status, replayed.headers['idempotent-replayed']]).toEqual([201, 201, 'true']);
    const refused = await client.post(
      `/calls/${callId}/bids`,
      KEYS.applicantService,
      bidBody({ requestedCents: 25_000_000 }),
    );
    expect([refused.status, refused.body.code]).toEqual([422, 'REQUEST_EXCEEDS_CAP']);
    expect((await request(api.url).get('/calls').set(bearer('not-a-key-of-anyone'))).status).toBe(401);

    const { samples: after, text, contentType } = await scrape(metricsUrl);
    const moved = (name: string, labels: Record<string, string> = {}) =>
      sample(after, name, labels) - sample(before, name, labels);
    expect(contentType).toContain('text/plain');

    const bids = { method: 'POST', route: '/calls/:callId/bids' };
    expect(moved('ledger_http_request_duration_seconds_count', { ...bids, status: '201' })).toBe(2);
    expect(moved('ledger_http_request_duration_seconds_count', { ...bids, status: '422' })).toBe(1);
    expect(moved('ledger_http_request_duration_seconds_count', { method: 'GET', route: '/calls', status: '401' })).toBe(
      1,
    );
    expect(moved('ledger_http_idempotent_replays_total', { route: '/calls/:callId/bids' })).toBe(1);
    // The replay ran no command: one SubmitBid accepted, one refused.
    expect(moved('ledger_commands_total', { command: 'OpenCall', result: 'accepted' })).toBe(1);
    expect(moved('ledger_commands_total', { command: 'SubmitBid', result: 'accepted' })).toBe(1);
    expect(moved('ledger_commands_total', { command: 'SubmitBid', result: 'refused' })).toBe(1);
    expect(moved('ledger_command_refusals_total', { command: 'SubmitBid', code: 'REQUEST_EXCEEDS_CAP' })).toBe(1);
    expect(moved('ledger_command_duration_seconds_count', { command: 'SubmitBid' })).toBe(2);
    expect(moved('ledger_event_store_append_duration_seconds_count', { result: 'appended' })).toBe(2);
    // Labels carry route patterns, never the ids of a URL.
    expect(text).not.toContain(callId);
  });

  it("reports the head of the log and each projection's checkpoint and lag, as /health does", async () => {
    const written = await client.post('/calls', KEYS.programmeManager, openCallBody());
    expect(written.status).toBe(201);
    // Read-your-write: once the read models have the call, every projection is at the head.
    expect(
      (
        await request(api.url)
          .get('/calls')
          .set(bearer(KEYS.viewer))
          .set('X-Min-Position', written.headers['x-event-position'] as string)
      ).status,
    ).toBe(200);
    const health = (await request(api.url).get('/health')).body;
    const { samples } = await scrape(metricsUrl);
    expect(sample(samples, 'ledger_event_store_up')).toBe(1);
    expect(sample(samples, 'ledger_event_store_head_position')).toBe(Number(health.eventStore.headPosition));
    for (const projection of health.readModels.projections as Array<{
      projection: string;
      checkpoint: string;
      lag: string;
    }>) {
      expect(
        sample(samples, 'ledger_projection_checkpoint_position', { projection: projection.projection }),
      ).toBeGreaterThanOrEqual(Number(written.headers['x-event-position']));
      expect(samples.has(`ledger_projection_lag_positions{projection="${projection.projection}"}`)).toBe(true);
      expect(sample(samples, 'ledger_projection_failed', { projection: projection.projection })).toBe(0);
    }
    expect(sample(samples, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('answers only /metrics on its own listener, and is no route of the API', async () => {
    const listener = new URL(metricsUrl).origin;
    expect((await request(listener).get('/health')).status).toBe(404);
    expect((await request(listener).post('/metrics')).status).toBe(405);
    expect((await request(api.url).get('/metrics').set(bearer(KEYS.auditor))).status).toBe(404);
  });
});
