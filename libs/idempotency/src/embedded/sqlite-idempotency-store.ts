import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type {
  Claim,
  ClaimOutcome,
  IdempotencyKey,
  IdempotencyStore,
  StoredResponse,
} from '../idempotency-store.port.js';

export interface SqliteIdempotencyStoreOptions {
  /**
   * How long the responses of the earlier table (`idempotent_responses`, kept forever) are kept
   * from when they were recorded, when this store first opens a file that has them.
   */
  readonly retentionMs: number;
  /**
   * The store's clock, in epoch ms: every lease and retention is computed and compared with it.
   * Default the machine's (Date.now), which every process on the file shares; tests move it.
   */
  readonly now?: () => number;
}

/** Expired records deleted at most this often, this many at a time. */
const PURGE_EVERY_MS = 60_000;
const PURGE_BATCH = 1_000;

const COLUMNS = `(
  principal   TEXT NOT NULL,
  key         TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  state       TEXT NOT NULL CHECK (state IN ('pending', 'completed', 'unsettled')),
  owner       TEXT,
  response    TEXT,
  expires_at  INTEGER NOT NULL,
  PRIMARY KEY (principal, key)
) STRICT`;

interface Row {
  fingerprint: string;
  state: 'pending' | 'completed' | 'unsettled';
  response: string | null;
  expires_at: number;
}

/**
 * The idempotency store in one SQLite file (`DATA_DIR/api.db`), which every API process on the
 * data directory opens: WAL, synchronous=FULL, a 10 s busy timeout, and each claim a
 * `BEGIN IMMEDIATE` transaction (read the record, write the claim), so claims from several
 * processes are serialized by SQLite's write lock. Instants are the machine's: the processes that
 * share a file share its clock. A record past `expires_at` (a pending claim past its lease, a
 * response or an unsettled request past its retention) counts as absent; such records are deleted
 * a batch at a time, at most once a minute, during claims.
 */
export class SqliteIdempotencyStore implements IdempotencyStore {
  private readonly db: Database.Database;
  private readonly find: Database.Statement<[string, string], Row>;
  private readonly upsertClaim: Database.Statement<[string, string, string, string, number]>;
  private readonly renewClaim: Database.Statement<[number, string, string, string]>;
  private readonly completeClaim: Database.Statement<[string, number, string, string, string]>;
  private readonly releaseClaim: Database.Statement<[string, string, string]>;
  private readonly keepClaimUnsettled: Database.Statement<[number, string, string, string]>;
  private readonly purge: Database.Statement<[number, number]>;
  private readonly claimTransaction: (claim: Claim) => ClaimOutcome;
  private readonly now: () => number;
  private nextPurgeAt = 0;

