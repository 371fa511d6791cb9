/**
 * The idempotency store on every adapter, driven as the API drives it (through IdempotencyKeys):
 * a key runs once, across processes too (two stores opened on one storage stand for two
 * processes); retries get the first response until the retention ends; a refused request keeps
 * nothing, one whose outcome is unknown keeps the key for itself; the claim of a process that died
 * is taken over once its lease runs out, and only then, by the store's clock whatever the
 * processes' clocks say.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { IDEMPOTENCY_STORES, type IdempotencyStorage, type StoreClock } from '../test-support/idempotency-stores.js';
import { SqliteIdempotencyStore } from './embedded/sqlite-idempotency-store.js';
import { IdempotencyKeyInUseError, IdempotencyKeyReusedError, IdempotencyKeys, type IdempotencyOptions } from './idempotency-keys.js';
import type { ClaimOutcome, IdempotencyStore, StoredResponse } from './idempotency-store.port.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const RETENTION = 24 * HOUR;
const LEASE = 30_000;

/** A failure after which the command may have been written all the same (the API's: a 5xx). */
class OutcomeUnknownError extends Error {}
const isOutcomeUnknown = (error: unknown) => error instanceof OutcomeUnknownError;

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

/** What jest's fake timers leave alone when they move only this process's clock (Date). */
const ALL_BUT_THE_CLOCK = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'cancelIdleCallback',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
] as const;

/** An instant the store reported, against the one expected by the suite's clock. */
function expectAbout(reported: Date, expected: number, clock: StoreClock): void {
  expect(Math.abs(reported.getTime() - expected)).toBeLessThanOrEqual(clock.toleranceMs);
}

function leaseOf(outcome: ClaimOutcome): Date {
  if (outcome.status !== 'claimed' && outcome.status !== 'pending') throw new Error(`expected a claim, got ${JSON.stringify(outcome)}`);
  return outcome.leaseUntil;
}

