/**
 * The idempotency store on every adapter, driven as the API drives it (through IdempotencyKeys):
 * a key runs once, across processes too (two stores opened on one storage stand for two
 * processes); retries get the first response until the retention ends; a failure keeps nothing;
 * the claim of a process that died is taken over once its lease runs out, and only then.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import type { Clock } from '@app/commands';
import { IDEMPOTENCY_STORES, type IdempotencyStorage } from '../test-support/idempotency-stores.js';
import { SqliteIdempotencyStore } from './embedded/sqlite-idempotency-store.js';
import { IdempotencyKeyInUseError, IdempotencyKeyReusedError, IdempotencyKeys, type IdempotencyOptions } from './idempotency-keys.js';
import type { IdempotencyStore, StoredResponse } from './idempotency-store.port.js';

const HOUR = 3_600_000;
const RETENTION = 24 * HOUR;
const LEASE = 30_000;

/** Time the tests move by hand. It starts in the future, so MongoDB's TTL monitor deletes nothing under a test. */
class TestClock implements Clock {
  private at = Date.parse('2031-03-03T09:00:00.000Z');

  now(): Date {
    return new Date(this.at);
  }

  advance(ms: number): void {
    this.at += ms;
  }
}

function gate(): { opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** A submitted bid's answer, as the API keeps it. */
const submitted = (n: number): StoredResponse => ({
  status: 201,
  headers: { etag: '"0"', 'x-event-position': String(100 + n), 'x-correlation-id': `portal-batch-${n}` },
  body: { bidId: `bid-${n}`, callId: 'm4-welfare-aziendale', applicant: { name: 'Società Cooperativa «Il Nido»' }, revision: 0, position: String(100 + n) },
});

const mustNotRun = async (): Promise<StoredResponse> => {
  throw new Error('ran a request that had been answered already');
};

for (const adapter of IDEMPOTENCY_STORES) {
  if (adapter.skipped) console.warn(`Idempotency store contract suite for ${adapter.name} SKIPPED: ${adapter.skipped}`);
  const suite = adapter.skipped ? describe.skip : describe;

  suite(`idempotency store contract: ${adapter.name}${adapter.skipped ? ` (skipped: ${adapter.skipped})` : ''}`, () => {
    let storage: IdempotencyStorage;
    let store: IdempotencyStore;
    let clock: TestClock;
    const keysOn = (on: IdempotencyStore, options: Partial<IdempotencyOptions> = {}) =>
      new IdempotencyKeys(on, clock, { retentionMs: RETENTION, leaseMs: LEASE, ...options });

    beforeEach(async () => {
      clock = new TestClock();
      storage = await adapter.setUp({ retentionMs: RETENTION });
      store = await storage.open();
    });
    afterEach(async () => {
      await storage.tearDown();
    });

    it('runs a request once, and answers its retries with the first response', async () => {
      const keys = keysOn(store);
      let runs = 0;
      const submit = async () => submitted(++runs);
      expect(await keys.run('dev:applicant-portal', 'portal-submission-8841', 'fp-1', submit)).toEqual({ kind: 'first', response: submitted(1) });
      for (let i = 0; i < 3; i++) {
        expect(await keys.run('dev:applicant-portal', 'portal-submission-8841', 'fp-1', submit)).toEqual({ kind: 'replay', response: submitted(1) });
      }
      expect(runs).toBe(1);
    });

    it('refuses the key for a different request, and keeps keys apart per principal', async () => {
      const keys = keysOn(store);
      await keys.run('dev:applicant-portal', 'same-key', 'fp-1', async () => submitted(1));
      const refused = keys.run('dev:applicant-portal', 'same-key', 'fp-2', mustNotRun);
      await expect(refused).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
      await expect(refused).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
      expect(await keys.run('dev:programme-manager', 'same-key', 'fp-2', async () => submitted(2))).toEqual({ kind: 'first', response: submitted(2) });
    });

    it('runs a key once when requests with it race, in one process and in two', async () => {
      const here = keysOn(store);
      const there = keysOn(await storage.open());
      const running = gate();
      let runs = 0;
      const submit = async () => {
        runs += 1;
        await running.opened;
        return submitted(runs);
      };
      const outcomes = Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? here : there).run('dev:applicant-portal', 'k-race', 'fp-1', submit)));
      await sleep(50);
      running.open();
      const results = await outcomes;
      expect(runs).toBe(1);
      expect(results.filter((r) => r.kind === 'first')).toHaveLength(1);
      expect(results.map((r) => r.response)).toEqual(Array.from({ length: 10 }, () => submitted(1)));
    });

    it('keeps no failure: a request waiting on one that fails runs in its place, and a later one may differ', async () => {
      const here = keysOn(store);
      const there = keysOn(await storage.open());
      const started = gate();
      const running = gate();
      const failing = here.run('dev:programme-manager', 'k-fail', 'fp-1', async () => {
        started.open();
        await running.opened;
        throw new Error('BUDGET_EXCEEDED');
      });
      await started.opened;
      let runs = 0;
      const waiting = there.run('dev:programme-manager', 'k-fail', 'fp-1', async () => submitted(++runs));
      await sleep(50);
      expect(runs).toBe(0);
      running.open();
      await expect(failing).rejects.toThrow('BUDGET_EXCEEDED');
      expect(await waiting).toEqual({ kind: 'first', response: submitted(1) });
      expect(await here.run('dev:programme-manager', 'k-fail', 'fp-1', mustNotRun)).toEqual({ kind: 'replay', response: submitted(1) });

      await expect(here.run('dev:programme-manager', 'k-other', 'fp-1', () => Promise.reject(new Error('CALL_NOT_OPEN')))).rejects.toThrow('CALL_NOT_OPEN');
      expect(await here.run('dev:programme-manager', 'k-other', 'fp-2', async () => submitted(2))).toEqual({ kind: 'first', response: submitted(2) });
    });

    it('takes over the claim of a process that died once its lease has run out, and not before', async () => {
      // A process claimed the key and died: its claim stays pending and is never renewed.
      const at = clock.now();
      const dead = { principal: 'dev:applicant-portal', key: 'k-dead' };
      expect(await store.claim({ ...dead, fingerprint: 'fp-1', owner: 'dead-process', at, leaseUntil: new Date(at.getTime() + LEASE) })).toEqual({ status: 'claimed' });
      const keys = keysOn(await storage.open());
      let runs = 0;
      const retry = keys.run(dead.principal, dead.key, 'fp-1', async () => submitted(++runs));
      await sleep(30);
      clock.advance(LEASE - 1);
      await sleep(300);
      expect(runs).toBe(0);
      clock.advance(1);
      expect(await retry).toEqual({ kind: 'first', response: submitted(1) });
      // Its late answer, had it one, changes nothing.
      expect(await store.complete(dead, 'dead-process', submitted(9), new Date(at.getTime() + RETENTION))).toBe(false);
      await store.release(dead, 'dead-process');
      expect(await keys.run(dead.principal, dead.key, 'fp-1', mustNotRun)).toEqual({ kind: 'replay', response: submitted(1) });
    });

    it('leaves the claim of a request still running to it: it renews its lease, and others give up waiting with IDEMPOTENCY_KEY_IN_USE', async () => {
      const id = { principal: 'dev:finance-system', key: 'k-long' };
      const keys = keysOn(store, { renewEveryMs: 10 });
      const started = gate();
      const running = gate();
      const owner = keys.run(id.principal, id.key, 'fp-1', async () => {
        started.open();
        await running.opened;
        return submitted(1);
      });
      await started.opened;
      // The lease as another process sees it (a claim that finds the key pending changes nothing).
      const seenLease = async () => {
        const at = clock.now();
        const found = await store.claim({ ...id, fingerprint: 'fp-1', owner: 'onlooker', at, leaseUntil: new Date(at.getTime() + LEASE) });
        return found.status === 'pending' ? found.leaseUntil.getTime() : Number.NaN;
      };
      for (let i = 0; i < 3; i++) {
        clock.advance(LEASE * 0.6);
        const renewed = clock.now().getTime() + LEASE;
        const giveUpAt = performance.now() + 5_000;
        for (let seen = await seenLease(); seen !== renewed; seen = await seenLease()) {
          expect(seen).not.toBeNaN(); // NaN: the onlooker got the key, the owner's lease had run out
          expect(performance.now()).toBeLessThan(giveUpAt);
          await sleep(5);
        }
      }
      let runs = 0;
      const impatient = keysOn(await storage.open(), { waitMs: 100 }).run(id.principal, id.key, 'fp-1', async () => submitted(++runs));
      await expect(impatient).rejects.toBeInstanceOf(IdempotencyKeyInUseError);
      await expect(impatient).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_USE' });
      expect(runs).toBe(0);
      running.open();
      expect(await owner).toEqual({ kind: 'first', response: submitted(1) });
    });

    it('forgets a response once its retention has passed: the key is new again', async () => {
      const keys = keysOn(store);
      await keys.run('dev:applicant-portal', 'k-kept', 'fp-1', async () => submitted(1));
      clock.advance(RETENTION - 1);
      expect(await keys.run('dev:applicant-portal', 'k-kept', 'fp-1', mustNotRun)).toEqual({ kind: 'replay', response: submitted(1) });
      clock.advance(1);
      expect(await keys.run('dev:applicant-portal', 'k-kept', 'fp-2', async () => submitted(2))).toEqual({ kind: 'first', response: submitted(2) });
      expect(await keysOn(await storage.open()).run('dev:applicant-portal', 'k-kept', 'fp-2', mustNotRun)).toEqual({ kind: 'replay', response: submitted(2) });
    });

    it('keeps responses when the store is closed and opened again', async () => {
      await keysOn(store).run('dev:applicant-portal', 'k-durable', 'fp-1', async () => submitted(1));
      await store.close();
      const reopened = await storage.open();
      expect(await keysOn(reopened).run('dev:applicant-portal', 'k-durable', 'fp-1', mustNotRun)).toEqual({ kind: 'replay', response: submitted(1) });
    });

    it('answers a claim with the live record, and lets only its owner renew, complete or release it', async () => {
      const id = { principal: 'dev:applicant-portal', key: 'k-owned' };
      const at = clock.now();
      const leaseUntil = new Date(at.getTime() + LEASE);
      const expiresAt = new Date(at.getTime() + RETENTION);
      expect(await store.claim({ ...id, fingerprint: 'fp-1', owner: 'a', at, leaseUntil })).toEqual({ status: 'claimed' });
      expect(await store.claim({ ...id, fingerprint: 'fp-2', owner: 'b', at, leaseUntil })).toEqual({ status: 'pending', fingerprint: 'fp-1', leaseUntil });
      expect(await store.renew(id, 'b', new Date(at.getTime() + 2 * LEASE))).toBe(false);
      expect(await store.complete(id, 'b', submitted(2), expiresAt)).toBe(false);
      await store.release(id, 'b');
      const later = new Date(at.getTime() + 2 * LEASE);
      expect(await store.renew(id, 'a', later)).toBe(true);
      expect(await store.claim({ ...id, fingerprint: 'fp-1', owner: 'c', at, leaseUntil })).toEqual({ status: 'pending', fingerprint: 'fp-1', leaseUntil: later });
      expect(await store.complete(id, 'a', submitted(1), expiresAt)).toBe(true);
      expect(await store.complete(id, 'a', submitted(3), expiresAt)).toBe(false);
      await store.release(id, 'a');
      expect(await store.claim({ ...id, fingerprint: 'fp-1', owner: 'd', at, leaseUntil })).toEqual({ status: 'completed', fingerprint: 'fp-1', response: submitted(1), expiresAt });
    });

    if (adapter.name.startsWith('embedded')) {
      it('deletes expired records from its file as claims go by', async () => {
        const keys = keysOn(store);
        for (let i = 0; i < 3; i++) await keys.run('dev:applicant-portal', `k-${i}`, 'fp-1', async () => submitted(i));
        clock.advance(RETENTION + 60_000);
        await keys.run('dev:applicant-portal', 'k-new', 'fp-1', async () => submitted(9));
        const file = new Database(storage.file!, { readonly: true });
        try {
          expect(file.prepare('SELECT key FROM idempotency_keys').all()).toEqual([{ key: 'k-new' }]);
        } finally {
          file.close();
        }
      });

      it('brings forward the responses the first version kept, for the retention from when they were recorded', async () => {
        const legacyFile = join(dirname(storage.file!), 'earlier-api.db');
        const legacy = new Database(legacyFile);
        legacy.exec(`CREATE TABLE idempotent_responses (
          principal TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL,
          status INTEGER NOT NULL, headers TEXT NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL,
          PRIMARY KEY (principal, key)) STRICT`);
        const { status, headers, body } = submitted(1);
        legacy
          .prepare('INSERT INTO idempotent_responses VALUES (?, ?, ?, ?, ?, ?, ?)')
          .run('dev:applicant-portal', 'portal-submission-8841', 'fp-1', status, JSON.stringify(headers), JSON.stringify(body), new Date(clock.now().getTime() - HOUR).toISOString());
        legacy.close();

        const upgraded = SqliteIdempotencyStore.open(legacyFile, { retentionMs: RETENTION });
        try {
          const keys = keysOn(upgraded);
          expect(await keys.run('dev:applicant-portal', 'portal-submission-8841', 'fp-1', mustNotRun)).toEqual({ kind: 'replay', response: submitted(1) });
          clock.advance(RETENTION - HOUR);
          expect(await keys.run('dev:applicant-portal', 'portal-submission-8841', 'fp-1', async () => submitted(2))).toEqual({ kind: 'first', response: submitted(2) });
        } finally {
          await upgraded.close();
        }
        const file = new Database(legacyFile, { readonly: true });
        try {
          expect(file.prepare("SELECT name FROM sqlite_master WHERE name = 'idempotent_responses'").all()).toEqual([]);
        } finally {
          file.close();
        }
      });
    }
  });
}
