import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  FencedOutError,
  assertMovesFrom,
  assertName,
  leaseAt,
  type Checkpoint,
  type CheckpointMove,
  type DocumentChange,
  type Fence,
  type FindQuery,
  type Interruption,
  type Lease,
  type LiveGeneration,
  type ProjectionGenerations,
  type ProjectionStatus,
  type ReadModelDocument,
  type ReadModelSpace,
  type ReadModelStore,
  type VersionedGeneration,
  type Where,
} from '../read-model-store.port.js';
import { CommitGroup } from './sqlite-commit-group.js';
import { fieldExpression, inCollection, prepareSchema } from './sqlite-schema.js';

/**
 * The database's clock, in epoch milliseconds: lease times never come from a caller (SQLite reads
 * the clock once per statement, so one statement sees one instant).
 */
const NOW_MS = "CAST(unixepoch('subsec') * 1000 AS INTEGER)";

interface GenerationsRow {
  projection: string;
  live_generation: number;
  live_version: number;
  building_generation: number | null;
  building_version: number | null;
}

interface CheckpointRow {
  projection: string;
  commit_pos: string | null;
  prepare_pos: string | null;
  failed_commit: string | null;
  failed_prepare: string | null;
  failure: string | null;
  interruption: string | null;
}

/**
 * The embedded read-model store: documents as JSON in one SQLite file (WAL), each batch and its
 * checkpoint in one transaction, which the batches committed in the same turn of the event loop
 * (every projection's, as a projector's runners end them together) share (sqlite-commit-group.ts).
 * Tables and query indexes: sqlite-schema.ts. Survives restarts, so the projector resumes where it
 * stopped. Writes are fsynced at NORMAL: a read model can always be rebuilt from the event log.
 */
export class SqliteReadModelStore implements ReadModelStore {
  readonly db: Database.Database;
  private readonly commits: CommitGroup;

