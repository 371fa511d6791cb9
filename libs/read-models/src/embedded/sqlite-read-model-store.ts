import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { comparePositions } from '@app/event-store';
import {
  StaleCheckpointError,
  assertName,
  checkpointPosition,
  type Checkpoint,
  type DocumentChange,
  type FindQuery,
  type ProjectionStatus,
  type ReadModelDocument,
  type ReadModelSpace,
  type ReadModelStore,
  type Where,
} from '../read-model-store.port.js';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS documents (
    generation INTEGER NOT NULL,
    collection TEXT    NOT NULL,
    id         TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    PRIMARY KEY (generation, collection, id)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS checkpoints (
    generation     INTEGER NOT NULL,
    projection     TEXT    NOT NULL,
    commit_pos     TEXT,
    prepare_pos    TEXT,
    failed_commit  TEXT,
    failed_prepare TEXT,
    failure        TEXT,
    PRIMARY KEY (generation, projection)
  ) STRICT;
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
  CREATE TABLE IF NOT EXISTS leases (name TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at INTEGER NOT NULL) STRICT;
`;

/** Fields the queries filter on, indexed inside the JSON bodies. */
const INDEXED_FIELDS = ['callId', 'status', 'programmeId', 'measureId', 'subjectId'];
/** Lists read in the order of a field within one filter: a call's bids by arrival (a click day's 100,000 of them), claims by submission. */
const ORDERED_INDEXES: ReadonlyArray<readonly [string, string]> = [
  ['callId', 'arrivalKey'],
  ['status', 'submittedAt'],
];

interface CheckpointRow {
  projection: string;
  commit_pos: string | null;
  prepare_pos: string | null;
  failed_commit: string | null;
  failed_prepare: string | null;
  failure: string | null;
}

/**
 * The embedded read-model store: documents as JSON in one SQLite file (WAL), each batch and its
 * checkpoint in one transaction. Survives restarts, so the projector resumes where it stopped.
 * Writes are fsynced at NORMAL: a read model can always be rebuilt from the event log.
 */
export class SqliteReadModelStore implements ReadModelStore {
  readonly db: Database.Database;

  private constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file, { timeout: 10_000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    for (const field of INDEXED_FIELDS) {
      this.db.exec(
        `CREATE INDEX IF NOT EXISTS documents_by_${field} ON documents (generation, collection, json_extract(body, '$.${field}'))`,
      );
    }
    for (const [field, order] of ORDERED_INDEXES) {
      this.db.exec(
        `CREATE INDEX IF NOT EXISTS documents_by_${field}_${order} ON documents (generation, collection, json_extract(body, '$.${field}'), json_extract(body, '$.${order}'), id)`,
      );
    }
  }

  static open(file: string): SqliteReadModelStore {
    return new SqliteReadModelStore(file);
  }

  async activeGeneration(): Promise<number> {
    const row = this.db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'active-generation'").get();
    return row ? Number(row.value) : 1;
  }

  async activate(generation: number): Promise<void> {
    this.db
      .prepare("INSERT INTO meta (key, value) VALUES ('active-generation', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
      .run(String(generation));
  }

  space(generation: number): ReadModelSpace {
    return new SqliteSpace(this.db, generation);
  }

  async drop(generation: number): Promise<void> {
    if (generation === (await this.activeGeneration())) throw new Error(`Generation ${generation} is active; it cannot be dropped`);
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM documents WHERE generation = ?').run(generation);
      this.db.prepare('DELETE FROM checkpoints WHERE generation = ?').run(generation);
    })();
  }

  async generations(): Promise<number[]> {
    const rows = this.db
      .prepare<[], { generation: number }>(
        'SELECT generation FROM checkpoints UNION SELECT generation FROM documents GROUP BY generation ORDER BY generation',
      )
      .all();
    return rows.map((r) => r.generation);
  }

  async acquireLease(name: string, owner: string, ttlMs: number, now: Date): Promise<boolean> {
    // One statement: SQLite's write lock makes the check and the take one step across processes.
    const taken = this.db
      .prepare(
        'INSERT INTO leases (name, owner, expires_at) VALUES (?, ?, ?) ' +
          'ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at WHERE leases.owner = excluded.owner OR leases.expires_at <= ?',
      )
      .run(name, owner, now.getTime() + ttlMs, now.getTime());
    return taken.changes === 1;
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    if (this.db.open) this.db.prepare('DELETE FROM leases WHERE name = ? AND owner = ?').run(name, owner);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

class SqliteSpace implements ReadModelSpace {
  private readonly prepare: Database.Database['prepare'];

  constructor(
    private readonly db: Database.Database,
    readonly generation: number,
  ) {
    this.prepare = preparedOnce(db);
  }

  async get(collection: string, id: string): Promise<ReadModelDocument | null> {
    assertName('collection', collection);
    const row = this.prepare<[number, string, string], { body: string }>('SELECT body FROM documents WHERE generation = ? AND collection = ? AND id = ?')
      .get(this.generation, collection, id);
    return row ? (JSON.parse(row.body) as ReadModelDocument) : null;
  }

  async find(collection: string, query: FindQuery = {}): Promise<ReadModelDocument[]> {
    assertName('collection', collection);
    const { clause, values } = whereClause(query.where);
    const order = (query.orderBy ?? []).map(({ field, direction }) => {
      assertName('field', field);
      return `json_extract(body, '$.${field}') ${direction === 'desc' ? 'DESC' : 'ASC'}`;
    });
    const sql =
      `SELECT body FROM documents WHERE generation = ? AND collection = ?${clause}` +
      ` ORDER BY ${[...order, 'id ASC'].join(', ')} LIMIT ? OFFSET ?`;
    const rows = this.prepare<unknown[], { body: string }>(sql)
      .all(this.generation, collection, ...values, query.limit ?? -1, query.offset ?? 0);
    return rows.map((r) => JSON.parse(r.body) as ReadModelDocument);
  }

  async count(collection: string, where?: Where): Promise<number> {
    assertName('collection', collection);
    const { clause, values } = whereClause(where);
    const row = this.prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM documents WHERE generation = ? AND collection = ?${clause}`)
      .get(this.generation, collection, ...values);
    return row?.n ?? 0;
  }

  async all(collection: string): Promise<Array<{ id: string; document: ReadModelDocument }>> {
    assertName('collection', collection);
    return this.prepare<[number, string], { id: string; body: string }>('SELECT id, body FROM documents WHERE generation = ? AND collection = ? ORDER BY id')
      .all(this.generation, collection)
      .map((r) => ({ id: r.id, document: JSON.parse(r.body) as ReadModelDocument }));
  }

  async collections(): Promise<string[]> {
    return this.prepare<[number], { collection: string }>('SELECT DISTINCT collection FROM documents WHERE generation = ? ORDER BY collection')
      .all(this.generation)
      .map((r) => r.collection);
  }

  async commit(projection: string, changes: readonly DocumentChange[], checkpoint: Checkpoint): Promise<void> {
    assertName('projection', projection);
    for (const change of changes) assertName('collection', change.collection);
    const upsert = this.prepare(
      'INSERT INTO documents (generation, collection, id, body) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (generation, collection, id) DO UPDATE SET body = excluded.body',
    );
    const remove = this.prepare('DELETE FROM documents WHERE generation = ? AND collection = ? AND id = ?');
    this.db
      .transaction(() => {
        const stored = this.checkpointRow(projection);
        if (stored?.commit_pos && stored.prepare_pos) {
          const current = { commit: stored.commit_pos, prepare: stored.prepare_pos };
          if (comparePositions(checkpointPosition(current), checkpointPosition(checkpoint)) >= 0) throw new StaleCheckpointError(projection, current, checkpoint);
        }
        for (const { collection, id, document } of changes) {
          if (document === null) remove.run(this.generation, collection, id);
          else upsert.run(this.generation, collection, id, JSON.stringify(document));
        }
        this.prepare(
            'INSERT INTO checkpoints (generation, projection, commit_pos, prepare_pos, failed_commit, failed_prepare, failure) ' +
              'VALUES (?, ?, ?, ?, NULL, NULL, NULL) ON CONFLICT (generation, projection) DO UPDATE SET ' +
              'commit_pos = excluded.commit_pos, prepare_pos = excluded.prepare_pos, failed_commit = NULL, failed_prepare = NULL, failure = NULL',
          )
          .run(this.generation, projection, checkpoint.commit, checkpoint.prepare);
      })
      .immediate();
  }

  async status(projection: string): Promise<ProjectionStatus> {
    return toStatus(projection, this.checkpointRow(projection));
  }

  async statuses(): Promise<ProjectionStatus[]> {
    return this.prepare<[number], CheckpointRow>('SELECT * FROM checkpoints WHERE generation = ? ORDER BY projection')
      .all(this.generation)
      .map((row) => toStatus(row.projection, row));
  }

  async recordFailure(projection: string, at: Checkpoint, message: string): Promise<void> {
    this.prepare(
        'INSERT INTO checkpoints (generation, projection, failed_commit, failed_prepare, failure) VALUES (?, ?, ?, ?, ?) ' +
          'ON CONFLICT (generation, projection) DO UPDATE SET failed_commit = excluded.failed_commit, ' +
          'failed_prepare = excluded.failed_prepare, failure = excluded.failure',
      )
      .run(this.generation, projection, at.commit, at.prepare, message);
  }

  private checkpointRow(projection: string): CheckpointRow | undefined {
    return this.prepare<[number, string], CheckpointRow>('SELECT * FROM checkpoints WHERE generation = ? AND projection = ?')
      .get(this.generation, projection);
  }
}

