import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Lookup, Rewrap, SubjectRecord, VaultStore } from '../vault-store.port.js';

/**
 * The vault's embedded store: one SQLite file (WAL, synchronous=FULL) with `secure_delete` on, so
 * a deleted or rewritten record's bytes are overwritten in the file, and a WAL checkpoint
 * (TRUNCATE) after each erasure and rotation, so no copy lingers in the log either. Lists of ids
 * and lookups go to SQL as JSON arrays (`json_each`), so every statement is prepared once.
 */
export class SqliteVaultStore implements VaultStore {
  private readonly db: Database.Database;

  private constructor(private readonly file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file, { timeout: 10_000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('secure_delete = ON');
    try {
      this.prepareSchema();
    } catch (error) {
      this.db.close();
      throw error;
    }
  }

  static open(file: string): SqliteVaultStore {
    return new SqliteVaultStore(file);
  }

  private prepareSchema(): void {
    this.db
      .transaction(() => {
        this.db.exec(`
        CREATE TABLE IF NOT EXISTS vault_subjects (
          subject_id  TEXT PRIMARY KEY,
          key_id      TEXT NOT NULL,
          wrapped_key TEXT NOT NULL,
          sealed      TEXT NOT NULL,
          created_at  TEXT NOT NULL
        ) STRICT;
        CREATE INDEX IF NOT EXISTS vault_subjects_by_key ON vault_subjects (key_id, subject_id);
        CREATE TABLE IF NOT EXISTS vault_lookups (
          lookup     TEXT PRIMARY KEY,
          key_id     TEXT NOT NULL,
          subject_id TEXT NOT NULL
        ) STRICT;
        CREATE INDEX IF NOT EXISTS vault_lookups_by_subject ON vault_lookups (subject_id);
        CREATE TABLE IF NOT EXISTS vault_erasures (
          subject_id  TEXT PRIMARY KEY,
          erased_at   TEXT NOT NULL,
          shredded_at TEXT
        ) STRICT;
        CREATE INDEX IF NOT EXISTS vault_erasures_pending ON vault_erasures (subject_id) WHERE shredded_at IS NULL;
        CREATE TABLE IF NOT EXISTS vault_leases (name TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at INTEGER NOT NULL) STRICT;
      `);
        this.leaveLegacyTables();
      })
      .immediate();
  }

  async insert(record: SubjectRecord) {
    return this.db
      .transaction(() => {
        const existing = this.holderOf(record.lookups.map((l) => l.value));
        if (existing !== null) return { inserted: false, existing } as const;
        this.db
          .prepare(
            'INSERT INTO vault_subjects (subject_id, key_id, wrapped_key, sealed, created_at) VALUES (?, ?, ?, ?, ?)',
          )
          .run(record.subjectId, record.keyId, record.wrappedKey, record.sealed, record.createdAt);
        this.addLookups(record.subjectId, record.lookups);
        return { inserted: true } as const;
      })
      .immediate();
  }

  async bySubject(subjectId: string): Promise<SubjectRecord | null> {
    return (
      this.withLookups(
        this.db.prepare<[string], Row>('SELECT * FROM vault_subjects WHERE subject_id = ?').all(subjectId),
      )[0] ?? null
    );
  }

  async byLookup(values: readonly string[]): Promise<SubjectRecord | null> {
    const subjectId = this.holderOf(values);
    return subjectId === null ? null : this.bySubject(subjectId);
  }

  async rewrap(moves: readonly Rewrap[]): Promise<{ readonly duplicates: readonly string[] }> {
    return this.db
      .transaction(() => {
        const duplicates: string[] = [];
        for (const move of moves) {
          const still = this.db
            .prepare('SELECT 1 FROM vault_subjects WHERE subject_id = ? AND key_id = ?')
            .get(move.subjectId, move.fromKeyId);
          if (!still) continue;
          const clash = this.db
            .prepare<[string, string], { subject_id: string }>(
              'SELECT subject_id FROM vault_lookups WHERE lookup IN (SELECT value FROM json_each(?)) AND subject_id <> ? LIMIT 1',
            )
            .get(JSON.stringify(move.lookups.map((l) => l.value)), move.subjectId);
          if (clash) {
            duplicates.push(move.subjectId);
            continue;
          }
          this.db
            .prepare('UPDATE vault_subjects SET key_id = ?, wrapped_key = ? WHERE subject_id = ?')
            .run(move.keyId, move.wrappedKey, move.subjectId);
          this.addLookups(move.subjectId, move.lookups);
        }
        return { duplicates };
      })
      .immediate();
  }

  async discard(subjectId: string, keyId: string): Promise<void> {
    this.db
      .transaction(() => {
        if (
          this.db.prepare('DELETE FROM vault_subjects WHERE subject_id = ? AND key_id = ?').run(subjectId, keyId)
            .changes === 1
        ) {
          this.db.prepare('DELETE FROM vault_lookups WHERE subject_id = ?').run(subjectId);
        }
      })
      .immediate();
  }

  async wrappedUnder(keyIds: readonly string[], limit: number): Promise<readonly SubjectRecord[]> {
    const rows = this.db
      .prepare<[string, number], Row>(
        'SELECT * FROM vault_subjects WHERE key_id IN (SELECT value FROM json_each(?)) ORDER BY subject_id LIMIT ?',
      )
      .all(JSON.stringify(keyIds), limit);
    return this.withLookups(rows);
  }

  async keyUsage(): Promise<ReadonlyMap<string, number>> {
    const rows = this.db
      .prepare<[], { key_id: string; n: number }>('SELECT key_id, count(*) AS n FROM vault_subjects GROUP BY key_id')
      .all();
    return new Map(rows.map((r) => [r.key_id, r.n]));
  }

  async dropLookups(liveKeyIds: readonly string[]): Promise<void> {
    const live = JSON.stringify(liveKeyIds);
    this.db
      .prepare(
        'DELETE FROM vault_lookups WHERE key_id NOT IN (SELECT value FROM json_each(?)) ' +
          'AND subject_id IN (SELECT subject_id FROM vault_subjects WHERE key_id IN (SELECT value FROM json_each(?)))',
      )
      .run(live, live);
  }

  async erase(subjectId: string, erasedAt: string): Promise<void> {
    this.db
      .transaction(() => {
        this.removeRecords([subjectId]);
        this.db
          .prepare(
            'INSERT INTO vault_erasures (subject_id, erased_at) VALUES (?, ?) ON CONFLICT (subject_id) DO NOTHING',
          )
          .run(subjectId, erasedAt);
      })
      .immediate();
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  async erasedAt(subjectId: string): Promise<string | null> {
    return (
      this.db
        .prepare<[string], { erased_at: string }>('SELECT erased_at FROM vault_erasures WHERE subject_id = ?')
        .get(subjectId)?.erased_at ?? null
    );
  }

  async pendingErasures(): Promise<readonly string[]> {
    return this.db
      .prepare<[], { subject_id: string }>(
        'SELECT subject_id FROM vault_erasures WHERE shredded_at IS NULL ORDER BY subject_id',
      )
      .all()
      .map((r) => r.subject_id);
  }

  async forget(subjectIds: readonly string[]): Promise<void> {
    if (subjectIds.length === 0) return;
    this.db.transaction(() => this.removeRecords(subjectIds)).immediate();
  }

  async markShredded(subjectIds: readonly string[], shreddedAt: string): Promise<void> {
    this.db
      .prepare(
        'UPDATE vault_erasures SET shredded_at = ? WHERE shredded_at IS NULL AND subject_id IN (SELECT value FROM json_each(?))',
      )
      .run(shreddedAt, JSON.stringify(subjectIds));
    // The rotation rewrote every record: nothing of the older wrappings stays in the log.
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  async acquireLease(name: string, owner: string, ttlMs: number, now: Date): Promise<boolean> {
    // One statement: SQLite's write lock makes the check and the take one step across processes.
    const taken = this.db
      .prepare(
        'INSERT INTO vault_leases (name, owner, expires_at) VALUES (?, ?, ?) ' +
          'ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at WHERE vault_leases.owner = excluded.owner OR vault_leases.expires_at <= ?',
      )
      .run(name, owner, now.getTime() + ttlMs, now.getTime());
    return taken.changes === 1;
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    if (this.db.open) this.db.prepare('DELETE FROM vault_leases WHERE name = ? AND owner = ?').run(name, owner);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private holderOf(values: readonly string[]): string | null {
    return (
      this.db
        .prepare<[string], { subject_id: string }>(
          'SELECT subject_id FROM vault_lookups WHERE lookup IN (SELECT value FROM json_each(?)) LIMIT 1',
        )
        .get(JSON.stringify(values))?.subject_id ?? null
    );
  }

  private addLookups(subjectId: string, lookups: readonly Lookup[]): void {
    const add = this.db.prepare(
      'INSERT INTO vault_lookups (lookup, key_id, subject_id) VALUES (?, ?, ?) ON CONFLICT (lookup) DO NOTHING',
    );
    for (const lookup of lookups) add.run(lookup.value, lookup.keyId, subjectId);
  }

  private removeRecords(subjectIds: readonly string[]): void {
    const ids = JSON.stringify(subjectIds);
    this.db.prepare('DELETE FROM vault_lookups WHERE subject_id IN (SELECT value FROM json_each(?))').run(ids);
    this.db.prepare('DELETE FROM vault_subjects WHERE subject_id IN (SELECT value FROM json_each(?))').run(ids);
  }

  private withLookups(rows: readonly Row[]): SubjectRecord[] {
    if (rows.length === 0) return [];
    const lookups = this.db
      .prepare<[string], { lookup: string; key_id: string; subject_id: string }>(
        'SELECT lookup, key_id, subject_id FROM vault_lookups WHERE subject_id IN (SELECT value FROM json_each(?)) ORDER BY rowid',
      )
      .all(JSON.stringify(rows.map((r) => r.subject_id)));
    return rows.map((row) => ({
      subjectId: row.subject_id,
      keyId: row.key_id,
      wrappedKey: row.wrapped_key,
      lookups: lookups
        .filter((l) => l.subject_id === row.subject_id)
        .map((l) => ({ keyId: l.key_id, value: l.lookup })),
      sealed: row.sealed,
      createdAt: row.created_at,
    }));
  }

  /**
   * A vault written by the build before the keyring kept `subjects` (data keys wrapped under
   * VAULT_KEY itself) and `erasures`. Its erasures carry over, pending (a rotation is owed for
   * them); subjects it still holds cannot be read by this build, which refuses to start on them.
   */
  private leaveLegacyTables(): void {
    const tables = new Set(
      this.db
        .prepare<[], { name: string }>(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('subjects', 'erasures')",
        )
        .all()
        .map((r) => r.name),
    );
    if (tables.has('subjects')) {
      const held = this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM subjects').get()?.n ?? 0;
      if (held > 0) {
        throw new Error(
          `The vault ${this.file} holds ${held} subject(s) written before the vault's keyring (their keys are wrapped under VAULT_KEY itself): this build cannot read them (docs/adr/0009)`,
        );
      }
      this.db.exec('DROP TABLE subjects');
    }
    if (tables.has('erasures')) {
      this.db.exec(
        'INSERT INTO vault_erasures (subject_id, erased_at) SELECT subject_id, erased_at FROM erasures WHERE true ON CONFLICT (subject_id) DO NOTHING; DROP TABLE erasures;',
      );
    }
  }
}

interface Row {
  subject_id: string;
  key_id: string;
  wrapped_key: string;
  sealed: string;
  created_at: string;
}
