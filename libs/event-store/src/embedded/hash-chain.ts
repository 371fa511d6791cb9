import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { ChainVerification } from '../event-store.port.js';
import { sequencePosition } from '../log-position.js';

/** An event as the embedded store keeps it, with its hash link. */
export interface LinkedRow {
  position: number;
  event_id: string;
  stream: string;
  revision: number;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
  link: string | null;
}

/** The link before the first event. */
export const GENESIS_LINK = '0'.repeat(64);

/**
 * An event's hash link: SHA-256 over the previous link and the event exactly as stored (its place
 * in the log and in its stream, id, type, version, and the stored JSON of data and metadata).
 */
export function linkOf(previous: string, row: Omit<LinkedRow, 'link'>): string {
  return createHash('sha256')
    .update(previous)
    .update('\n')
    .update(JSON.stringify([row.position, row.event_id, row.stream, row.revision, row.type, row.schema_version]))
    .update('\n')
    .update(row.data)
    .update('\n')
    .update(row.metadata)
    .digest('hex');
}

/** A log written before events carried hash links gets them, in order, once. */
export function addMissingLinks(db: Database.Database): void {
  const columns = db.prepare<[], { name: string }>('PRAGMA table_info(events)').all().map((c) => c.name);
  if (!columns.includes('link')) db.exec('ALTER TABLE events ADD COLUMN link TEXT');
  // Links are written in log order and backfilled in one transaction: if the last event has one, all do.
  const last = db.prepare<[], { link: string | null }>('SELECT link FROM events ORDER BY position DESC LIMIT 1').get();
  if (!last || last.link !== null) return;
  db.transaction(() => {
    let previous = GENESIS_LINK;
    const update = db.prepare('UPDATE events SET link = ? WHERE position = ?');
    const rows = db.prepare<[], LinkedRow>('SELECT position, event_id, stream, revision, type, schema_version, data, metadata, link FROM events ORDER BY position').all();
    for (const row of rows) {
      previous = row.link ?? linkOf(previous, row);
      if (row.link === null) update.run(previous, row.position);
    }
  }).immediate();
}

/**
 * Recomputes the hash chain over the rows, in log order, in constant memory. A changed byte of any
 * event breaks its link; a removed event leaves a gap in the positions; both are reported at the
 * first position where the log stops matching.
 */
export function verifyLinks(rows: IterableIterator<LinkedRow>): ChainVerification {
  let previous = GENESIS_LINK;
  let expected = 1;
  let checked = 0;
  let last: LinkedRow | null = null;
  for (const row of rows) {
    const broken = (reason: string, at = row.position): ChainVerification => {
      rows.return?.();
      return { ok: false, checked, headLink: null, headPosition: null, firstBroken: { position: sequencePosition(at), reason } };
    };
    if (row.position !== expected) {
      return broken(`position ${expected} is missing: the log jumps from ${expected - 1} to ${row.position}`, expected);
    }
    const link = linkOf(previous, row);
    if (row.link !== link) return broken(`the event at position ${row.position} (${row.stream}@${row.revision}) does not match its hash link`);
    previous = link;
    expected += 1;
    checked += 1;
    last = row;
  }
  return { ok: true, checked, headLink: last?.link ?? null, headPosition: last ? sequencePosition(last.position) : null, firstBroken: null };
}
