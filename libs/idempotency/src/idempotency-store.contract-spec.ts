/**
 * The idempotency store on every adapter, driven as the API drives it (through IdempotencyKeys):
 * a key runs once, across processes too (two stores opened on one storage stand for two
 * processes), and its retries get the first response; a refused request keeps nothing, one whose
 * outcome is unknown keeps the key for itself; what was answered is kept when the store is opened
 * again, by a later version too. Leases, retention and the store's clock:
 * idempotency-store-leases.contract-spec.ts.
 */
import { expect, it } from '@jest/globals';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import {
  HOUR,
  LEASE,
  OutcomeUnknownError,
  RETENTION,
  gate,
  idempotencyStoreContract,
  keysOn,
  mustNotRun,
  submitted,
} from '../test-support/idempotency-contract.js';
import { SqliteIdempotencyStore } from './embedded/sqlite-idempotency-store.js';
import { IdempotencyKeyInUseError, IdempotencyKeyReusedError } from './idempotency-keys.js';

idempotencyStoreContract('a key runs once', (adapter, current) => {
  it('runs a request once, and answers its retries with the first response', async () => {
    const { store } = current();
    const keys = keysOn(store);
    let runs = 0;
    const submit = async () => submitted(++runs);
    expect(await keys.run('dev:applicant-portal', 'portal-submission-8841', 'fp-1', submit)).toEqual({
      kind: 'first',
      response: submitted(1),
    });
    for (let i = 0; i < 3; i++) {
      expect(await keys.run('dev:applicant-portal', 'portal-submission-8841', 'fp-1', submit)).toEqual({
        kind: 'replay',
        response: submitted(1),
      });
    }
    expect(runs).toBe(1);
  });

  it('refuses the key for a different request, and keeps keys apart per principal', async () => {
    const { store } = current();
    const keys = keysOn(store);
    await keys.run('dev:applicant-portal', 'same-key', 'fp-1', async () => submitted(1));
    const refused = keys.run('dev:applicant-portal', 'same-key', 'fp-2', mustNotRun);
    await expect(refused).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    await expect(refused).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await keys.run('dev:programme-manager', 'same-key', 'fp-2', async () => submitted(2))).toEqual({
      kind: 'first',
      response: submitted(2),
    });
  });

  it('runs a key once when requests with it race, in one process and in two', async () => {
    const { store, storage } = current();
    const here = keysOn(store);
    const there = keysOn(await storage.open());
    const running = gate();
    let runs = 0;
    const submit = async () => {
      runs += 1;
      await running.opened;
      return submitted(runs);
    };
    const outcomes = Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 === 0 ? here : there).run('dev:applicant-portal', 'k-race', 'fp-1', submit),
      ),
    );
    await sleep(50);
    running.open();
    const results = await outcomes;
    expect(runs).toBe(1);
    expect(results.filter((r) => r.kind === 'first')).toHaveLength(1);
    expect(results.map((r) => r.response)).toEqual(Array.from({ length: 10 }, () => submitted(1)));
  });

  it('keeps no failure: a request waiting on one that fails runs in its place, and a later one may differ', async () => {
    const { store, storage } = current();
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
    expect(await here.run('dev:programme-manager', 'k-fail', 'fp-1', mustNotRun)).toEqual({
      kind: 'replay',
      response: submitted(1),
    });

    await expect(
      here.run('dev:programme-manager', 'k-other', 'fp-1', () => Promise.reject(new Error('CALL_NOT_OPEN'))),
    ).rejects.toThrow('CALL_NOT_OPEN');
    expect(await here.run('dev:programme-manager', 'k-other', 'fp-2', async () => submitted(2))).toEqual({
      kind: 'first',
      response: submitted(2),
    });
  });

  it('keeps responses when the store is closed and opened again', async () => {
    const { store, storage } = current();
    await keysOn(store).run('dev:applicant-portal', 'k-durable', 'fp-1', async () => submitted(1));
    await store.close();
    const reopened = await storage.open();
    expect(await keysOn(reopened).run('dev:applicant-portal', 'k-durable', 'fp-1', mustNotRun)).toEqual({
      kind: 'replay',
      response: submitted(1),
    });
  });

  it('keeps the key of a request whose outcome is unknown for that request alone: its retry runs again at once, another is refused', async () => {
    const { store, storage } = current();
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
    expect(await there.run(id.principal, id.key, 'fp-1', async () => submitted(++runs))).toEqual({
      kind: 'first',
      response: submitted(1),
    });
    expect(await here.run(id.principal, id.key, 'fp-1', mustNotRun)).toEqual({
      kind: 'replay',
      response: submitted(1),
    });
    await expect(here.run(id.principal, id.key, 'fp-2', mustNotRun)).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    expect(runs).toBe(1);
  });

  it('lets a request waiting on one whose outcome turns out unknown run in its place if it is a retry, and refuses it if it is another', async () => {
    const { store, storage } = current();
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

  if (adapter.name.startsWith('embedded')) {
    it('brings forward the responses the first version kept, for the retention from when they were recorded', async () => {
      const { storage, clock } = current();
      const legacyFile = join(dirname(storage.file!), 'earlier-api.db');
      const legacy = new Database(legacyFile);
      legacy.exec(`CREATE TABLE idempotent_responses (
        principal TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL,
        status INTEGER NOT NULL, headers TEXT NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL,
        PRIMARY KEY (principal, key)) STRICT`);
      const { status, headers, body } = submitted(1);
      legacy
        .prepare('INSERT INTO idempotent_responses VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(
          'dev:applicant-portal',
          'portal-submission-8841',
          'fp-1',
          status,
          JSON.stringify(headers),
          JSON.stringify(body),
          new Date(clock.now() - HOUR).toISOString(),
        );
      legacy.close();

      const upgraded = SqliteIdempotencyStore.open(legacyFile, { retentionMs: RETENTION, now: clock.now });
      try {
        const keys = keysOn(upgraded);
        expect(await keys.run('dev:applicant-portal', 'portal-submission-8841', 'fp-1', mustNotRun)).toEqual({
          kind: 'replay',
          response: submitted(1),
        });
        clock.advance(RETENTION - HOUR);
        expect(
          await keys.run('dev:applicant-portal', 'portal-submission-8841', 'fp-1', async () => submitted(2)),
        ).toEqual({ kind: 'first', response: submitted(2) });
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
      const { storage, clock } = current();
      const earlierFile = join(dirname(storage.file!), 'two-states-api.db');
      const earlier = new Database(earlierFile);
      earlier.exec(`CREATE TABLE idempotency_keys (
        principal TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'completed')), owner TEXT, response TEXT, expires_at INTEGER NOT NULL,
        PRIMARY KEY (principal, key)) STRICT;
        CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);`);
      const insert = earlier.prepare('INSERT INTO idempotency_keys VALUES (?, ?, ?, ?, ?, ?, ?)');
      insert.run(
        'dev:applicant-portal',
        'k-answered',
        'fp-1',
        'completed',
        null,
        JSON.stringify(submitted(1)),
        clock.now() + HOUR,
      );
      insert.run('dev:applicant-portal', 'k-running', 'fp-1', 'pending', 'other-process', null, clock.now() + LEASE);
      earlier.close();

      const upgraded = SqliteIdempotencyStore.open(earlierFile, { retentionMs: RETENTION, now: clock.now });
      try {
        const keys = keysOn(upgraded, { waitMs: 50 });
        expect(await keys.run('dev:applicant-portal', 'k-answered', 'fp-1', mustNotRun)).toEqual({
          kind: 'replay',
          response: submitted(1),
        });
        await expect(keys.run('dev:applicant-portal', 'k-running', 'fp-1', mustNotRun)).rejects.toBeInstanceOf(
          IdempotencyKeyInUseError,
        );
        await expect(
          keys.run('dev:applicant-portal', 'k-new', 'fp-1', () => Promise.reject(new OutcomeUnknownError('lost'))),
        ).rejects.toThrow('lost');
        await expect(keys.run('dev:applicant-portal', 'k-new', 'fp-2', mustNotRun)).rejects.toBeInstanceOf(
          IdempotencyKeyReusedError,
        );
      } finally {
        await upgraded.close();
      }
    });
  }
});
