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
  setUp(): Promise<{ store: ReadModelStore; tearDown(): Promise<void> }>;
}

export const READ_MODEL_STORES: readonly ReadModelStoreUnderTest[] = [
  {
    name: 'embedded (SQLite)',
    skipped: null,
    async setUp() {
      const dir = mkdtempSync(join(tmpdir(), 'read-models-'));
      const store = SqliteReadModelStore.open(join(dir, 'read-models.db'));
      return {
        store,
        async tearDown() {
          await store.close();
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
      const store = await MongoReadModelStore.connect(url.toString(), { database, indexes: { calls: [['status']] } });
      return {
        store,
        async tearDown() {
          await store.close();
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
