/**
 * The request log of the real process: one JSON line per request with the principal's id, the
 * route pattern, the status, the duration and the correlation id, and never what identifies a
 * person (a body's names and tax codes, a tax code in a path or a query) nor the API key.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { KEYS, bearer, type ApiProcess } from './support/api-process.js';
import { FundingClient } from './support/funding-requests.js';
import { startApiWithClient, stopAndRemove } from './support/running-api.js';

const DPO = 'data-protection-officer-dev-api-key';

interface RequestLine {
  readonly level: string;
  readonly time: string;
  readonly context: string;
  readonly method: string;
  readonly route: string | null;
  readonly status: number | 'aborted';
  readonly durationMs: number;
  readonly principal: string | null;
  readonly correlationId: string | null;
  readonly msg: string;
}

/** Every stdout line must be JSON but the addresses the process prints for scripts. */
function lines(output: string): Array<Record<string, unknown>> {
  return output
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('cohesion-ledger '))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 5_000) throw new Error('The line was not logged within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the request log', () => {
  let api: ApiProcess;
  let client: FundingClient;

  beforeAll(async () => ({ api, client } = await startApiWithClient({ env: { LOG_LEVEL: 'info' } })));
  afterAll(() => stopAndRemove(api));

  it('writes one JSON line per request, with principal, route, status, duration and correlation, and no personal data', async () => {
    const name = 'Ludovica Ferraresi Quaglia';
    const taxCode = 'FRRLDV82C52F205X';
    const company = { name: 'Tessiture Quagliotti Srl', taxCode: '07643520567' };
    const callId = await client.openCall({ eligibleApplicantTypes: ['natural-person', 'company'] });
    // A line is written as its response closes, a moment after the client has it.
    await until(() => api.output().includes('"msg":"POST /calls 201"'));
    const before = api.output().length;

    const person = await client
      .post(`/calls/${callId}/bids`, KEYS.applicantService, {
        applicant: {
          type: 'natural-person',
          taxCode,
          name,
          region: 'ITC1',
          contact: { email: 'ludovica@example.org' },
        },
        projectTitle: 'Assistenza',
        requestedCents: 500_000,
      })
      .set('X-Correlation-Id', 'intake-2026-0042');
    const firm = await client.post(`/calls/${callId}/bids`, KEYS.applicantService, {
      applicant: { type: 'company', ...company },
      projectTitle: 'Nido',
      requestedCents: 500_000,
    });
    const refused = await client.post(`/calls/${callId}/bids`, KEYS.applicantService, {
      applicant: { type: 'company', ...company },
      projectTitle: 'Nido',
      requestedCents: 99_000_000,
    });
    const search = await request(api.url).get(`/data-subjects?taxCode=${taxCode}`).set(bearer(DPO));
    const statement = await request(api.url)
      .get(`/undertakings/${taxCode}/de-minimis`)
      .set(bearer(KEYS.programmeManager));
    expect([person.status, firm.status, refused.status, search.status, statement.status]).toEqual([
      201, 201, 422, 200, 200,
    ]);
    await until(() => api.output().slice(before).includes('/undertakings/:taxCode/de-minimis 200'));

    const logged = api.output().slice(before);
    const requests = lines(logged).filter((line) => line['context'] === 'http') as unknown as RequestLine[];
    expect(requests.map((r) => [r.method, r.route, r.status])).toEqual([
      ['POST', '/calls/:callId/bids', 201],
      ['POST', '/calls/:callId/bids', 201],
      ['POST', '/calls/:callId/bids', 422],
      ['GET', '/data-subjects', 200],
      ['GET', '/undertakings/:taxCode/de-minimis', 200],
    ]);
    for (const line of requests) {
      expect(line).toMatchObject({
        level: 'info',
        time: expect.any(String),
        principal: expect.stringMatching(/^dev:/),
        durationMs: expect.any(Number),
      });
      expect(line.durationMs).toBeGreaterThanOrEqual(0);
    }
    expect(requests[0]!.correlationId).toBe('intake-2026-0042');
    expect(requests[1]!.correlationId).toBe(firm.headers['x-correlation-id']);
    expect(requests[3]!.principal).toBe('dev:data-protection-officer');

    for (const secret of [
      name,
      'Ferraresi',
      taxCode,
      taxCode.toLowerCase(),
      'ludovica@example.org',
      company.name,
      company.taxCode,
      callId + '/bids',
      KEYS.applicantService,
      DPO,
      'Bearer',
    ]) {
      expect(logged).not.toContain(secret);
    }
  });

  it("writes the API's own messages as JSON lines too", async () => {
    const all = lines(api.output());
    expect(all.length).toBeGreaterThan(0);
    expect(all.find((line) => line['context'] === 'NestApplication')).toMatchObject({
      level: 'info',
      msg: 'Nest application successfully started',
    });
  });
});