  private constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file, { timeout: 10_000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    prepareSchema(this.db);
    this.commits = new CommitGroup(this.db);
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
      .prepare(
        "INSERT INTO meta (key, value) VALUES ('active-generation', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      )
      .run(String(generation));
  }

  space(generation: number): ReadModelSpace {
    return new SqliteSpace(this.db, generation, this.commits);
  }

  async drop(generation: number): Promise<void> {
    if (generation === (await this.activeGeneration()))
      throw new Error(`Generation ${generation} is active; it cannot be dropped`);
    this.db.transaction(() => {
      const live = this.db
        .prepare<[number], { projection: string }>(
          'SELECT projection FROM projection_generations WHERE live_generation = ?',
        )
        .get(generation);
      if (live) throw new Error(`Generation ${generation} is live for ${live.projection}; it cannot be dropped`);
      this.db.prepare('DELETE FROM documents WHERE generation = ?').run(generation);
      this.db.prepare('DELETE FROM checkpoints WHERE generation = ?').run(generation);
    })();
  }

  async projectionGenerations(): Promise<ProjectionGenerations[]> {
    return this.db
      .prepare<[], GenerationsRow>('SELECT * FROM projection_generations ORDER BY projection')
      .all()
      .map((row) => ({
        projection: row.projection,
        live: { generation: row.live_generation, version: row.live_version },
        building:
          row.building_generation !== null && row.building_version !== null
            ? { generation: row.building_generation, version: row.building_version }
            : null,
      }));
  }

  async newGeneration(): Promise<number> {
    // Under the write lock: two processes asking at once get two numbers.
    return this.db
      .transaction(() => {
        const highest = this.db
          .prepare<[], { n: number | null }>(
            "SELECT max(n) AS n FROM (SELECT CAST(value AS INTEGER) AS n FROM meta WHERE key IN ('active-generation', 'last-generation') " +
              'UNION ALL SELECT max(generation) FROM documents UNION ALL SELECT max(generation) FROM checkpoints ' +
              'UNION ALL SELECT max(live_generation) FROM projection_generations ' +
              'UNION ALL SELECT max(building_generation) FROM projection_generations)',
          )
          .get();
        const next = Math.max(highest?.n ?? 0, 1) + 1;
        this.db
          .prepare(
            "INSERT INTO meta (key, value) VALUES ('last-generation', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
          )
          .run(String(next));
        return next;
      })
      .immediate();
  }

  async recordBuilding(
    projection: string,
    building: VersionedGeneration | null,
    fence: Fence | null = null,
  ): Promise<void> {
    assertName('projection', projection);
    if (building) assertVersioned(building);
    const active = await this.activeGeneration();
    this.db
      .transaction(() => {
        assertFenceIn(this.db, fence);
        this.db
          .prepare(
            'INSERT INTO projection_generations (projection, live_generation, live_version, building_generation, building_version) ' +
              'VALUES (?, ?, 1, ?, ?) ON CONFLICT (projection) DO UPDATE SET ' +
              'building_generation = excluded.building_generation, building_version = excluded.building_version',
          )
          .run(projection, active, building?.generation ?? null, building?.version ?? null);
      })
      .immediate();
  }

  async makeLive(live: readonly LiveGeneration[], fence: Fence | null = null): Promise<void> {
    for (const { projection, generation, version } of live) {
      assertName('projection', projection);
      assertVersioned({ generation, version });
    }
    this.db
      .transaction(() => {
        assertFenceIn(this.db, fence);
        const upsert = this.db.prepare(
          'INSERT INTO projection_generations (projection, live_generation, live_version) VALUES (@projection, @generation, @version) ' +
            'ON CONFLICT (projection) DO UPDATE SET live_generation = excluded.live_generation, live_version = excluded.live_version, ' +
            'building_generation = CASE WHEN building_generation = excluded.live_generation THEN NULL ELSE building_generation END, ' +
            'building_version = CASE WHEN building_generation = excluded.live_generation THEN NULL ELSE building_version END',
        );
        for (const entry of live) upsert.run(entry);
      })
      .immediate();
  }

  async dropProjection(generation: number, projection: string, collections: readonly string[]): Promise<void> {
    assertName('projection', projection);
    for (const collection of collections) assertName('collection', collection);
    const active = await this.activeGeneration();
    this.db
      .transaction(() => {
        const row = this.db
          .prepare<[string], { live_generation: number }>(
            'SELECT live_generation FROM projection_generations WHERE projection = ?',
          )
          .get(projection);
        if ((row?.live_generation ?? active) === generation)
          throw new Error(`Generation ${generation} is live for ${projection}; it cannot be dropped`);
        const remove = this.db.prepare('DELETE FROM documents WHERE generation = ? AND collection = ?');
        for (const collection of collections) remove.run(generation, collection);
        this.db.prepare('DELETE FROM checkpoints WHERE generation = ? AND projection = ?').run(generation, projection);
      })
      .immediate();
  }

  async generations(): Promise<number[]> {
    const found = new Set(
      this.db
        .prepare<[], { generation: number }>('SELECT DISTINCT generation FROM checkpoints')
        .all()
        .map((r) => r.generation),
    );
    // One seek along the primary key per generation, not a pass over every document.
    const next = this.db.prepare<[number], { generation: number }>(
      'SELECT generation FROM documents WHERE generation > ? ORDER BY generation LIMIT 1',
    );
    for (let row = next.get(-1); row; row = next.get(row.generation)) found.add(row.generation);
    return [...found].sort((a, b) => a - b);
  }

  async acquireLease(name: string, owner: string, ttlMs: number): Promise<Lease | null> {
    if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) throw new Error(`Invalid lease term ${String(ttlMs)} ms`);
    // One statement: SQLite's write lock makes the check and the take one step across processes,
    // and its clock is read once for all of it. A renewal keeps the epoch; any other take starts a term.
    const row = this.db
      .prepare<[{ name: string; owner: string; ttl: number }], { owner: string; epoch: number; expires_at: number }>(
        `INSERT INTO leases (name, owner, expires_at, epoch) VALUES (@name, @owner, ${NOW_MS} + @ttl, 1) ` +
          'ON CONFLICT (name) DO UPDATE SET ' +
          `epoch = CASE WHEN leases.owner = excluded.owner AND leases.expires_at > ${NOW_MS} THEN leases.epoch ELSE leases.epoch + 1 END, ` +
          'owner = excluded.owner, expires_at = excluded.expires_at ' +
          `WHERE leases.owner = excluded.owner OR leases.expires_at <= ${NOW_MS} ` +
          'RETURNING owner, epoch, expires_at',
      )
      .get({ name, owner, ttl: ttlMs });
    return row ? { name, owner: row.owner, epoch: row.epoch, expiresAt: new Date(row.expires_at) } : null;
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    // Ended, not deleted: the epoch must keep growing across every owner the lease ever has.
    if (this.db.open)
      this.db
        .prepare(`UPDATE leases SET expires_at = ${NOW_MS} WHERE name = ? AND owner = ? AND expires_at > ${NOW_MS}`)
        .run(name, owner);
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
    private readonly commits: CommitGroup,
  ) {
    this.prepare = preparedOnce(db);
  }

