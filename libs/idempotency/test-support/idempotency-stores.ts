/** The adapters the idempotency store's contract suite runs against: SQLite always, MongoDB when MONGODB_URL is set. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { SqliteIdempotencyStore } from '../src/embedded/sqlite-idempotency-store.js';
import type { IdempotencyStore } from '../src/idempotency-store.port.js';

/**
 * The clock of the stores on one storage, as the suite moves it. It starts in the future, so
 * MongoDB's TTL monitor deletes nothing under a test.
 */
export interface StoreClock {
  /** The stores' now, in epoch ms: exactly, where the suite holds their clock; about, where it is a server's. */
  now(): number;
  advance(ms: number): void;
  /** How far `now()` may be from the stores' own: 0 where the suite holds their clock. */
  readonly toleranceMs: number;
}

export interface IdempotencyStorage {
  /** A new store on the same storage, as another process would open it. */
  open(): Promise<IdempotencyStore>;
  /** The one clock of every store opened on this storage. */
  readonly clock: StoreClock;
  /** The SQLite file, for the embedded adapter's own tests. */
  readonly file: string | null;
  /** Closes every store opened and removes the storage. */
  tearDown(): Promise<void>;
}

export interface IdempotencyStoreUnderTest {
  readonly name: string;
  readonly skipped: string | null;
  setUp(options: { retentionMs: number }): Promise<IdempotencyStorage>;
}

const START = Date.parse('2031-03-03T09:00:00.000Z');

export const IDEMPOTENCY_STORES: readonly IdempotencyStoreUnderTest[] = [
  {
    name: 'embedded (SQLite)',
    skipped: null,
    async setUp({ retentionMs }) {
      const dir = mkdtempSync(join(tmpdir(), 'idempotency-'));
      const file = join(dir, 'api.db');
      const opened: IdempotencyStore[] = [];
      // The machine's clock, which every process on the file shares.
      let at = START;
      const clock: StoreClock = { now: () => at, advance: (ms) => void (at += ms), toleranceMs: 0 };
      return {
        file,
        clock,
        async open() {
          const store = SqliteIdempotencyStore.open(file, { retentionMs, now: clock.now });
          opened.push(store);
          return store;
        },
        async tearDown() {
          for (const store of opened) await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'MongoDB',
    skipped: process.env['MONGODB_URL'] ? null : 'MONGODB_URL is not set',
    async setUp() {
      const { MongoIdempotencyStore } = await import('../src/mongodb/mongo-idempotency-store.js');
      // A database of its own per test, dropped afterwards.
      const url = process.env['MONGODB_URL'] ?? '';
      const database = `idempotency_contract_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      const opened: IdempotencyStore[] = [];
      // The server's clock, shifted: the server and the suite share a machine, or nearly a clock.
      let shift = START - Date.now();
      const clock: StoreClock = {
        now: () => Date.now() + shift,
        advance: (ms) => void (shift += ms),
        toleranceMs: 2_000,
      };
      return {
        file: null,
        clock,
        async open() {
          const store = await MongoIdempotencyStore.connect(url, { database, clockShiftMs: () => shift });
          opened.push(store);
          return store;
        },
        async tearDown() {
          for (const store of opened) await store.close();
          const { MongoClient } = await import('mongodb');
          const client = new MongoClient(url);
          try {
            await client.db(database).dropDatabase();
          } finally {
            await client.close();
          }
        },
      };
    },
  },
];
