/**
 * Exactly once, end to end, as a client that retries would see it: every request sent again until
 * it gets an answer is recorded once and answered as the first time — through a SIGKILL on the
 * embedded store, and through faults injected in front of the KurrentDB adapter on its simulator
 * (commit-then-fail, unavailable, dropped subscriptions).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { deterministicUuid } from '@app/commands';
import { SqliteEventStore, type RecordedEvent } from '@app/event-store';
import { KEYS, removeDataDir, startApi, tempDataDir, type ApiProcess } from './support/api-process.js';
import { actBody, FundingClient, awardBody, bidBody, openCallBody } from './support/funding-requests.js';
import { exportedLog, untilAnswered, type Answer, type Send } from './support/until-answered.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDataDir));

/** The command id a key gives a principal's command (apps/api/src/http/command-request.ts). */
const commandIdOf = (principal: string, key: string) => deterministicUuid(`${principal}:${key}`);

function eventsOfCommand(log: readonly RecordedEvent[], commandId: string): RecordedEvent[] {
  return log.filter((event) => event.metadata.commandId === commandId);
}

describe('exactly once on the embedded store, through a SIGKILL in the middle of a storm', () => {
  it('answers every request sent again with its key with the first bid, and records one bid per request', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    // A short idempotency lease: the claims of the killed process lapse within a second.
    const env = { IDEMPOTENCY_LEASE_MS: '1000' };
    let api: ApiProcess = await startApi({ dataDir, env });
    const callId = await new FundingClient(api.url).openCall();
    const keys = Array.from({ length: 200 }, (_, i) => `portal-submission-${i}`);
    const send =
      (url: string, key: string): Send =>
      () =>
        new FundingClient(url).submitBid(callId, bidBody({ projectTitle: `Progetto ${key}` }), {
          key: KEYS.applicantService,
          headers: { 'Idempotency-Key': key },
        });

    // The storm: 16 clients, each sending the next request when it has its answer; the process is
    // killed when 40 have been answered, with requests in flight and most never sent.
    const first = new Map<string, Answer>();
    const killed = api;
    const waiting = [...keys];
    let killing: Promise<void> | null = null;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let key = waiting.shift(); key !== undefined && killing === null; key = waiting.shift()) {
          try {
            const answer = await send(killed.url, key)();
            if (answer.status === 201) first.set(key, answer);
          } catch {
            return; // the connection died with the process
          }
          if (first.size >= 40) killing ??= killed.kill();
        }
      }),
    );
    await killed.kill();
    expect(first.size).toBeGreaterThan(0);
    expect(first.size).toBeLessThan(keys.length);

    api = await startApi({ dataDir, env });
    try {
      const answers = await Promise.all(keys.map((key) => untilAnswered(send(api.url, key))));
      for (const [i, key] of keys.entries()) {
        expect(answers[i]!.status).toBe(201);
        const earlier = first.get(key);
        if (earlier) expect(answers[i]!.body['bidId']).toBe(earlier.body['bidId']);
      }
      expect(new Set(answers.map((a) => a.body['bidId'])).size).toBe(keys.length);
    } finally {
      await api.stop();
    }

    const store = SqliteEventStore.open(join(dataDir, 'events.db'));
    const log = await store.readAll();
    await store.close();
    for (const key of keys) {
      expect(
        eventsOfCommand(log, commandIdOf('dev:applicant-portal', key)).filter((e) => e.type === 'BidSubmitted'),
      ).toHaveLength(1);
    }
    expect(
      log.filter((e) => e.type === 'BidSubmitted' && (e.data as { callId: string }).callId === callId),
    ).toHaveLength(keys.length);
  });
});

