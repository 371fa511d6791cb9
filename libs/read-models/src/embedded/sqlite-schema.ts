/**
 * The embedded read-model store's tables and indexes (sqlite-read-model-store.ts uses them).
 *
 * Every generation's documents share one table. The indexes the queries need are partial, each
 * over the one collection it serves (`WHERE collection = 'bids'`): a document is indexed only on
 * the fields of its own collection's queries (a bid on two, a dashboard on none) instead of on
 * every indexed field of any collection, which was most of the cost of writing it. A query names
 * its collection as a literal (names are checked), which is what lets SQLite match it to the
 * partial index.
 *
 * The indexes are kept up to date as documents are written, a rebuild's included: building them
 * after its bulk load instead was measured slower here, since SQLite builds each index with a
 * pass over the whole table, parsing every body it covers again, where a write parses its body
 * once for all of its collection's indexes.
 */
import type Database from 'better-sqlite3';
import { assertName } from '../read-model-store.port.js';

export const SCHEMA = `
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
    interruption   TEXT,
    PRIMARY KEY (generation, projection)
  ) STRICT;
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
  CREATE TABLE IF NOT EXISTS projection_generations (
    projection          TEXT    PRIMARY KEY,
    live_generation     INTEGER NOT NULL,
    live_version        INTEGER NOT NULL,
    building_generation INTEGER,
    building_version    INTEGER
  ) STRICT;
  CREATE TABLE IF NOT EXISTS leases (
    name       TEXT    PRIMARY KEY,
    owner      TEXT    NOT NULL,
    expires_at INTEGER NOT NULL,
    epoch      INTEGER NOT NULL DEFAULT 0
  ) STRICT;
`;

/** Columns added since the first schema: a file written by an older build gets them when opened. */
const ADDED_COLUMNS: ReadonlyArray<readonly [table: string, column: string, definition: string]> = [
  ['checkpoints', 'interruption', 'TEXT'],
  ['leases', 'epoch', 'INTEGER NOT NULL DEFAULT 0'],
];

/**
 * What the queries filter on, per collection: each list is one index, its fields in order (a
 * filter on the first, then the order of the rest), ending with the id so equal keys keep a stable
 * order. A call's bids by arrival (a click day's 100,000 of them), claims by submission.
 */
export const QUERY_INDEXES: Readonly<Record<string, ReadonlyArray<ReadonlyArray<string>>>> = {
  calls: [['status'], ['measureId'], ['programmeId']],
  bids: [['callId', 'arrivalKey'], ['subjectId']],
  grants: [['callId'], ['status'], ['subjectId']],
  expenditure_claims: [['status', 'submittedAt'], ['callId']],
};

/** The JSON expression a query and an index share for a document field. */
export function fieldExpression(field: string): string {
  assertName('field', field);
  return `json_extract(body, '$.${field}')`;
}

/** The rows of one collection, its name as a literal: the condition its partial indexes are made for. */
export function inCollection(collection: string): string {
  assertName('collection', collection);
  return `collection = '${collection}'`;
}

/** Every query index, as made in this build. */
export function queryIndexes(): Array<{ name: string; sql: string }> {
  const indexes: Array<{ name: string; sql: string }> = [];
  for (const [collection, specs] of Object.entries(QUERY_INDEXES)) {
    for (const fields of specs) {
      const name = `documents_of_${collection}_by_${fields.join('_')}`;
      // Generation and collection lead (the collection is the same in every entry): SQLite's
      // planner, which keeps no statistics here, then rates the index above the primary key.
      const columns = ['generation', 'collection', ...fields.map(fieldExpression), 'id'].join(', ');
      indexes.push({ name, sql: `CREATE INDEX ${name} ON documents (${columns}) WHERE ${inCollection(collection)}` });
    }
  }
  return indexes;
}

/** The indexes on documents besides its primary key, by name. */
export function documentIndexes(db: Database.Database): string[] {
  return db
    .prepare<[], { name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'documents' AND sql IS NOT NULL ORDER BY name",
    )
    .all()
    .map((r) => r.name);
}

/**
 * Tables, added columns and query indexes. What is missing is made in one write transaction, so
 * processes opening the same file at once do it one after the other; a file that has it all is
 * only read. Query indexes this build no longer makes (those of earlier builds: `documents_by_*`,
 * over every collection) are dropped; indexes of other names are left alone.
 */
export function prepareSchema(db: Database.Database): void {
  db.exec(SCHEMA);
  const wanted = queryIndexes();
  const upToDate = () => {
    const ours = documentIndexes(db).filter((name) => /^documents_(by|of)_/.test(name));
    return (
      ADDED_COLUMNS.every(([table, column]) => hasColumn(db, table, column)) &&
      ours.length === wanted.length &&
      wanted.every(({ name }) => ours.includes(name))
    );
  };
  if (upToDate()) return;
  db.transaction(() => {
    for (const [table, column, definition] of ADDED_COLUMNS)
      if (!hasColumn(db, table, column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
    const existing = documentIndexes(db);
    for (const name of existing)
      if (/^documents_(by|of)_/.test(name) && !wanted.some((w) => w.name === name)) db.exec(`DROP INDEX ${name}`);
    for (const { name, sql } of wanted) if (!existing.includes(name)) db.exec(sql);
  }).immediate();
}

function hasColumn(db: Database.Database, table: string, column: string): boolean {
  return db
    .prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table}')`)
    .all()
    .some((c) => c.name === column);
}
