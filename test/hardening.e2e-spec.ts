/**
 * The OWASP API Top 10 sweep, finding by finding, against the real process: each test shows the
 * attack and what the API answers now (docs/security.md lists the protections and their limits).
 * The findings that need a process of their own (heavy routes, connections, production) are in
 * hardening-under-load.e2e-spec.ts and hardening-production.e2e-spec.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import net from 'node:net';
import { KEYS, bearer, type ApiProcess } from './support/api-process.js';
import { actBody, FundingClient, bidBody, awardBody } from './support/funding-requests.js';
import { startApiWithClient, stopAndRemove } from './support/running-api.js';
// Raw requests, for what no client would send; every answer is still checked against the OpenAPI document.
import { getFrom, request } from './support/http.js';

const SECOND_PORTAL = 'applicant-service-2-dev-api-key';

describe('hardening against the OWASP API Top 10', () => {
  let api: ApiProcess;
  let client: FundingClient;

  beforeAll(
    async () =>
      ({ api, client } = await startApiWithClient({
        env: { REQUEST_TIMEOUT_MS: '5000', MIN_POSITION_WAIT_MS: '500' },
      })),
  );
  afterAll(() => stopAndRemove(api));

  describe('1. object-level authorization: a bid belongs to the portal that submitted it', () => {
    it('another portal can neither withdraw nor read it (404, as if it did not exist); its own portal can read it, and its grant', async () => {
      // First-come: its bid is awarded at once, and the call stays open for the next one.
      const callId = await client.openCall({ selection: 'first-come' });
      const submitted = await client.submitBid(callId, bidBody());
      const bidId = submitted.body.bidId as string;

      const stolen = await client.withdrawBid(bidId, SECOND_PORTAL);
      expect(stolen.status).toBe(404);
      expect(stolen.body.code).toBe('BID_NOT_FOUND');
      expect(
        (
          await request(api.url)
            .get(`/bids/${bidId}`)
            .set(bearer(SECOND_PORTAL))
            .set('X-Min-Position', submitted.headers['x-event-position']!)
        ).status,
      ).toBe(404);

      const own = await request(api.url)
        .get(`/bids/${bidId}`)
        .set(bearer(KEYS.applicantService))
        .set('X-Min-Position', submitted.headers['x-event-position']!);
      expect(own.status).toBe(200);
      expect(own.body).toMatchObject({ bidId, status: 'submitted' });

      await client.evaluateBid(bidId, { admissible: true, score: 80 });
      const award = await client.awardGrant(callId, awardBody(bidId, 1_000_000));
      const grantId = award.body.grantId as string;
      const at = award.headers['x-event-position']!;
      expect(
        (await request(api.url).get(`/grants/${grantId}`).set(bearer(KEYS.applicantService)).set('X-Min-Position', at))
          .status,
      ).toBe(200);
      expect(
        (await request(api.url).get(`/grants/${grantId}`).set(bearer(SECOND_PORTAL)).set('X-Min-Position', at)).status,
      ).toBe(404);
      // Its own portal may still withdraw what it submitted, as before.
      const other = await client.submitBid(callId, bidBody());
      expect((await client.withdrawBid(other.body.bidId)).status).toBe(200);
    });
  });

  describe('2. money stays exact', () => {
    it('refuses amounts beyond what any programme could hold, so no total can leave the exact range', async () => {
      const res = await client.establishProgramme({
        code: 'HUGE',
        title: 'Huge',
        funds: [{ fund: 'FSE', amountCents: Number.MAX_SAFE_INTEGER }],
      });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });

    it('keeps every total exact at the largest amounts, through award and revocation cycles', async () => {
      const MAX = 10_000_000_000_000;
      const programme = await client.establishProgramme({
        code: 'BIG',
        title: 'Big',
        funds: [{ fund: 'FSE', amountCents: MAX }],
      });
      expect(programme.status).toBe(201);
      const programmeId = programme.body.programmeId as string;
      expect(
        (
          await client.defineMeasure(programmeId, {
            measureId: 'all',
            code: 'M1',
            title: 'All',
            fund: 'FSE',
            allocationCents: MAX,
          })
        ).status,
      ).toBe(201);
      // First-come: each cycle's bid is the one waiting, awarded at once.
      const callId = await client.openCall({
        programmeId,
        measureId: 'all',
        budgetCents: MAX,
        maxGrantCents: MAX,
        selection: 'first-come',
      });
      for (let cycle = 0; cycle < 2; cycle++) {
        const bidId = await client.admissibleBid(callId, { requestedCents: MAX });
        const grant = await client.awardGrant(callId, awardBody(bidId, MAX));
        expect(grant.status).toBe(201);
        expect((await client.revokeGrant(grant.body.grantId, { reason: 'Cycle', act: actBody() })).status).toBe(200);
      }
      const lastBid = await client.admissibleBid(callId, { requestedCents: MAX });
      const last = await client.awardGrant(callId, awardBody(lastBid, MAX));
      expect(last.status).toBe(201);
      const oneCent = await client.admissibleBid(callId, { requestedCents: 1 });
      const refused = await client.awardGrant(callId, awardBody(oneCent, 1));
      expect(refused.body.code).toBe('BUDGET_EXCEEDED');
      const call = await request(api.url)
        .get(`/calls/${callId}`)
        .set(bearer(KEYS.viewer))
        .set('X-Min-Position', last.headers['x-event-position']!);
      expect(call.body).toMatchObject({ committedCents: 3 * MAX, releasedCents: 2 * MAX, remainingCents: 0 });
    });
  });

  describe('3. no request starves the others', () => {
    it('answers 429 with Retry-After past the failed-authentication limit of an address', async () => {
      const statuses: number[] = [];
      let retryAfter: string | undefined;
      for (let i = 0; i < 30; i++) {
        const res = await getFrom(api.url, '/calls', '127.0.0.9', { authorization: `Bearer wrong-key-${i}` });
        statuses.push(res.status);
        retryAfter ??= res.status === 429 ? String(res.headers['retry-after']) : undefined;
      }
      expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
      expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
      expect(Number(retryAfter)).toBeGreaterThan(0);
      // Other addresses are not affected.
      expect((await getFrom(api.url, '/calls', '127.0.0.10', { authorization: `Bearer ${KEYS.viewer}` })).status).toBe(
        200,
      );
    });

    it('caps the field problems a 400 lists, and the length of any value it echoes', async () => {
      const body = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, 1]));
      const res = await request(api.url).post('/calls').set(bearer(KEYS.programmeManager)).send(body);
      expect(res.status).toBe(400);
      expect(res.body.errors.length).toBeLessThanOrEqual(21);
      expect(JSON.stringify(res.body).length).toBeLessThan(8_000);
      const longId = 'a'.repeat(10_000);
      const echoed = await request(api.url).get(`/bids/${longId}`).set(bearer(KEYS.viewer));
      expect(echoed.status).toBe(400);
      expect(echoed.body.code).toBe('INVALID_ID');
      expect(echoed.body.message.length).toBeLessThan(300);
    });

    it('closes a request whose body trickles in past the request timeout', async () => {
      const socket = net.connect(Number(new URL(api.url).port), '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      socket.write(
        `POST /calls HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${KEYS.programmeManager}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`,
      );
      const dripping = setInterval(() => socket.write(' '), 500);
      const started = Date.now();
      const answer = await new Promise<string>((resolve) => {
        let text = '';
        socket.on('data', (chunk) => (text += String(chunk)));
        // A drip that lands as the server cuts the connection makes its close a reset: cut all the same.
        socket.on('error', () => {});
        socket.on('close', () => resolve(text));
      });
      clearInterval(dripping);
      // This process runs with REQUEST_TIMEOUT_MS=5000 (the default is 30 s).
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
    }, 20_000);
  });

  describe('4. an id that names a property of every object is an ordinary id', () => {
    it('constructor, toString and hasOwnProperty as ids: 404 or 201 as for any id, never 500; unknown query parameters are 400 whatever their name', async () => {
      for (const measureId of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
        const call = await client.tryOpenCall({
          programmeId: 'wecare',
          measureId,
          title: 'Call',
          budgetCents: 100,
          opensAt: '2026-01-01T00:00:00Z',
          closesAt: '2027-01-01T00:00:00Z',
          eligibleApplicantTypes: ['company'],
        });
        expect(call.status).toBe(404);
        expect(call.body.code).toBe('MEASURE_NOT_FOUND');
      }
      const programme = await client.establishProgramme({
        code: 'PROTO',
        title: 'Proto',
        funds: [{ fund: 'FSE', amountCents: 1_000 }],
      });
      const measure = await client.defineMeasure(programme.body.programmeId, {
        measureId: 'toString',
        code: 'M1',
        title: 'M',
        fund: 'FSE',
        allocationCents: 10,
      });
      expect(measure.status).toBe(201);
      expect((await request(api.url).get('/audit/constructor/b1/state?asOf=1').set(bearer(KEYS.auditor))).status).toBe(
        404,
      );
      for (const name of ['toString', 'constructor', 'hasOwnProperty', 'anything']) {
        const res = await request(api.url).get(`/calls?${name}=x`).set(bearer(KEYS.viewer));
        expect(res.status).toBe(400);
      }
    });
  });

  describe('5. the open-data rate limit cannot be reset by many addresses', () => {
    it('an address that used its burst stays limited after thousands of other addresses', async () => {
      let last = 0;
      for (let i = 0; i < 31; i++) last = (await getFrom(api.url, '/open-data/operations', '127.0.1.1')).status;
      expect(last).toBe(429);
      const started = Date.now();
      const others = Number(process.env['HARDENING_OTHER_ADDRESSES'] ?? 10_100);
      for (let i = 0; i < others; i += 100) {
        await Promise.all(
          Array.from({ length: Math.min(100, others - i) }, (_, j) => {
            const n = i + j;
            return getFrom(api.url, '/open-data/operations', `127.1.${Math.floor(n / 250)}.${(n % 250) + 1}`);
          }),
        );
      }
      // Meanwhile its bucket refilled at 30 a minute, a request every 2 s; a reset would give it its whole burst of 30 again.
      const elapsedSeconds = (Date.now() - started) / 1000;
      let allowed = 0;
      for (let i = 0; i < 30; i++)
        if ((await getFrom(api.url, '/open-data/operations', '127.0.1.1')).status === 200) allowed++;
      expect(allowed).toBeLessThanOrEqual(Math.ceil(elapsedSeconds / 2) + 1);
      expect(allowed).toBeLessThan(30);
    }, 120_000);
  });

  describe('6. the smaller findings', () => {
    it('a 503 for X-Min-Position is a warning without a stack, not an error', async () => {
      const before = api.output().length;
      const res = await request(api.url).get('/calls').set(bearer(KEYS.viewer)).set('X-Min-Position', '999999999');
      expect(res.status).toBe(503);
      await new Promise((r) => setTimeout(r, 200));
      const logged = api.output().slice(before);
      expect(logged).not.toMatch(/ERROR/);
      expect(logged).not.toMatch(/\n\s+at /);
    }, 15_000);

    it('sets security headers, and no-store on authenticated answers', async () => {
      const res = await request(api.url).get('/calls').set(bearer(KEYS.viewer));
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-frame-options']).toBe('DENY');
    });

    it('shows nothing remaining on a grant completed by a final payment below its award', async () => {
      const callId = await client.openCall();
      const grantId = await client.newGrant(callId, 1_000);
      const paid = await client.payOnClaim(grantId, 950, 'final');
      expect(paid.status).toBe(201);
      const grant = await request(api.url)
        .get(`/grants/${grantId}`)
        .set(bearer(KEYS.viewer))
        .set('X-Min-Position', paid.headers['x-event-position']!);
      expect(grant.body).toMatchObject({
        status: 'completed',
        disbursedCents: 950,
        remainingCents: 0,
        releasedCents: 50,
      });
    });

    it('refuses an X-Causation-Id that is not an id', async () => {
      const res = await request(api.url)
        .post('/calls/x/close')
        .set(bearer(KEYS.programmeManager))
        .set('X-Causation-Id', '<script>alert(1)</script>')
        .send({});
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('INVALID_HEADER');
      const ok = await request(api.url)
        .post('/calls/nope/close')
        .set(bearer(KEYS.programmeManager))
        .set('X-Causation-Id', '3f1c7a9e-6a1b-4c55-9a0e-2b8f7a1d0c11')
        .send({});
      expect(ok.status).toBe(404);
    });
  });
});

describe('API_DOCS=authenticated', () => {
  let api: ApiProcess;

  beforeAll(async () => ({ api } = await startApiWithClient({ env: { API_DOCS: 'authenticated' } })));
  afterAll(() => stopAndRemove(api));

  it('closes the page and every form of the document (/docs, /docs-json, /docs-yaml) to a request without a known key', async () => {
    for (const path of ['/docs', '/docs-json', '/docs-yaml', '/DOCS-YAML']) {
      const anonymous = await request(api.url).get(path);
      expect([path, anonymous.status, anonymous.body.code]).toEqual([path, 401, 'UNAUTHENTICATED']);
      const unknown = await request(api.url).get(path).set('authorization', 'Bearer not-a-key');
      expect([path, unknown.status]).toEqual([path, 401]);
    }
    // The documents are not routes of the document itself: read without the contract check.
    for (const path of ['/docs-json', '/docs-yaml']) {
      const known = await fetch(`${api.url}${path}`, { headers: bearer(KEYS.viewer) });
      expect([path, known.status]).toEqual([path, 200]);
    }
  });
});