  async get(collection: string, id: string): Promise<ReadModelDocument | null> {
    assertName('collection', collection);
    const row = this.prepare<[number, string, string], { body: string }>(
      'SELECT body FROM documents WHERE generation = ? AND collection = ? AND id = ?',
    ).get(this.generation, collection, id);
    return row ? (JSON.parse(row.body) as ReadModelDocument) : null;
  }

  async getMany(collection: string, ids: readonly string[]): Promise<Map<string, ReadModelDocument>> {
    assertName('collection', collection);
    const found = new Map<string, ReadModelDocument>();
    // The ids go in as one JSON array: one statement, whatever their number.
    const rows = this.prepare<[number, string, string], { id: string; body: string }>(
      'SELECT id, body FROM documents WHERE generation = ? AND collection = ? AND id IN (SELECT value FROM json_each(?))',
    ).all(this.generation, collection, JSON.stringify(ids));
    for (const row of rows) found.set(row.id, JSON.parse(row.body) as ReadModelDocument);
    return found;
  }

  async find(collection: string, query: FindQuery = {}): Promise<ReadModelDocument[]> {
    assertName('collection', collection);
    const { clause, values } = whereClause(query.where);
    const order = (query.orderBy ?? []).map(({ field, direction }) => {
      assertName('field', field);
      return `${fieldExpression(field)} ${direction === 'desc' ? 'DESC' : 'ASC'}`;
    });
    // The collection as a literal: what matches a query to its partial index (sqlite-schema.ts).
    const sql =
      `SELECT body FROM documents WHERE generation = ? AND ${inCollection(collection)}${clause}` +
      ` ORDER BY ${[...order, 'id ASC'].join(', ')} LIMIT ? OFFSET ?`;
    const rows = this.prepare<unknown[], { body: string }>(sql).all(
      this.generation,
      ...values,
      query.limit ?? -1,
      query.offset ?? 0,
    );
    return rows.map((r) => JSON.parse(r.body) as ReadModelDocument);
  }

  async count(collection: string, where?: Where): Promise<number> {
    assertName('collection', collection);
    const { clause, values } = whereClause(where);
    const row = this.prepare<unknown[], { n: number }>(
      `SELECT count(*) AS n FROM documents WHERE generation = ? AND ${inCollection(collection)}${clause}`,
    ).get(this.generation, ...values);
    return row?.n ?? 0;
  }

  async all(collection: string): Promise<Array<{ id: string; document: ReadModelDocument }>> {
    assertName('collection', collection);
    return this.prepare<[number, string], { id: string; body: string }>(
      'SELECT id, body FROM documents WHERE generation = ? AND collection = ? ORDER BY id',
    )
      .all(this.generation, collection)
      .map((r) => ({ id: r.id, document: JSON.parse(r.body) as ReadModelDocument }));
  }

  async collections(): Promise<string[]> {
    return this.prepare<[number], { collection: string }>(
      'SELECT DISTINCT collection FROM documents WHERE generation = ? ORDER BY collection',
    )
      .all(this.generation)
      .map((r) => r.collection);
  }

  async commit(
    projection: string,
    changes: readonly DocumentChange[],
    move: CheckpointMove,
    fence: Fence | null = null,
  ): Promise<void> {
    assertName('projection', projection);
    for (const change of changes) assertName('collection', change.collection);
    const upsert = this.prepare(
      'INSERT INTO documents (generation, collection, id, body) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (generation, collection, id) DO UPDATE SET body = excluded.body',
    );
    const remove = this.prepare('DELETE FROM documents WHERE generation = ? AND collection = ? AND id = ?');
    const checkpoint = move.to;
    const documents = changes.map(({ collection, id, document }) => ({
      collection,
      id,
      body: document === null ? null : JSON.stringify(document),
    }));
    // With the other projections' commits of this turn, in one IMMEDIATE transaction (sqlite-commit-group.ts):
    // the write lock is taken first, so the fence and the checkpoint read here cannot change before
    // the batch is written (a lease taken over meanwhile waits for this transaction).
    await this.commits.submit(() => {
      this.assertFence(fence);
      assertMovesFrom(projection, toStatus(projection, this.checkpointRow(projection)).checkpoint, move);
      for (const { collection, id, body } of documents) {
        if (body === null) remove.run(this.generation, collection, id);
        else upsert.run(this.generation, collection, id, body);
      }
      this.prepare(
        'INSERT INTO checkpoints (generation, projection, commit_pos, prepare_pos, failed_commit, failed_prepare, failure, interruption) ' +
          'VALUES (?, ?, ?, ?, NULL, NULL, NULL, NULL) ON CONFLICT (generation, projection) DO UPDATE SET ' +
          'commit_pos = excluded.commit_pos, prepare_pos = excluded.prepare_pos, failed_commit = NULL, failed_prepare = NULL, failure = NULL, interruption = NULL',
      ).run(this.generation, projection, checkpoint.commit, checkpoint.prepare);
    });
  }

