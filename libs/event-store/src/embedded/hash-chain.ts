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
  const columns = db
    .prepare<[], { name: string }>('PRAGMA table_info(events)')
    .all()
    .map((c) => c.name);
  if (!columns.includes('link')) db.exec('ALTER TABLE events ADD COLUMN link TEXT');
  // Links are written in log order and backfilled in one transaction: if the last event has one, all do.
  const last = db.prepare<[], { link: string | null }>('SELECT link FROM events ORDER BY position DESC LIMIT 1').get();
  if (!last || last.link !== null) return;
  db.transaction(() => {
    let previous = GENESIS_LINK;
    const update = db.prepare('UPDATE events SET link = ? WHERE position = ?');
    const rows = db
      .prepare<[], LinkedRow>(
        'SELECT position, event_id, stream, revision, type, schema_version, data, metadata, link FROM events ORDER BY position',
      )
      .all();
    for (const row of rows) {
      previous = row.link ?? linkOf(previous, row);
      if (row.link === null) update.run(previous, row.position);
    }
  }).immediate();
}

/**
 * Recomputes the hash chain over the rows fed to it, in log order, in constant memory. A changed
 * byte of any event breaks its link; a removed event leaves a gap in the positions; both are
 * reported at the first position where the log stops matching.
 */
export class ChainCheck {
  private previous = GENESIS_LINK;
  private expected = 1;
  private checked = 0;
  private last: LinkedRow | null = null;

  /** The verification's outcome when this row breaks the chain, else null. */
  feed(row: LinkedRow): ChainVerification | null {
    const broken = (reason: string, at = row.position): ChainVerification => ({
      ok: false,
      checked: this.checked,
      headLink: null,
      headPosition: null,
      firstBroken: { position: sequencePosition(at), reason },
    });
    if (row.position !== this.expected) {
      return broken(
        `position ${this.expected} is missing: the log jumps from ${this.expected - 1} to ${row.position}`,
        this.expected,
      );
    }
    const link = linkOf(this.previous, row);
    if (row.link !== link)
      return broken(
        `the event at position ${row.position} (${row.stream}@${row.revision}) does not match its hash link`,
      );
    this.previous = link;
    this.expected += 1;
    this.checked += 1;
    this.last = row;
    return null;
  }

  result(): ChainVerification {
    const last = this.last;
    return {
      ok: true,
      checked: this.checked,
      headLink: last?.link ?? null,
      headPosition: last ? sequencePosition(last.position) : null,
      firstBroken: null,
    };
  }
}