describe('exactly once on the KurrentDB simulator, with faults injected in front of the adapter', () => {
  it('records every command of a storm of bids, awards and payments once, answers every retry with the first answer, and the read models and the audit trail agree', async () => {
    const api = await startApi({
      env: {
        KURRENTDB_URL: 'kurrentdb-simulator://',
        EVENT_STORE_FAULTS: 'commit-then-fail:0.05,unavailable:0.02,drop-subscription:0.01',
        IDEMPOTENCY_LEASE_MS: '1000',
      },
    });
    dirs.push(api.dataDir);
    const client = new FundingClient(api.url);
    const keyed = (key: string, principal: string) => ({ key: principal, headers: { 'Idempotency-Key': key } });
    try {
      // One body for every retry: a retry with another body under the same key is refused.
      const callBody = openCallBody({
        selection: 'first-come',
        title: 'Welfare aziendale: click day',
        budgetCents: 50_000_000,
      });
      const opened = await untilAnswered(() =>
        client.tryOpenCall(callBody, keyed('storm-call', KEYS.programmeManager)),
      );
      expect(opened.status).toBe(201);
      const callId = String(opened.body['callId']);

      // Bids: 24 named by the server (keyed), 8 named by the client (no key: a retry finds the bid taken).
      const bidKeys = Array.from({ length: 24 }, (_, i) => `storm-bid-${i}`);
      const keyedBids = await Promise.all(
        bidKeys.map((key) =>
          untilAnswered(() =>
            client.submitBid(callId, bidBody({ projectTitle: key }), keyed(key, KEYS.applicantService)),
          ),
        ),
      );
      const namedBidIds = Array.from({ length: 8 }, (_, i) => `storm-named-bid-${i}`);
      const namedBids = await Promise.all(
        namedBidIds.map((bidId) => untilAnswered(() => client.submitBid(callId, bidBody({ bidId })))),
      );
      expect(keyedBids.map((a) => a.status)).toEqual(bidKeys.map(() => 201));
      for (const answer of namedBids) expect([201, 409]).toContain(answer.status);
      for (const answer of namedBids.filter((a) => a.status === 409))
        expect(answer.body['code']).toBe('BID_ALREADY_EXISTS');

      // Evaluations, awards and an advance on each of the first 12 bids, each keyed; a click day's
      // awards go in order of arrival: each is sent again while an earlier bid still waits.
      const awarded = keyedBids.slice(0, 12).map((a) => String(a.body['bidId']));
      const evaluations = await Promise.all(
        awarded.map((bidId) =>
          untilAnswered(() =>
            client.evaluateBid(bidId, { admissible: true, score: 80 }, keyed(`eval-${bidId}`, KEYS.evaluator)),
          ),
        ),
      );
      expect(evaluations.map((a) => a.status)).toEqual(awarded.map(() => 200));
      const awards = await Promise.all(
        awarded.map((bidId) =>
          untilAnswered(() =>
            client.awardInTurn(
              callId,
              awardBody(bidId, 1_000_000, { cup: cupOf(bidId), act: STORM_ACT }),
              keyed(`award-${bidId}`, KEYS.programmeManager),
            ),
          ),
        ),
      );
      expect(awards.map((a) => a.status)).toEqual(awarded.map(() => 201));
      const grantIds = awards.map((a) => String(a.body['grantId']));
      const payments = await Promise.all(
        grantIds.map((grantId) =>
          untilAnswered(() =>
            client.recordDisbursement(
              grantId,
              { kind: 'advance', amountCents: 400_000 },
              keyed(`advance-${grantId}`, KEYS.financeOfficer),
            ),
          ),
        ),
      );
      expect(payments.map((a) => a.status)).toEqual(grantIds.map(() => 201));

      // Every keyed request sent once more: the first answer, and nothing written.
      const again = await Promise.all([
        ...bidKeys.map((key, i) =>
          untilAnswered(() =>
            client.submitBid(callId, bidBody({ projectTitle: key }), keyed(key, KEYS.applicantService)),
          ).then((a) => [a, keyedBids[i]!] as const),
        ),
        ...awarded.map((bidId, i) =>
          untilAnswered(() =>
            client.awardGrant(
              callId,
              awardBody(bidId, 1_000_000, { cup: cupOf(bidId), act: STORM_ACT }),
              keyed(`award-${bidId}`, KEYS.programmeManager),
            ),
          ).then((a) => [a, awards[i]!] as const),
        ),
        ...grantIds.map((grantId, i) =>
          untilAnswered(() =>
            client.recordDisbursement(
              grantId,
              { kind: 'advance', amountCents: 400_000 },
              keyed(`advance-${grantId}`, KEYS.financeOfficer),
            ),
          ).then((a) => [a, payments[i]!] as const),
        ),
      ]);
      for (const [retry, firstAnswer] of again) {
        expect(retry.status).toBe(firstAnswer.status);
        expect(retry.body).toEqual(firstAnswer.body);
        expect(retry.headers['x-event-position']).toBe(firstAnswer.headers['x-event-position']);
      }

      // The log: each command once.
      const log = await exportedLog(client);
      const once = (principal: string, key: string, type: string) =>
        expect(eventsOfCommand(log, commandIdOf(principal, key)).filter((e) => e.type === type)).toHaveLength(1);
      for (const key of bidKeys) once('dev:applicant-portal', key, 'BidSubmitted');
      for (const bidId of awarded) once('dev:programme-manager', `award-${bidId}`, 'GrantAwarded');
      for (const grantId of grantIds) once('dev:finance-officer', `advance-${grantId}`, 'DisbursementRecorded');
      const bidsOfCall = log.filter(
        (e) => e.type === 'BidSubmitted' && (e.data as { callId: string }).callId === callId,
      );
      expect(bidsOfCall).toHaveLength(bidKeys.length + namedBidIds.length);
      for (const bidId of namedBidIds)
        expect(bidsOfCall.filter((e) => (e.data as { bidId: string }).bidId === bidId)).toHaveLength(1);
      const paid = log.filter((e) => e.type === 'DisbursementRecorded');
      expect(paid.reduce((sum, e) => sum + (e.data as { amountCents: number }).amountCents, 0)).toBe(
        grantIds.length * 400_000,
      );

      // The read models caught up with the log, and agree with it.
      const head = await untilAnswered(() =>
        client
          .health()
          .then((r) => ({ status: r.status, headers: r.headers, body: r.body as unknown as Record<string, unknown> })),
      );
      const headPosition = String((head.body['eventStore'] as { headPosition: string }).headPosition);
      const grants = await untilAnswered(() =>
        client
          .grants({ callId, pageSize: 100 }, { at: headPosition })
          .then((r) => ({ status: r.status, headers: r.headers, body: r.body as unknown as Record<string, unknown> })),
      );
      expect(grants.status).toBe(200);
      const items = grants.body['items'] as Array<{ disbursedCents: number }>;
      expect(items).toHaveLength(grantIds.length);
      expect(items.reduce((sum, g) => sum + g.disbursedCents, 0)).toBe(grantIds.length * 400_000);

      // The audit trail is intact, and the faults really struck.
      const verified = await untilAnswered(() =>
        client
          .verifyLog()
          .then((r) => ({ status: r.status, headers: r.headers, body: r.body as unknown as Record<string, unknown> })),
      );
      expect(verified.status).toBe(200);
      expect(verified.body['ok']).toBe(true);
      expect(api.output()).toMatch(/commit-then-fail on append/);
    } finally {
      await api.stop();
    }
  });
});

/** One act for every award of the storm: a request sent again is the same request. */
const STORM_ACT = actBody({ number: 'D.D. 77/2026' });

/** A CUP of its own for each bid: the same on every retry of its award. */
function cupOf(bidId: string): string {
  const digits = [...deterministicUuid(bidId).replace(/-/g, '')].map((c) => parseInt(c, 16) % 10).join('');
  return `J11B${digits.slice(0, 11)}`;
}

/** The whole log, as an auditor exports it (NDJSON), sent again while the store is unavailable. */
