/**
 * Bad input is answered with a clear 4xx naming the problem, changes nothing, and leaves the
 * server fully able to take the next, good request.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Test } from 'supertest';
import { KEYS, bearer, type ApiProcess } from './support/api-process.js';
import { FundingClient, bidBody, openCallBody } from './support/funding-requests.js';
import { startApiWithClient, stopAndRemove } from './support/running-api.js';
import { request } from './support/http.js';

describe('bad input', () => {
  let api: ApiProcess;
  let client: FundingClient;
  let callId: string;
  let bidId: string;

  beforeAll(async () => {
    ({ api, client } = await startApiWithClient({ env: { MAX_BODY_BYTES: '16384' } }));
    callId = await client.openCall({ budgetCents: 100_000_000, maxGrantCents: 20_000_000 });
    bidId = (await client.submitBid(callId, bidBody())).body.bidId;
  });
  afterAll(() => stopAndRemove(api));

  // Raw requests, to send what the typed client would not; every answer is still checked against the document.
  type Case = [name: string, send: () => Test, status: number, code: string, mentions?: string];
  const bid = (body: unknown) => () =>
    request(api.url)
      .post(`/calls/${callId}/bids`)
      .set(bearer(KEYS.applicantService))
      .send(body as object);
  const call = (body: unknown) => () =>
    request(api.url)
      .post('/calls')
      .set(bearer(KEYS.programmeManager))
      .send(body as object);
  const raw =
    (body: string, type = 'application/json') =>
    () =>
      request(api.url)
        .post(`/calls/${callId}/bids`)
        .set(bearer(KEYS.applicantService))
        .set('Content-Type', type)
        .send(body);

  const cases: Case[] = [
    ['an unknown field', () => bid({ ...bidBody(), isAdmin: true })(), 400, 'VALIDATION_FAILED', 'isAdmin'],
    [
      'an unknown nested field',
      () => bid({ ...bidBody(), applicant: { ...bidBody().applicant, vip: true } })(),
      400,
      'VALIDATION_FAILED',
      'applicant.vip',
    ],
    [
      'a missing nested object',
      () => bid({ projectTitle: 'P', requestedCents: 1 })(),
      400,
      'VALIDATION_FAILED',
      'applicant',
    ],
    [
      'an unknown applicant type',
      () => bid({ ...bidBody(), applicant: { type: 'bank', taxCode: 'X', name: 'Y' } })(),
      400,
      'VALIDATION_FAILED',
      'applicant.type',
    ],
    ['a fractional amount', () => bid(bidBody({ requestedCents: 10.5 }))(), 400, 'VALIDATION_FAILED', 'requestedCents'],
    ['a negative amount', () => bid(bidBody({ requestedCents: -1 }))(), 400, 'VALIDATION_FAILED', 'requestedCents'],
    [
      'an amount beyond safe integers',
      () => raw(JSON.stringify(bidBody()).replace('15000000', '90071992547409930'))(),
      400,
      'VALIDATION_FAILED',
      'requestedCents',
    ],
    [
      'an amount as a string',
      () => bid({ ...bidBody(), requestedCents: '1000' })(),
      400,
      'VALIDATION_FAILED',
      'requestedCents',
    ],
    [
      'an overlong title',
      () => bid(bidBody({ projectTitle: 'x'.repeat(501) }))(),
      400,
      'VALIDATION_FAILED',
      'projectTitle',
    ],
    ['a blank title', () => bid(bidBody({ projectTitle: '   ' }))(), 400, 'VALIDATION_FAILED', 'projectTitle'],
    ['an id with odd characters', () => bid(bidBody({ bidId: '../../etc' }))(), 400, 'VALIDATION_FAILED', 'bidId'],
    [
      'a path id with odd characters',
      () => request(api.url).post('/bids/a%20b/withdraw').set(bearer(KEYS.applicantService)).send({}),
      400,
      'INVALID_ID',
    ],
    ['a key starting with $', () => bid({ ...bidBody(), $where: '1' })(), 400, 'FORBIDDEN_KEY', '$where'],
    [
      'a nested key starting with $',
      () => bid({ ...bidBody(), applicant: { type: 'company', taxCode: { $ne: 1 }, name: 'Y' } })(),
      400,
      'FORBIDDEN_KEY',
      '$ne',
    ],
    [
      'a dotted key',
      () => bid({ ...bidBody(), 'applicant.type': 'company' })(),
      400,
      'FORBIDDEN_KEY',
      'applicant.type',
    ],
    [
      'a __proto__ key',
      () => raw('{"__proto__": {"admin": true}, "projectTitle": "P"}')(),
      400,
      'FORBIDDEN_KEY',
      '__proto__',
    ],
    ['malformed JSON', () => raw('{"projectTitle": ')(), 400, 'MALFORMED_JSON'],
    ['a JSON array', () => raw('[1, 2]')(), 400, 'INVALID_BODY'],
    [
      'a body that is not JSON',
      () => raw('projectTitle=P', 'application/x-www-form-urlencoded')(),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'a body over the size limit',
      () => bid(bidBody({ projectTitle: 'x'.repeat(20_000) }))(),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    [
      'a date without a time zone',
      () => call(openCallBody({ opensAt: '2026-02-01T09:00:00' }))(),
      400,
      'VALIDATION_FAILED',
      'opensAt',
    ],
    [
      'a date that is not a date',
      () => call(openCallBody({ closesAt: '2026-02-31T09:00:00Z' }))(),
      400,
      'VALIDATION_FAILED',
      'closesAt',
    ],
    [
      'an empty list of applicant types',
      () => call(openCallBody({ eligibleApplicantTypes: [] }))(),
      400,
      'VALIDATION_FAILED',
      'eligibleApplicantTypes',
    ],
    [
      'a repeated applicant type',
      () => call(openCallBody({ eligibleApplicantTypes: ['company', 'company'] }))(),
      400,
      'VALIDATION_FAILED',
      'eligibleApplicantTypes',
    ],
    [
      'a field on a route without a body',
      () => request(api.url).post(`/calls/${callId}/close`).set(bearer(KEYS.programmeManager)).send({ force: true }),
      400,
      'VALIDATION_FAILED',
      'force',
    ],
    [
      'a bad If-Match',
      () =>
        request(api.url)
          .post(`/calls/${callId}/close`)
          .set(bearer(KEYS.programmeManager))
          .set('If-Match', 'yesterday')
          .send({}),
      400,
      'INVALID_HEADER',
    ],
    [
      'a window that ends before it opens',
      () => call(openCallBody({ opensAt: '2026-03-01T00:00:00Z', closesAt: '2026-02-01T00:00:00Z' }))(),
      422,
      'INVALID_CALL_WINDOW',
    ],
    ['a zero request', () => bid(bidBody({ requestedCents: 0 }))(), 422, 'INVALID_AMOUNT'],
    ['a request above the cap', () => bid(bidBody({ requestedCents: 20_000_001 }))(), 422, 'REQUEST_EXCEEDS_CAP'],
    [
      'an ineligible applicant',
      () => bid(bidBody({ applicant: { type: 'municipality', taxCode: '00514490010', name: 'Comune di Torino' } }))(),
      422,
      'APPLICANT_NOT_ELIGIBLE',
    ],
    [
      'an admissible evaluation without a score',
      () => request(api.url).post(`/bids/${bidId}/evaluation`).set(bearer(KEYS.evaluator)).send({ admissible: true }),
      422,
      'INVALID_SCORE',
    ],
    [
      'a score out of range',
      () =>
        request(api.url)
          .post(`/bids/${bidId}/evaluation`)
          .set(bearer(KEYS.evaluator))
          .send({ admissible: true, score: 101 }),
      400,
      'VALIDATION_FAILED',
      'score',
    ],
    [
      'an evaluation of an unknown bid',
      () => request(api.url).post('/bids/none/evaluation').set(bearer(KEYS.evaluator)).send({ admissible: false }),
      404,
      'BID_NOT_FOUND',
    ],
    [
      'an unknown route',
      () => request(api.url).post('/grants').set(bearer(KEYS.programmeManager)).send({}),
      404,
      'NOT_FOUND',
    ],
  ];

  const table = cases.map(([name, send, status, code, mentions]) => ({ name, send, status, code, mentions }));
  it.each(table)(
    '$name is answered $status $code, and the next good request still succeeds',
    async ({ send, status, code, mentions }) => {
      const head = (await client.health()).body.eventStore.headPosition;
      const res = await send();
      expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
      expect(res.body).toEqual(expect.objectContaining({ statusCode: status, message: expect.any(String) }));
      if (mentions) expect(JSON.stringify(res.body)).toContain(mentions);
      expect((await client.health()).body.eventStore.headPosition).toBe(head);

      const good = await client.submitBid(callId, bidBody());
      expect(good.status).toBe(201);
    },
  );
});
