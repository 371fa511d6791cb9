import type Database from 'better-sqlite3';
import { EventDecodingError } from '../event-store.errors.js';
import type { EventMetadata, RecordedEvent } from '../event-store.port.js';
import { sequencePosition } from '../log-position.js';
import type { LinkedRow } from './hash-chain.js';

/** A row of the events table. */
export type EventRow = LinkedRow;

export const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position       INTEGER PRIMARY KEY,
    event_id       TEXT    NOT NULL UNIQUE,
    stream         TEXT    NOT NULL,
    revision       INTEGER NOT NULL,
    category       TEXT    NOT NULL,
    type           TEXT    NOT NULL,
    schema_version INTEGER NOT NULL,
    data           TEXT    NOT NULL,
    metadata       TEXT    NOT NULL,
    link           TEXT
  ) STRICT;
  CREATE UNIQUE INDEX IF NOT EXISTS events_by_stream ON events (stream, revision);
  CREATE TABLE IF NOT EXISTS streams (
    stream   TEXT    PRIMARY KEY,
    revision INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;
`;

/** The statements the embedded store runs on its tables, prepared once per connection. */
export interface EventStatements {
  streamRevision: Database.Statement<[string], { revision: number }>;
  head: Database.Statement<[], { position: number | null }>;
  eventsById: Database.Statement<[string], EventRow>;
  insert: Database.Statement<[number, string, string, number, string, string, number, string, string, string]>;
  linkAt: Database.Statement<[number], { link: string | null }>;
  upsertStream: Database.Statement<[string, number]>;
  readForwards: Database.Statement<[string, number, number], EventRow>;
  readAll: Database.Statement<[number, number], EventRow>;
  positionOf: Database.Statement<[string, number], { position: number }>;
}

export function prepareStatements(db: Database.Database): EventStatements {
  const columns = 'position, event_id, stream, revision, type, schema_version, data, metadata, link';
  return {
    streamRevision: db.prepare('SELECT revision FROM streams WHERE stream = ?'),
    head: db.prepare('SELECT max(position) AS position FROM events'),
    eventsById: db.prepare(
      `SELECT ${columns} FROM events WHERE event_id IN (SELECT value FROM json_each(?)) ORDER BY position`,
    ),
    insert: db.prepare(
      'INSERT INTO events (position, event_id, stream, revision, category, type, schema_version, data, metadata, link) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    linkAt: db.prepare('SELECT link FROM events WHERE position = ?'),
    upsertStream: db.prepare(
      'INSERT INTO streams (stream, revision) VALUES (?, ?) ON CONFLICT (stream) DO UPDATE SET revision = excluded.revision',
    ),
    readForwards: db.prepare(
      `SELECT ${columns} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`,
    ),
    readAll: db.prepare(`SELECT ${columns} FROM events WHERE position > ? ORDER BY position LIMIT ?`),
    positionOf: db.prepare('SELECT position FROM events WHERE stream = ? AND revision = ?'),
  };
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  const position = sequencePosition(row.position);
  let data: unknown;
  let metadata: EventMetadata;
  try {
    data = JSON.parse(row.data);
    metadata = JSON.parse(row.metadata) as EventMetadata;
  } catch (error) {
    throw new EventDecodingError(row.stream, position, row.revision, `stored JSON is unreadable (${String(error)})`, {
      cause: error,
    });
  }
  return {
    eventId: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    data,
    metadata,
    stream: row.stream,
    revision: row.revision,
    position,
    ...(row.link ? { link: row.link } : {}),
  };
}
