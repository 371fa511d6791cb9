import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export interface StoredResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

export type IdempotentOutcome =
  | { readonly kind: 'first'; readonly response: StoredResponse }
  | { readonly kind: 'replay'; readonly response: StoredResponse };

export class IdempotencyKeyReusedError extends Error {
  override readonly name = 'IdempotencyKeyReusedError';
  readonly code = 'IDEMPOTENCY_KEY_REUSED';

  constructor(key: string) {
    super(`Idempotency-Key ${JSON.stringify(key)} was already used for a different request`);
  }
}

/**
 * The first successful response to each (principal, Idempotency-Key), kept in SQLite under
 * DATA_DIR so retries are answered the same across restarts. A request fingerprint (method, path,
 * body) tells a retry from a different request reusing the key. Requests with the same key that
 * arrive while the first is running wait for it. Failures are not kept: they wrote nothing and
 * may be retried.
 */
export class IdempotencyStore {
  private readonly db: Database.Database;
  private readonly running = new Map<string, Promise<IdempotentOutcome>>();
  private readonly find: Database.Statement<[string, string], { fingerprint: string; status: number; headers: string; body: string }>;
  private readonly insert: Database.Statement<[string, string, string, number, string, string, string]>;

  constructor(file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file, { timeout: 10_000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS idempotent_responses (
      principal TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL,
      status INTEGER NOT NULL, headers TEXT NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL,
      PRIMARY KEY (principal, key)) STRICT`);
    this.find = this.db.prepare('SELECT fingerprint, status, headers, body FROM idempotent_responses WHERE principal = ? AND key = ?');
    this.insert = this.db.prepare(
      'INSERT INTO idempotent_responses (principal, key, fingerprint, status, headers, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
  }

  async run(principal: string, key: string, fingerprint: string, execute: () => Promise<StoredResponse>): Promise<IdempotentOutcome> {
    const slot = `${principal}\u0000${key}`;
    for (;;) {
      const running = this.running.get(slot);
      if (!running) break;
      await running.catch(() => undefined);
    }
    const stored = this.find.get(principal, key);
    if (stored) {
      if (stored.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError(key);
      return { kind: 'replay', response: { status: stored.status, headers: JSON.parse(stored.headers), body: JSON.parse(stored.body) } };
    }
    const attempt = (async (): Promise<IdempotentOutcome> => {
      const response = await execute();
      this.insert.run(principal, key, fingerprint, response.status, JSON.stringify(response.headers), JSON.stringify(response.body), new Date().toISOString());
      return { kind: 'first', response };
    })();
    this.running.set(slot, attempt);
    try {
      return await attempt;
    } finally {
      this.running.delete(slot);
    }
  }

  close(): void {
    this.db.close();
  }
}
