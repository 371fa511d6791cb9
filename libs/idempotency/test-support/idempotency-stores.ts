/** The adapters the idempotency store's contract suite runs against: SQLite always, MongoDB when MONGODB_URL is set. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { SqliteIdempotencyStore } from '../src/embedded/sqlite-idempotency-store.js';
import type { IdempotencyStore } from '../src/idempotency-store.port.js';

export interface IdempotencyStorage {
  /** A new store on the same storage, as another process would open it. */
  open(): Promise<IdempotencyStore>;
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

export const IDEMPOTENCY_STORES: readonly IdempotencyStoreUnderTest[] = [
  {
    name: 'embedded (SQLite)',
    skipped: null,
    async setUp({ retentionMs }) {
      const dir = mkdtempSync(join(tmpdir(), 'idempotency-'));
      const file = join(dir, 'api.db');
      const opened: IdempotencyStore[] = [];
      return {
        file,
        async open() {
          const store = SqliteIdempotencyStore.open(file, { retentionMs });
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
      return {
        file: null,
        async open() {
          const store = await MongoIdempotencyStore.connect(url, { database });
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