  private constructor(file: string, options: SqliteIdempotencyStoreOptions) {
    this.now = options.now ?? Date.now;
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file, { timeout: 10_000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db
      .transaction(() => {
        this.db.exec(`
          CREATE TABLE IF NOT EXISTS idempotency_keys ${COLUMNS};
          CREATE INDEX IF NOT EXISTS idempotency_keys_expiry ON idempotency_keys (expires_at);
        `);
        this.allowUnsettledRecords();
        this.bringForwardEarlierResponses(options.retentionMs);
      })
      .immediate();
    this.find = this.db.prepare(
      'SELECT fingerprint, state, response, expires_at FROM idempotency_keys WHERE principal = ? AND key = ?',
    );
    this.upsertClaim = this.db.prepare(`
      INSERT INTO idempotency_keys (principal, key, fingerprint, state, owner, response, expires_at) VALUES (?, ?, ?, 'pending', ?, NULL, ?)
      ON CONFLICT (principal, key) DO UPDATE SET fingerprint = excluded.fingerprint, state = 'pending', owner = excluded.owner, response = NULL, expires_at = excluded.expires_at`);
    this.renewClaim = this.db.prepare(
      "UPDATE idempotency_keys SET expires_at = ? WHERE principal = ? AND key = ? AND owner = ? AND state = 'pending'",
    );
    this.completeClaim = this.db.prepare(
      "UPDATE idempotency_keys SET state = 'completed', owner = NULL, response = ?, expires_at = ? WHERE principal = ? AND key = ? AND owner = ? AND state = 'pending'",
    );
    this.releaseClaim = this.db.prepare(
      "DELETE FROM idempotency_keys WHERE principal = ? AND key = ? AND owner = ? AND state = 'pending'",
    );
    this.keepClaimUnsettled = this.db.prepare(
      "UPDATE idempotency_keys SET state = 'unsettled', owner = NULL, expires_at = ? WHERE principal = ? AND key = ? AND owner = ? AND state = 'pending'",
    );
    this.purge = this.db.prepare(
      'DELETE FROM idempotency_keys WHERE rowid IN (SELECT rowid FROM idempotency_keys WHERE expires_at <= ? LIMIT ?)',
    );
    this.claimTransaction = this.db.transaction((claim: Claim): ClaimOutcome => {
      // Read once the write lock is held: a wait for it does not age the instant.
      const now = this.now();
      const row = this.find.get(claim.principal, claim.key);
      // A live record stands, except an unsettled one for a retry of its own request.
      if (row && row.expires_at > now && !(row.state === 'unsettled' && row.fingerprint === claim.fingerprint))
        return outcomeOf(row);
      const leaseUntil = now + claim.leaseMs;
      this.upsertClaim.run(claim.principal, claim.key, claim.fingerprint, claim.owner, leaseUntil);
      return { status: 'claimed', leaseUntil: new Date(leaseUntil) };
    }).immediate;
  }

  static open(file: string, options: SqliteIdempotencyStoreOptions): SqliteIdempotencyStore {
    return new SqliteIdempotencyStore(file, options);
  }

  async claim(claim: Claim): Promise<ClaimOutcome> {
    const outcome = this.claimTransaction(claim);
    this.purgeExpired(this.now());
    return outcome;
  }

  async renew({ principal, key }: IdempotencyKey, owner: string, leaseMs: number): Promise<boolean> {
    return this.renewClaim.run(this.now() + leaseMs, principal, key, owner).changes === 1;
  }

  async complete(
    { principal, key }: IdempotencyKey,
    owner: string,
    response: StoredResponse,
    retentionMs: number,
  ): Promise<boolean> {
    return (
      this.completeClaim.run(JSON.stringify(response), this.now() + retentionMs, principal, key, owner).changes === 1
    );
  }

  async release({ principal, key }: IdempotencyKey, owner: string): Promise<void> {
    this.releaseClaim.run(principal, key, owner);
  }

  async keepUnsettled({ principal, key }: IdempotencyKey, owner: string, retentionMs: number): Promise<boolean> {
    return this.keepClaimUnsettled.run(this.now() + retentionMs, principal, key, owner).changes === 1;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private purgeExpired(at: number): void {
    if (at < this.nextPurgeAt) return;
    const deleted = this.purge.run(at, PURGE_BATCH).changes;
    // A full batch: more are waiting, take the next one at the next claim.
    this.nextPurgeAt = deleted === PURGE_BATCH ? at : at + PURGE_EVERY_MS;
  }

  /**
   * The table as the previous version made it allowed two states: it is rebuilt, records kept, with
   * the check that allows `unsettled` too (SQLite cannot change a check in place).
   */
  private allowUnsettledRecords(): void {
    const table = this.db
      .prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'idempotency_keys'")
      .get();
    if (!table || table.sql.includes("'unsettled'")) return;
    this.db.exec(`
      CREATE TABLE idempotency_keys_next ${COLUMNS};
      INSERT INTO idempotency_keys_next (principal, key, fingerprint, state, owner, response, expires_at)
        SELECT principal, key, fingerprint, state, owner, response, expires_at FROM idempotency_keys;
      DROP TABLE idempotency_keys;
      ALTER TABLE idempotency_keys_next RENAME TO idempotency_keys;
      CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
    `);
  }

  /** The table of the first version kept every first response forever: its rows become completed records, kept for the retention from when they were recorded. */
  private bringForwardEarlierResponses(retentionMs: number): void {
    const earlier = this.db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'idempotent_responses'")
      .get();
    if (!earlier) return;
    const rows = this.db
      .prepare<
        [],
        {
          principal: string;
          key: string;
          fingerprint: string;
          status: number;
          headers: string;
          body: string;
          created_at: string;
        }
      >('SELECT principal, key, fingerprint, status, headers, body, created_at FROM idempotent_responses')
      .all();
    const insert = this.db.prepare<[string, string, string, string, number]>(
      "INSERT INTO idempotency_keys (principal, key, fingerprint, state, owner, response, expires_at) VALUES (?, ?, ?, 'completed', NULL, ?, ?) ON CONFLICT (principal, key) DO NOTHING",
    );
    for (const row of rows) {
      const response: StoredResponse = {
        status: row.status,
        headers: JSON.parse(row.headers) as Record<string, string>,
        body: JSON.parse(row.body),
      };
      insert.run(
        row.principal,
        row.key,
        row.fingerprint,
        JSON.stringify(response),
        Date.parse(row.created_at) + retentionMs,
      );
    }
    this.db.exec('DROP TABLE idempotent_responses');
  }
}

function outcomeOf(row: Row): ClaimOutcome {
  const expiresAt = new Date(row.expires_at);
  switch (row.state) {
    case 'completed':
      return {
        status: 'completed',
        fingerprint: row.fingerprint,
        response: JSON.parse(row.response ?? 'null') as StoredResponse,
        expiresAt,
      };
    case 'unsettled':
      return { status: 'unsettled', fingerprint: row.fingerprint, expiresAt };
    case 'pending':
      return { status: 'pending', fingerprint: row.fingerprint, leaseUntil: expiresAt };
    default: {
      const unknown: never = row.state;
      throw new Error(`Unknown idempotency record state ${String(unknown)}`);
    }
  }
}
