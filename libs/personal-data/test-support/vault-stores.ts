/** The adapters the vault's contract suite runs against: SQLite always, MongoDB when MONGODB_URL is set. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { SqliteVaultStore } from '../src/embedded/sqlite-vault-store.js';
import type { VaultStore } from '../src/vault-store.port.js';

export interface VaultStoreUnderTest {
  readonly name: string;
  readonly skipped: string | null;
  setUp(): Promise<{ store: VaultStore; dir: string | null; tearDown(): Promise<void> }>;
}

export const VAULT_STORES: readonly VaultStoreUnderTest[] = [
  {
    name: 'embedded (SQLite)',
    skipped: null,
    async setUp() {
      const dir = mkdtempSync(join(tmpdir(), 'vault-'));
      const store = SqliteVaultStore.open(join(dir, 'personal-data.db'));
      return { store, dir, tearDown: async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); } };
    },
  },
  {
    name: 'MongoDB',
    skipped: process.env['MONGODB_URL'] ? null : 'MONGODB_URL is not set',
    async setUp() {
      const { MongoVaultStore } = await import('../src/mongodb/mongo-vault-store.js');
      const store = await MongoVaultStore.connect(process.env['MONGODB_URL'] ?? '', `vault_contract_${randomUUID().slice(0, 8)}`);
      return { store, dir: null, tearDown: () => store.close() };
    },
  },
];
