/** The adapters the read-model store contract suite runs against. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { SqliteReadModelStore } from '../src/embedded/sqlite-read-model-store.js';
import type { ReadModelStore } from '../src/read-model-store.port.js';

export interface ReadModelStoreUnderTest {
  readonly name: string;
  readonly skipped: string | null;
  setUp(): Promise<{
    store: ReadModelStore;
    /** Another connection to the same store, as a process started after a crash would open (closed by tearDown). */
    another(): Promise<ReadModelStore>;
    tearDown(): Promise<void>;
  }>;
}

export const READ_MODEL_STORES: readonly ReadModelStoreUnderTest[] = [
  {
    name: 'embedded (SQLite)',
    skipped: null,
    async setUp() {
      const dir = mkdtempSync(join(tmpdir(), 'read-models-'));
      const store = SqliteReadModelStore.open(join(dir, 'read-models.db'));
      const others: ReadModelStore[] = [];
      return {
        store,
        async another() {
          const other = SqliteReadModelStore.open(join(dir, 'read-models.db'));
          others.push(other);
          return other;
        },
        async tearDown() {
          await store.close();
          for (const other of others) await other.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'MongoDB',
    skipped: process.env['MONGODB_URL'] ? null : 'MONGODB_URL is not set',
    async setUp() {
      const { MongoReadModelStore } = await import('../src/mongodb/mongo-read-model-store.js');
      // A database of its own per test, dropped afterwards.
      const url = new URL(process.env['MONGODB_URL'] ?? '');
      const database = `contract_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      const connect = () => MongoReadModelStore.connect(url.toString(), { database, indexes: { calls: [['status']] } });
      const store = await connect();
      const others: ReadModelStore[] = [];
      return {
        store,
        async another() {
          const other = await connect();
          others.push(other);
          return other;
        },
        async tearDown() {
          await store.close();
          for (const other of others) await other.close();
          const { MongoClient } = await import('mongodb');
          const client = new MongoClient(url.toString());
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