function whereClause(where: Where | undefined): { clause: string; values: unknown[] } {
  const entries = Object.entries(where ?? {});
  const parts: string[] = [];
  const values: unknown[] = [];
  for (const [field, value] of entries) {
    assertName('field', field);
    if (value === null) {
      parts.push(`json_extract(body, '$.${field}') IS NULL`);
    } else {
      parts.push(`json_extract(body, '$.${field}') = ?`);
      values.push(typeof value === 'boolean' ? (value ? 1 : 0) : value);
    }
  }
  return { clause: parts.map((p) => ` AND ${p}`).join(''), values };
}

function toStatus(projection: string, row: CheckpointRow | undefined): ProjectionStatus {
  return {
    projection,
    checkpoint: row?.commit_pos && row.prepare_pos ? { commit: row.commit_pos, prepare: row.prepare_pos } : null,
    failure:
      row?.failure && row.failed_commit && row.failed_prepare
        ? { at: { commit: row.failed_commit, prepare: row.failed_prepare }, message: row.failure }
        : null,
  };
}

const statementCaches = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** `db.prepare`, each SQL text compiled once per connection: a catch-up asks for the same few statements a million times. */
function preparedOnce(db: Database.Database): Database.Database['prepare'] {
  let cache = statementCaches.get(db);
  if (!cache) statementCaches.set(db, (cache = new Map()));
  const statements = cache;
  return ((sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      // Filters and orders make a bounded set of texts; a runaway set is not kept.
      if (statements.size < 500) statements.set(sql, statement);
    }
    return statement;
  }) as Database.Database['prepare'];
}
