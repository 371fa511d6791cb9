/**
 * The embedded store on real files: a file written by an earlier build gets this build's indexes
 * and keeps its documents; the product's lists use those indexes; the commits of one turn are one
 * transaction.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { FindQuery } from '../read-model-store.port.js';
import { SqliteReadModelStore } from './sqlite-read-model-store.js';
import { QUERY_INDEXES, documentIndexes, queryIndexes } from './sqlite-schema.js';

const cp = (n: number) => ({ commit: String(n), prepare: String(n) });

/** The schema and indexes of the build before the partial indexes, as its files have them. */
function writeEarlierBuildFile(file: string): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(`
    CREATE TABLE documents (generation INTEGER NOT NULL, collection TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL,
      PRIMARY KEY (generation, collection, id)) STRICT, WITHOUT ROWID;
    CREATE TABLE checkpoints (generation INTEGER NOT NULL, projection TEXT NOT NULL, commit_pos TEXT, prepare_pos TEXT,
      failed_commit TEXT, failed_prepare TEXT, failure TEXT, interruption TEXT, PRIMARY KEY (generation, projection)) STRICT;
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
    CREATE TABLE leases (name TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at INTEGER NOT NULL, epoch INTEGER NOT NULL DEFAULT 0) STRICT;
    CREATE INDEX documents_by_callId ON documents (generation, collection, json_extract(body, '$.callId'));
    CREATE INDEX documents_by_status ON documents (generation, collection, json_extract(body, '$.status'));
    CREATE INDEX documents_by_callId_arrivalKey ON documents (generation, collection, json_extract(body, '$.callId'), json_extract(body, '$.arrivalKey'), id);
    CREATE INDEX an_operators_own ON documents (id);
  `);
  const insert = db.prepare('INSERT INTO documents VALUES (1, ?, ?, ?)');
  for (let i = 0; i < 30; i++)
    insert.run('bids', `b${i}`, JSON.stringify({ bidId: `b${i}`, callId: `c${i % 3}`, arrivalKey: String(100 - i) }));
  db.prepare(
    "INSERT INTO checkpoints (generation, projection, commit_pos, prepare_pos) VALUES (1, 'bid-summaries', '30', '30')",
  ).run();
  db.close();
}

describe('the embedded read-model store on its files', () => {
  let dir: string;
  let store: SqliteReadModelStore | null;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sqlite-read-models-'));
    store = null;
  });
  afterEach(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("replaces an earlier build's indexes with its own, keeping the documents and leaving other indexes alone", async () => {
    const file = join(dir, 'read-models.db');
    writeEarlierBuildFile(file);
    store = SqliteReadModelStore.open(file);
    expect(documentIndexes(store.db)).toEqual([...queryIndexes().map((i) => i.name), 'an_operators_own'].sort());
    const space = store.space(1);
    const page = await space.find('bids', {
      where: { callId: 'c1' },
      orderBy: [{ field: 'arrivalKey', direction: 'asc' }],
      limit: 3,
    });
    expect(page.map((b) => b['bidId'])).toEqual(['b28', 'b25', 'b22']);
    expect(await space.count('bids', { callId: 'c1' })).toBe(10);
    expect((await space.status('bid-summaries')).checkpoint).toEqual(cp(30));
    // Opened again (by another process, say): nothing left to do.
    const again = SqliteReadModelStore.open(file);
    expect(documentIndexes(again.db)).toEqual(documentIndexes(store.db));
    await again.close();
  });

  it("answers the product's lists from their indexes", async () => {
    store = SqliteReadModelStore.open(join(dir, 'read-models.db'));
    const db = store.db;
    const plans: string[] = [];
    const prepare = db.prepare.bind(db);
    // Every query the space prepares, explained.
    db.prepare = ((sql: string) => {
      if (sql.startsWith('SELECT body FROM documents'))
        plans.push(
          prepare(`EXPLAIN QUERY PLAN ${sql}`)
            .all(...Array<number>((sql.match(/\?/g) ?? []).length).fill(1))
            .map((r) => (r as { detail: string }).detail)
            .join('; '),
        );
      return prepare(sql);
    }) as typeof db.prepare;
    const lists: Array<[string, FindQuery]> = [
      ['bids', { where: { callId: 'c1' }, orderBy: [{ field: 'arrivalKey', direction: 'asc' }], limit: 20 }],
      [
        'expenditure_claims',
        {
          where: { status: 'submitted' },
          orderBy: [
            { field: 'submittedAt', direction: 'asc' },
            { field: 'claimId', direction: 'asc' },
          ],
          limit: 20,
        },
      ],
    ];
    // The generation is a parameter: the same statements, and plans, serve every generation.
    for (const [collection, query] of lists) await store.space(2).find(collection, query);
    expect(plans).toHaveLength(2);
    expect(plans[0]).toMatch(
      /USING INDEX documents_of_bids_by_callId_arrivalKey \(generation=\? AND collection=\? AND <expr>=\?\)$/,
    );
    expect(plans[1]).toMatch(
      /USING INDEX documents_of_expenditure_claims_by_status_submittedAt \(generation=\? AND collection=\? AND <expr>=\?\)/,
    );
    expect(Object.keys(QUERY_INDEXES).sort()).toEqual(['bids', 'calls', 'expenditure_claims', 'grants']);
  });

  it('writes the commits made in one turn in one transaction', async () => {
    store = SqliteReadModelStore.open(join(dir, 'read-models.db'));
    const db = store.db;
    // Write transactions begun (IMMEDIATE: every commit's), counted.
    let begun = 0;
    const transaction = db.transaction.bind(db);
    db.transaction = ((fn: (...args: unknown[]) => unknown) => {
      const wrapped = transaction(fn);
      return Object.assign((...args: unknown[]) => wrapped(...args), {
        immediate: (...args: unknown[]) => {
          begun += 1;
          return wrapped.immediate(...args);
        },
      });
    }) as typeof db.transaction;
    const space = store.space(1);
    await Promise.all(
      ['a', 'b', 'c', 'd', 'e', 'f'].map((p) =>
        space.commit(p, [{ collection: 'docs', id: p, document: { p } }], { from: null, to: cp(1) }),
      ),
    );
    expect(begun).toBe(1);
    await space.commit('a', [], { from: cp(1), to: cp(2) });
    await space.commit('b', [], { from: cp(1), to: cp(2) });
    expect(begun).toBe(3);
    expect((await space.statuses()).map((s) => s.checkpoint)).toEqual([cp(2), cp(2), cp(1), cp(1), cp(1), cp(1)]);
  });
});