for (const adapter of IDEMPOTENCY_STORES) {
  if (adapter.skipped) console.warn(`Idempotency store contract suite for ${adapter.name} SKIPPED: ${adapter.skipped}`);
  const suite = adapter.skipped ? describe.skip : describe;

  suite(`idempotency store contract: ${adapter.name}${adapter.skipped ? ` (skipped: ${adapter.skipped})` : ''}`, () => {
    let storage: IdempotencyStorage;
    let store: IdempotencyStore;
    let clock: StoreClock;
    const keysOn = (on: IdempotencyStore, options: Partial<IdempotencyOptions> = {}) =>
      new IdempotencyKeys(on, { retentionMs: RETENTION, leaseMs: LEASE, isOutcomeUnknown, ...options });

    beforeEach(async () => {
      storage = await adapter.setUp({ retentionMs: RETENTION });
      clock = storage.clock;
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
      const dead = { principal: 'dev:applicant-portal', key: 'k-dead' };
      const at = clock.now();
      const claimed = await store.claim({ ...dead, fingerprint: 'fp-1', owner: 'dead-process', leaseMs: LEASE });
      expect(claimed).toEqual({ status: 'claimed', leaseUntil: expect.any(Date) });
      expectAbout(leaseOf(claimed), at + LEASE, clock);
      const keys = keysOn(await storage.open());
      let runs = 0;
      const retry = keys.run(dead.principal, dead.key, 'fp-1', async () => submitted(++runs));
      await sleep(30);
      clock.advance(LEASE - 1 - clock.toleranceMs);
      await sleep(300);
      expect(runs).toBe(0);
      clock.advance(1 + clock.toleranceMs);
      expect(await retry).toEqual({ kind: 'first', response: submitted(1) });
      // Its late answer, had it one, changes nothing.
      expect(await store.complete(dead, 'dead-process', submitted(9), RETENTION)).toBe(false);
      expect(await store.keepUnsettled(dead, 'dead-process', RETENTION)).toBe(false);
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
        const found = await store.claim({ ...id, fingerprint: 'fp-1', owner: 'onlooker', leaseMs: LEASE });
        return found.status === 'pending' ? found.leaseUntil.getTime() : Number.NaN;
      };
      for (let i = 0; i < 3; i++) {
        clock.advance(LEASE * 0.6);
        // Renewed: a lease from the store's now, moved on, and not from the owner's idea of it.
        const renewed = clock.now() + LEASE;
        const giveUpAt = performance.now() + 5_000;
        let seen = await seenLease();
        for (; seen < renewed - clock.toleranceMs; seen = await seenLease()) {
          expect(seen).not.toBeNaN(); // NaN: the onlooker got the key, the owner's lease had run out
          expect(performance.now()).toBeLessThan(giveUpAt);
          await sleep(5);
        }
        expect(seen).toBeLessThanOrEqual(renewed + clock.toleranceMs);
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
      clock.advance(RETENTION - 1 - clock.toleranceMs);
      expect(await keys.run('dev:applicant-portal', 'k-kept', 'fp-1', mustNotRun)).toEqual({ kind: 'replay', response: submitted(1) });
      clock.advance(1 + clock.toleranceMs);
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
      const claimed = await store.claim({ ...id, fingerprint: 'fp-1', owner: 'a', leaseMs: LEASE });
      expect(claimed).toEqual({ status: 'claimed', leaseUntil: expect.any(Date) });
      const leaseUntil = leaseOf(claimed);
      expectAbout(leaseUntil, at + LEASE, clock);
      expect(await store.claim({ ...id, fingerprint: 'fp-2', owner: 'b', leaseMs: LEASE })).toEqual({ status: 'pending', fingerprint: 'fp-1', leaseUntil });
      expect(await store.renew(id, 'b', 2 * LEASE)).toBe(false);
      expect(await store.complete(id, 'b', submitted(2), RETENTION)).toBe(false);
      expect(await store.keepUnsettled(id, 'b', RETENTION)).toBe(false);
      await store.release(id, 'b');
      // Every instant is the store's now plus the duration asked for.
      clock.advance(1_000);
      expect(await store.renew(id, 'a', 2 * LEASE)).toBe(true);
      const renewed = await store.claim({ ...id, fingerprint: 'fp-1', owner: 'c', leaseMs: LEASE });
      expect(renewed).toEqual({ status: 'pending', fingerprint: 'fp-1', leaseUntil: expect.any(Date) });
      expectAbout(leaseOf(renewed), at + 1_000 + 2 * LEASE, clock);
      clock.advance(1_000);
      expect(await store.complete(id, 'a', submitted(1), RETENTION)).toBe(true);
      expect(await store.complete(id, 'a', submitted(3), RETENTION)).toBe(false);
      expect(await store.keepUnsettled(id, 'a', RETENTION)).toBe(false);
      await store.release(id, 'a');
      const completed = await store.claim({ ...id, fingerprint: 'fp-1', owner: 'd', leaseMs: LEASE });
      expect(completed).toEqual({ status: 'completed', fingerprint: 'fp-1', response: submitted(1), expiresAt: expect.any(Date) });
      if (completed.status === 'completed') expectAbout(completed.expiresAt, at + 2_000 + RETENTION, clock);
    });

    it('keeps an unsettled claim for its retention, for a claim with its fingerprint alone, which takes it at once', async () => {
      const id = { principal: 'dev:applicant-portal', key: 'k-unsettled' };
      const at = clock.now();
      expect(await store.claim({ ...id, fingerprint: 'fp-1', owner: 'a', leaseMs: LEASE })).toEqual({ status: 'claimed', leaseUntil: expect.any(Date) });
      expect(await store.keepUnsettled(id, 'b', RETENTION)).toBe(false);
      clock.advance(1_000);
      expect(await store.keepUnsettled(id, 'a', RETENTION)).toBe(true);
      // No longer a running claim: its owner can neither renew, complete nor release it.
      expect(await store.renew(id, 'a', LEASE)).toBe(false);
      expect(await store.complete(id, 'a', submitted(1), RETENTION)).toBe(false);
      await store.release(id, 'a');
      const refused = await store.claim({ ...id, fingerprint: 'fp-2', owner: 'b', leaseMs: LEASE });
      expect(refused).toEqual({ status: 'unsettled', fingerprint: 'fp-1', expiresAt: expect.any(Date) });
      if (refused.status === 'unsettled') expectAbout(refused.expiresAt, at + 1_000 + RETENTION, clock);
      const retried = await store.claim({ ...id, fingerprint: 'fp-1', owner: 'c', leaseMs: LEASE });
      expect(retried).toEqual({ status: 'claimed', leaseUntil: expect.any(Date) });
      expectAbout(leaseOf(retried), at + 1_000 + LEASE, clock);
      // The retry's claim is a running one like any other.
      expect(await store.claim({ ...id, fingerprint: 'fp-1', owner: 'd', leaseMs: LEASE })).toEqual({ status: 'pending', fingerprint: 'fp-1', leaseUntil: leaseOf(retried) });
      expect(await store.complete(id, 'c', submitted(1), RETENTION)).toBe(true);
      expect(await store.claim({ ...id, fingerprint: 'fp-2', owner: 'e', leaseMs: LEASE })).toEqual({
        status: 'completed',
        fingerprint: 'fp-1',
        response: submitted(1),
        expiresAt: expect.any(Date),
      });
    });

    it('keeps the key of a request whose outcome is unknown for that request alone: its retry runs again at once, another is refused', async () => {
      const id = { principal: 'dev:applicant-portal', key: 'portal-submission-9120' };
      // Were the retry left to wait on the kept claim, it would give up after 100 ms instead of running.
      const here = keysOn(store, { waitMs: 100 });
      const there = keysOn(await storage.open(), { waitMs: 100 });
      const lost = () => Promise.reject(new OutcomeUnknownError('the append timed out'));
      await expect(here.run(id.principal, id.key, 'fp-1', lost)).rejects.toThrow('the append timed out');
      const reused = there.run(id.principal, id.key, 'fp-2', mustNotRun);
      await expect(reused).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
      await expect(reused).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
      // A retry may meet an unknown outcome again: the key stays its own.
      await expect(there.run(id.principal, id.key, 'fp-1', lost)).rejects.toThrow('the append timed out');
      await expect(here.run(id.principal, id.key, 'fp-2', mustNotRun)).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
      let runs = 0;
      expect(await there.run(id.principal, id.key, 'fp-1', async () => submitted(++runs))).toEqual({ kind: 'first', response: submitted(1) });
      expect(await here.run(id.principal, id.key, 'fp-1', mustNotRun)).toEqual({ kind: 'replay', response: submitted(1) });
      await expect(here.run(id.principal, id.key, 'fp-2', mustNotRun)).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
      expect(runs).toBe(1);
    });

    it('lets a request waiting on one whose outcome turns out unknown run in its place if it is a retry, and refuses it if it is another', async () => {
      const id = { principal: 'dev:finance-system', key: 'k-waiting' };
      const here = keysOn(store);
      const there = keysOn(await storage.open());
      const started = gate();
      const running = gate();
      const first = here.run(id.principal, id.key, 'fp-1', async () => {
        started.open();
        await running.opened;
        throw new OutcomeUnknownError('connection reset after the append was sent');
      });
      await started.opened;
      let runs = 0;
      const retry = there.run(id.principal, id.key, 'fp-1', async () => submitted(++runs));
      // In the failing request's own process, the other wakes first, as soon as it fails.
      const other = here.run(id.principal, id.key, 'fp-2', mustNotRun).catch((error: unknown) => error);
      await sleep(50);
      expect(runs).toBe(0);
      running.open();
      await expect(first).rejects.toThrow('connection reset');
      expect(await other).toBeInstanceOf(IdempotencyKeyReusedError);
      expect(await retry).toEqual({ kind: 'first', response: submitted(1) });
      expect(runs).toBe(1);
    });

    it('forgets a request whose outcome is unknown once its retention has passed', async () => {
      const keys = keysOn(store);
      await expect(keys.run('dev:applicant-portal', 'k-lost', 'fp-1', () => Promise.reject(new OutcomeUnknownError('store unavailable')))).rejects.toThrow();
      clock.advance(RETENTION - 1 - clock.toleranceMs);
      await expect(keys.run('dev:applicant-portal', 'k-lost', 'fp-2', mustNotRun)).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
      clock.advance(1 + clock.toleranceMs);
      expect(await keys.run('dev:applicant-portal', 'k-lost', 'fp-2', async () => submitted(2))).toEqual({ kind: 'first', response: submitted(2) });
    });

    it("lets no process take over a key another is running because its own clock is ahead: the store's clock decides", async () => {
      const id = { principal: 'dev:applicant-portal', key: 'k-skew' };
      const started = gate();
      const running = gate();
      const owner = keysOn(store).run(id.principal, id.key, 'fp-1', async () => {
        started.open();
        await running.opened;
        return submitted(1);
      });
      await started.opened;
      const ahead = keysOn(await storage.open(), { waitMs: 300 });
      let runs = 0;
      // The second process's clock is 10 minutes (twenty leases) ahead of the store's.
      const ahead10Minutes = clock.now() + 10 * MINUTE;
      jest.useFakeTimers({ now: ahead10Minutes, doNotFake: [...ALL_BUT_THE_CLOCK] });
      try {
        expect(new Date().getTime()).toBe(ahead10Minutes);
        const second = ahead.run(id.principal, id.key, 'fp-1', async () => submitted(++runs));
        await expect(second).rejects.toBeInstanceOf(IdempotencyKeyInUseError);
      } finally {
        jest.useRealTimers();
      }
      expect(runs).toBe(0);
      running.open();
      expect(await owner).toEqual({ kind: 'first', response: submitted(1) });
      expect(await ahead.run(id.principal, id.key, 'fp-1', mustNotRun)).toEqual({ kind: 'replay', response: submitted(1) });
    });

    if (adapter.name.startsWith('embedded')) {
      it('deletes expired records from its file as claims go by', async () => {
        const keys = keysOn(store);
        for (let i = 0; i < 3; i++) await keys.run('dev:applicant-portal', `k-${i}`, 'fp-1', async () => submitted(i));
        await expect(keys.run('dev:applicant-portal', 'k-lost', 'fp-1', () => Promise.reject(new OutcomeUnknownError('lost')))).rejects.toThrow('lost');
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
          .run('dev:applicant-portal', 'portal-submission-8841', 'fp-1', status, JSON.stringify(headers), JSON.stringify(body), new Date(clock.now() - HOUR).toISOString());
        legacy.close();

        const upgraded = SqliteIdempotencyStore.open(legacyFile, { retentionMs: RETENTION, now: clock.now });
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

      it('keeps the records of a file from the version without unsettled claims, and then keeps those too', async () => {
        const earlierFile = join(dirname(storage.file!), 'two-states-api.db');
        const earlier = new Database(earlierFile);
        earlier.exec(`CREATE TABLE idempotency_keys (
          principal TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('pending', 'completed')), owner TEXT, response TEXT, expires_at INTEGER NOT NULL,
          PRIMARY KEY (principal, key)) STRICT;
          CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);`);
        const insert = earlier.prepare('INSERT INTO idempotency_keys VALUES (?, ?, ?, ?, ?, ?, ?)');
        insert.run('dev:applicant-portal', 'k-answered', 'fp-1', 'completed', null, JSON.stringify(submitted(1)), clock.now() + HOUR);
        insert.run('dev:applicant-portal', 'k-running', 'fp-1', 'pending', 'other-process', null, clock.now() + LEASE);
        earlier.close();

        const upgraded = SqliteIdempotencyStore.open(earlierFile, { retentionMs: RETENTION, now: clock.now });
        try {
          const keys = keysOn(upgraded, { waitMs: 50 });
          expect(await keys.run('dev:applicant-portal', 'k-answered', 'fp-1', mustNotRun)).toEqual({ kind: 'replay', response: submitted(1) });
          await expect(keys.run('dev:applicant-portal', 'k-running', 'fp-1', mustNotRun)).rejects.toBeInstanceOf(IdempotencyKeyInUseError);
          await expect(keys.run('dev:applicant-portal', 'k-new', 'fp-1', () => Promise.reject(new OutcomeUnknownError('lost')))).rejects.toThrow('lost');
          await expect(keys.run('dev:applicant-portal', 'k-new', 'fp-2', mustNotRun)).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
        } finally {
          await upgraded.close();
        }
      });
    }
  });
}
