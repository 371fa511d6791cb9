/**
 * Traces from the real process, started as the Dockerfile starts it (`node --import` the tracing
 * preload) with the standard OTEL_* variables, exporting OTLP/JSON to a collector this test runs
 * on the loopback interface: a command's trace goes HTTP → command → read, decide, append, its
 * events are correlated by the trace id, and no tax code reaches a span.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { API_TRACING_PRELOAD, KEYS, bearer, removeDataDir, startApi, type ApiProcess } from './support/api-process.js';
import { FundingClient, openCallBody } from './support/funding-requests.js';
import { Collector } from './support/otlp-collector.js';

describe('traces', () => {
  const collector = new Collector();
  let api: ApiProcess;
  let client: FundingClient;

  beforeAll(async () => {
    const endpoint = await collector.start();
    api = await startApi({
      nodeArgs: ['--import', API_TRACING_PRELOAD],
      env: {
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: endpoint,
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
    });
    client = new FundingClient(api.url);
  });
  afterAll(async () => {
    await api.stop();
    removeDataDir(api.dataDir);
    await collector.stop();
  });

  it('follows a command from its request through its decision to its append, and correlates its events by the trace id', async () => {
    const opened = await client.post('/calls', KEYS.programmeManager, openCallBody());
    expect(opened.status).toBe(201);
    const traceId = opened.headers['x-correlation-id'] as string;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    const http = await collector.span((s) => s.traceId === traceId && s.name === 'POST /calls');
    expect(http.attributes).toMatchObject({ 'http.route': '/calls', 'http.response.status_code': 201 });
    const command = await collector.span((s) => s.traceId === traceId && s.name === 'command OpenCall');
    expect(command.parentSpanId).toBe(http.spanId);
    expect(command.attributes).toMatchObject({
      'ledger.command.result': 'accepted',
      'ledger.stream': `call-${opened.body.callId}`,
    });
    for (const step of ['read', 'decide OpenCall', 'append'])
      expect((await collector.span((s) => s.traceId === traceId && s.name === step)).parentSpanId).toBe(command.spanId);

    const history = await request(api.url).get(`/audit/streams/call-${opened.body.callId}`).set(bearer(KEYS.auditor));
    expect(history.body.events[0].metadata).toMatchObject({ correlationId: traceId });
  });

  it('names spans by route and keeps the URL out: no tax code in a path or a query reaches a span; probes are not traced', async () => {
    const taxCode = 'QGLLDV82C52F205X';
    await request(api.url).get(`/undertakings/${taxCode}/de-minimis`).set(bearer(KEYS.programmeManager)).expect(200);
    await request(api.url).get(`/data-subjects?taxCode=${taxCode}`).set(bearer('data-protection-officer-dev-api-key'));
    await request(api.url).get('/health').expect(200);

    const statement = await collector.span((s) => s.name === 'GET /undertakings/:taxCode/de-minimis');
    expect(statement.attributes['url.path']).toBe('/undertakings/:taxCode/de-minimis');
    const search = await collector.span((s) => s.name === 'GET /data-subjects');
    expect(search.attributes).toMatchObject({ 'url.path': '/data-subjects', 'url.query': 'taxCode=REDACTED' });
    expect(collector.payloads.join('\n')).not.toContain(taxCode);
    expect(collector.spans.some((s) => s.name.includes('/health'))).toBe(false);
  });
});
