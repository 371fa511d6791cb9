/** The adapters the vault's contract suite runs against: SQLite always, MongoDB when MONGODB_URL is set. */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { SqliteVaultStore } from '../src/embedded/sqlite-vault-store.js';
import type { VaultStore } from '../src/vault-store.port.js';

export interface VaultStoreUnderTest {
  readonly name: string;
  readonly skipped: string | null;
  setUp(): Promise<VaultData>;
}

/** One vault's data, in a directory of its own (embedded) or a database of its own (MongoDB). */
export interface VaultData {
  readonly store: VaultStore;
  /** The store's files, for reading their raw bytes; null on a server. */
  readonly dir: string | null;
  /** Another store over the same data, as a second process opens it. */
  openAgain(): Promise<VaultStore>;
  /** A copy of the data as it is now, as a backup or a copied data directory holds it. */
  copy(): Promise<VaultCopy>;
  tearDown(): Promise<void>;
}

export interface VaultCopy {
  open(): Promise<VaultStore>;
  /** Every byte the copy holds. */
  bytes(): Promise<Buffer>;
}

const VAULT_COLLECTIONS = ['vault_subjects', 'vault_erasures', 'vault_leases'];

export const VAULT_STORES: readonly VaultStoreUnderTest[] = [
  {
    name: 'embedded (SQLite)',
    skipped: null,
    async setUp() {
      const dirs: string[] = [];
      const opened: VaultStore[] = [];
      const dir = mkdtempSync(join(tmpdir(), 'vault-'));
      dirs.push(dir);
      const file = (d: string) => join(d, 'personal-data.db');
      const openAt = async (d: string) => {
        const store = SqliteVaultStore.open(file(d));
        opened.push(store);
        return store;
      };
      return {
        store: await openAt(dir),
        dir,
        openAgain: () => openAt(dir),
        async copy() {
          // The files as a file-level backup takes them while the vault runs: database, write-ahead log and all.
          const copied = mkdtempSync(join(tmpdir(), 'vault-copy-'));
          dirs.push(copied);
          cpSync(dir, copied, { recursive: true });
          return {
            open: () => openAt(copied),
            bytes: async () => Buffer.concat(readdirSync(copied).map((f) => readFileSync(join(copied, f)))),
          };
        },
        async tearDown() {
          for (const store of opened) await store.close();
          for (const d of dirs) rmSync(d, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'MongoDB',
    skipped: process.env['MONGODB_URL'] ? null : 'MONGODB_URL is not set',
    async setUp() {
      const { MongoClient, BSON } = await import('mongodb');
      const { MongoVaultStore } = await import('../src/mongodb/mongo-vault-store.js');
      const url = process.env['MONGODB_URL'] ?? '';
      // A database of its own per test, dropped afterwards.
      const database = `vault_contract_${randomUUID().slice(0, 8)}`;
      const databases = [database];
      const opened: VaultStore[] = [];
      const openIn = async (name: string) => {
        const store = await MongoVaultStore.connect(url, { database: name });
        opened.push(store);
        return store;
      };
      const client = new MongoClient(url);
      await client.connect();
      return {
        store: await openIn(database),
        dir: null,
        openAgain: () => openIn(database),
        async copy() {
          // What a backup (mongodump) holds: every document of the vault's collections as it is now.
          const name = `${database}_copy${databases.length}`;
          databases.push(name);
          const documents: unknown[] = [];
          for (const collection of VAULT_COLLECTIONS) {
            const all = await client.db(database).collection(collection).find().toArray();
            documents.push(...all);
            if (all.length > 0) await client.db(name).collection(collection).insertMany(all);
          }
          return { open: () => openIn(name), bytes: async () => Buffer.from(BSON.EJSON.stringify(documents), 'utf8') };
        },
        async tearDown() {
          for (const store of opened) await store.close();
          try {
            for (const name of databases) await client.db(name).dropDatabase();
          } finally {
            await client.close();
          }
        },
      };
    },
  },
];
