/**
 * The idempotency store on every adapter, driven as the API drives it (through IdempotencyKeys)
 * and through its own calls: the claim of a process that died is taken over once its lease runs
 * out, and only then, by the store's clock whatever the processes' clocks say; a running claim is
 * its owner's alone; responses and unknown outcomes are kept for their retention, then forgotten.
 * A key running once: idempotency-store.contract-spec.ts.
 */
import { expect, it, jest } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import {
  LEASE,
  MINUTE,
  OutcomeUnknownError,
  RETENTION,
  gate,
  idempotencyStoreContract,
  keysOn,
  mustNotRun,
  submitted,
} from '../test-support/idempotency-contract.js';
import type { StoreClock } from '../test-support/idempotency-stores.js';
import { IdempotencyKeyInUseError, IdempotencyKeyReusedError } from './idempotency-keys.js';
import type { ClaimOutcome } from './idempotency-store.port.js';

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
  if (outcome.status !== 'claimed' && outcome.status !== 'pending')
    throw new Error(`expected a claim, got ${JSON.stringify(outcome)}`);
  return outcome.leaseUntil;
}

idempotencyStoreContract("leases, retention and the store's clock", (adapter, current) => {
  it('takes over the claim of a process that died once its lease has run out, and not before', async () => {
    const { store, storage, clock } = current();
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
    expect(await keys.run(dead.principal, dead.key, 'fp-1', mustNotRun)).toEqual({
      kind: 'replay',
      response: submitted(1),
    });
  });

  it('leaves the claim of a request still running to it: it renews its lease, and others give up waiting with IDEMPOTENCY_KEY_IN_USE', async () => {
    const { store, storage, clock } = current();
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
    const impatient = keysOn(await storage.open(), { waitMs: 100 }).run(id.principal, id.key, 'fp-1', async () =>
      submitted(++runs),
    );
    await expect(impatient).rejects.toBeInstanceOf(IdempotencyKeyInUseError);
    await expect(impatient).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_USE' });
    expect(runs).toBe(0);
    running.open();
    expect(await owner).toEqual({ kind: 'first', response: submitted(1) });
  });

  it('forgets a response once its retention has passed: the key is new again', async () => {
    const { store, storage, clock } = current();
    const keys = keysOn(store);
    await keys.run('dev:applicant-portal', 'k-kept', 'fp-1', async () => submitted(1));
    clock.advance(RETENTION - 1 - clock.toleranceMs);
    expect(await keys.run('dev:applicant-portal', 'k-kept', 'fp-1', mustNotRun)).toEqual({
      kind: 'replay',
      response: submitted(1),
    });
    clock.advance(1 + clock.toleranceMs);
    expect(await keys.run('dev:applicant-portal', 'k-kept', 'fp-2', async () => submitted(2))).toEqual({
      kind: 'first',
      response: submitted(2),
    });
    expect(await keysOn(await storage.open()).run('dev:applicant-portal', 'k-kept', 'fp-2', mustNotRun)).toEqual({
      kind: 'replay',
      response: submitted(2),
    });
  });

  it('answers a claim with the live record, and lets only its owner renew, complete or release it', async () => {
    const { store, clock } = current();
    const id = { principal: 'dev:applicant-portal', key: 'k-owned' };
    const at = clock.now();
    const claimed = await store.claim({ ...id, fingerprint: 'fp-1', owner: 'a', leaseMs: LEASE });
    expect(claimed).toEqual({ status: 'claimed', leaseUntil: expect.any(Date) });
    const leaseUntil = leaseOf(claimed);
    expectAbout(leaseUntil, at + LEASE, clock);
    expect(await store.claim({ ...id, fingerprint: 'fp-2', owner: 'b', leaseMs: LEASE })).toEqual({
      status: 'pending',
      fingerprint: 'fp-1',
      leaseUntil,
    });
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
    expect(completed).toEqual({
      status: 'completed',
      fingerprint: 'fp-1',
      response: submitted(1),
      expiresAt: expect.any(Date),
    });
    if (completed.status === 'completed') expectAbout(completed.expiresAt, at + 2_000 + RETENTION, clock);
  });

  it('keeps an unsettled claim for its retention, for a claim with its fingerprint alone, which takes it at once', async () => {
    const { store, clock } = current();
    const id = { principal: 'dev:applicant-portal', key: 'k-unsettled' };
    const at = clock.now();
    expect(await store.claim({ ...id, fingerprint: 'fp-1', owner: 'a', leaseMs: LEASE })).toEqual({
      status: 'claimed',
      leaseUntil: expect.any(Date),
    });
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
    expect(await store.claim({ ...id, fingerprint: 'fp-1', owner: 'd', leaseMs: LEASE })).toEqual({
      status: 'pending',
      fingerprint: 'fp-1',
      leaseUntil: leaseOf(retried),
    });
    expect(await store.complete(id, 'c', submitted(1), RETENTION)).toBe(true);
    expect(await store.claim({ ...id, fingerprint: 'fp-2', owner: 'e', leaseMs: LEASE })).toEqual({
      status: 'completed',
      fingerprint: 'fp-1',
      response: submitted(1),
      expiresAt: expect.any(Date),
    });
  });

  it('forgets a request whose outcome is unknown once its retention has passed', async () => {
    const { store, clock } = current();
    const keys = keysOn(store);
    await expect(
      keys.run('dev:applicant-portal', 'k-lost', 'fp-1', () =>
        Promise.reject(new OutcomeUnknownError('store unavailable')),
      ),
    ).rejects.toThrow();
    clock.advance(RETENTION - 1 - clock.toleranceMs);
    await expect(keys.run('dev:applicant-portal', 'k-lost', 'fp-2', mustNotRun)).rejects.toBeInstanceOf(
      IdempotencyKeyReusedError,
    );
    clock.advance(1 + clock.toleranceMs);
    expect(await keys.run('dev:applicant-portal', 'k-lost', 'fp-2', async () => submitted(2))).toEqual({
      kind: 'first',
      response: submitted(2),
    });
  });

  it("lets no process take over a key another is running because its own clock is ahead: the store's clock decides", async () => {
    const { store, storage, clock } = current();
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
    expect(await ahead.run(id.principal, id.key, 'fp-1', mustNotRun)).toEqual({
      kind: 'replay',
      response: submitted(1),
    });
  });

  if (adapter.name.startsWith('embedded')) {
    it('deletes expired records from its file as claims go by', async () => {
      const { store, storage, clock } = current();
      const keys = keysOn(store);
      for (let i = 0; i < 3; i++) await keys.run('dev:applicant-portal', `k-${i}`, 'fp-1', async () => submitted(i));
      await expect(
        keys.run('dev:applicant-portal', 'k-lost', 'fp-1', () => Promise.reject(new OutcomeUnknownError('lost'))),
      ).rejects.toThrow('lost');
      clock.advance(RETENTION + 60_000);
      await keys.run('dev:applicant-portal', 'k-new', 'fp-1', async () => submitted(9));
      const file = new Database(storage.file!, { readonly: true });
      try {
        expect(file.prepare('SELECT key FROM idempotency_keys').all()).toEqual([{ key: 'k-new' }]);
      } finally {
        file.close();
      }
    });
  }
});
