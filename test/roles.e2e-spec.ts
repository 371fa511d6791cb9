/**
 * Authentication and the role × route matrix: every command route is closed to every role but
 * its own, and to requests without a valid key.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KEYS, bearer, removeDataDir, startApi, type ApiProcess } from './support/api-process.js';
// Raw requests: the matrix sends an empty body to every route; every answer is still checked against the document.
import { request } from './support/http.js';

const ROUTES: Array<{ route: string; role: keyof typeof KEYS | ReadonlyArray<keyof typeof KEYS> }> = [
  { route: '/programmes', role: 'programmeManager' },
  { route: '/programmes/wecare/measures', role: 'programmeManager' },
  { route: '/programmes/wecare/cofinancing', role: 'programmeManager' },
  { route: '/calls', role: 'programmeManager' },
  { route: '/calls/c1/close', role: 'programmeManager' },
  { route: '/calls/c1/cancel', role: 'programmeManager' },
  { route: '/calls/c1/ranking', role: 'programmeManager' },
  { route: '/calls/c1/awards', role: 'programmeManager' },
  { route: '/bids/b1/pass-over', role: 'programmeManager' },
  { route: '/grants/g1/revocation', role: 'programmeManager' },
  { route: '/bids/b1/evaluation', role: 'evaluator' },
  { route: '/grants/g1/disbursements', role: 'financeOfficer' },
  { route: '/calls/c1/bids', role: 'applicantService' },
  { route: '/bids/b1/withdraw', role: 'applicantService' },
  { route: '/grants/g1/expenditure-claims', role: 'applicantService' },
  { route: '/expenditure-claims/k1/verification', role: 'controller' },
  { route: '/grants/g1/recovery-orders', role: 'programmeManager' },
  { route: '/grants/g1/recovery-receipts', role: 'financeOfficer' },
  { route: '/grants/g1/recovery-write-off', role: 'programmeManager' },
  { route: '/grants/g1/irregularities', role: ['controller', 'programmeManager'] },
  { route: '/irregularities/i1/follow-up', role: ['controller', 'programmeManager'] },
  { route: '/programmes/wecare/payment-applications', role: 'accountingOfficer' },
  { route: '/payment-applications/pa1/receipts', role: 'accountingOfficer' },
  { route: '/programmes/wecare/accounts', role: 'accountingOfficer' },
  { route: '/programmes/wecare/financial-corrections', role: ['accountingOfficer', 'programmeManager'] },
];

describe('authentication and roles', () => {
  let api: ApiProcess;

  beforeAll(async () => {
    // This suite fails authentication 64 times from one address on purpose: lift the per-address limit (hardening.e2e tests it).
    api = await startApi({ env: { AUTH_FAILURES_PER_MINUTE: '1000' } });
  });
  afterAll(async () => {
    await api.stop();
    removeDataDir(api.dataDir);
  });

  const matrix = ROUTES.flatMap(({ route, role }) =>
    (Object.keys(KEYS) as Array<keyof typeof KEYS>).map((who) => ({
      route,
      who,
      allowed: typeof role === 'string' ? who === role : role.includes(who),
    })),
  );

  it.each(matrix)('POST $route as $who: allowed=$allowed', async ({ route, who, allowed }) => {
    const res = await request(api.url).post(route).set(bearer(KEYS[who])).send({});
    if (allowed) {
      // Past the guard: the empty body is then refused on its merits, never as 401/403.
      expect([400, 404, 409, 422]).toContain(res.status);
    } else {
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
    }
  });

  it.each(ROUTES)(
    'POST $route without a key, with an unknown key, or with a malformed header is 401',
    async ({ route }) => {
      for (const headers of [
        {},
        bearer('not-a-key-anyone-has'),
        { Authorization: 'Basic dXNlcjpwYXNz' },
        { Authorization: 'Bearer ' },
      ]) {
        const res = await request(api.url).post(route).set(headers).send({});
        expect({ status: res.status, code: res.body.code }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
      }
    },
  );

  it('lets anyone read /health and the API docs without a key', async () => {
    expect((await request(api.url).get('/health')).status).toBe(200);
    expect((await request(api.url).get('/docs-json')).status).toBe(200);
  });

  it('records the actor from the key, never from the body', async () => {
    const res = await request(api.url)
      .post('/programmes')
      .set(bearer(KEYS.programmeManager))
      .send({ code: 'X', title: 'Y', funds: [{ fund: 'FSE', amountCents: 1 }], actor: 'someone-else' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'actor', problems: ['property actor should not exist'] }]);
  });
});