  async claim(projection: string, fence: Fence): Promise<ProjectionStatus> {
    assertName('projection', projection);
    // Nothing to write: every commit checks the lease's epoch under the write lock.
    return this.db.transaction(() => {
      this.assertFence(fence);
      return toStatus(projection, this.checkpointRow(projection));
    })();
  }

  async status(projection: string): Promise<ProjectionStatus> {
    return toStatus(projection, this.checkpointRow(projection));
  }

  async statuses(): Promise<ProjectionStatus[]> {
    return this.prepare<[number], CheckpointRow>('SELECT * FROM checkpoints WHERE generation = ? ORDER BY projection')
      .all(this.generation)
      .map((row) => toStatus(row.projection, row));
  }

  async recordFailure(projection: string, at: Checkpoint, message: string, fence: Fence | null = null): Promise<void> {
    assertName('projection', projection);
    this.db
      .transaction(() => {
        this.assertFence(fence);
        this.prepare(
          'INSERT INTO checkpoints (generation, projection, failed_commit, failed_prepare, failure) VALUES (?, ?, ?, ?, ?) ' +
            'ON CONFLICT (generation, projection) DO UPDATE SET failed_commit = excluded.failed_commit, ' +
            'failed_prepare = excluded.failed_prepare, failure = excluded.failure, interruption = NULL',
        ).run(this.generation, projection, at.commit, at.prepare, message);
      })
      .immediate();
  }

  async recordInterruption(
    projection: string,
    interruption: Interruption | null,
    fence: Fence | null = null,
  ): Promise<void> {
    assertName('projection', projection);
    this.db
      .transaction(() => {
        this.assertFence(fence);
        this.prepare(
          'INSERT INTO checkpoints (generation, projection, interruption) VALUES (?, ?, ?) ' +
            'ON CONFLICT (generation, projection) DO UPDATE SET interruption = excluded.interruption',
        ).run(this.generation, projection, interruption === null ? null : JSON.stringify(interruption));
      })
      .immediate();
  }

  private assertFence(fence: Fence | null): void {
    assertFenceIn(this.db, fence);
  }

  private checkpointRow(projection: string): CheckpointRow | undefined {
    return this.prepare<[number, string], CheckpointRow>(
      'SELECT * FROM checkpoints WHERE generation = ? AND projection = ?',
    ).get(this.generation, projection);
  }
}

/** Inside a transaction: the fence's epoch must still be its lease's. */
function assertFenceIn(db: Database.Database, fence: Fence | null): void {
  if (fence === null) return;
  const row = preparedOnce(db)<[string], { epoch: number }>('SELECT epoch FROM leases WHERE name = ?').get(fence.lease);
  if (row?.epoch !== fence.epoch) throw new FencedOutError(fence, leaseAt(row?.epoch));
}

function assertVersioned({ generation, version }: VersionedGeneration): void {
  if (!Number.isSafeInteger(generation) || generation < 1) throw new Error(`Invalid generation ${String(generation)}`);
  if (!Number.isSafeInteger(version) || version < 1) throw new Error(`Invalid version ${String(version)}`);
}

function whereClause(where: Where | undefined): { clause: string; values: unknown[] } {
  const entries = Object.entries(where ?? {});
  const parts: string[] = [];
  const values: unknown[] = [];
  for (const [field, value] of entries) {
    assertName('field', field);
    if (value === null) {
      parts.push(`${fieldExpression(field)} IS NULL`);
    } else {
      parts.push(`${fieldExpression(field)} = ?`);
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
    ...(row?.interruption ? { interruption: JSON.parse(row.interruption) as Interruption } : {}),
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
      // Collections, filters and orders make a bounded set of texts; a runaway set is not kept.
      if (statements.size < 500) statements.set(sql, statement);
    }
    return statement;
  }) as Database.Database['prepare'];
}
