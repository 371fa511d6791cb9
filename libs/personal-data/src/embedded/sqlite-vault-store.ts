import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { SubjectRecord, VaultStore } from '../vault-store.port.js';

/**
 * The vault's embedded store: one SQLite file (WAL, synchronous=FULL) with `secure_delete` on, so
 * a deleted record's bytes are overwritten in the file, and a WAL checkpoint (TRUNCATE) after each
 * erasure, so no copy lingers in the log either.
 */
export class SqliteVaultStore implements VaultStore {
  private readonly db: Database.Database;

  private constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file, { timeout: 10_000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('secure_delete = ON');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS subjects (
        subject_id  TEXT PRIMARY KEY,
        lookup      TEXT NOT NULL UNIQUE,
        wrapped_key TEXT NOT NULL,
        sealed      TEXT NOT NULL,
        created_at  TEXT NOT NULL
      ) STRICT;
      CREATE TABLE IF NOT EXISTS erasures (
        subject_id TEXT PRIMARY KEY,
        erased_at  TEXT NOT NULL
      ) STRICT;
    `);
  }

  static open(file: string): SqliteVaultStore {
    return new SqliteVaultStore(file);
  }

  async insert(record: SubjectRecord) {
    const inserted = this.db
      .prepare('INSERT INTO subjects (subject_id, lookup, wrapped_key, sealed, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (lookup) DO NOTHING')
      .run(record.subjectId, record.lookup, record.wrappedKey, record.sealed, record.createdAt);
    if (inserted.changes === 1) return { inserted: true } as const;
    const existing = await this.byLookup(record.lookup);
    if (!existing) throw new Error('A vault record collided with one that is gone');
    return { inserted: false, existing: existing.subjectId } as const;
  }

  async bySubject(subjectId: string): Promise<SubjectRecord | null> {
    return toRecord(this.db.prepare<[string], Row>('SELECT * FROM subjects WHERE subject_id = ?').get(subjectId));
  }

  async byLookup(lookup: string): Promise<SubjectRecord | null> {
    return toRecord(this.db.prepare<[string], Row>('SELECT * FROM subjects WHERE lookup = ?').get(lookup));
  }

  async erase(subjectId: string, erasedAt: string): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM subjects WHERE subject_id = ?').run(subjectId);
      this.db.prepare('INSERT INTO erasures (subject_id, erased_at) VALUES (?, ?) ON CONFLICT (subject_id) DO NOTHING').run(subjectId, erasedAt);
    }).immediate();
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  async erasedAt(subjectId: string): Promise<string | null> {
    return this.db.prepare<[string], { erased_at: string }>('SELECT erased_at FROM erasures WHERE subject_id = ?').get(subjectId)?.erased_at ?? null;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

interface Row {
  subject_id: string;
  lookup: string;
  wrapped_key: string;
  sealed: string;
  created_at: string;
}

function toRecord(row: Row | undefined): SubjectRecord | null {
  return row ? { subjectId: row.subject_id, lookup: row.lookup, wrappedKey: row.wrapped_key, sealed: row.sealed, createdAt: row.created_at } : null;
}
