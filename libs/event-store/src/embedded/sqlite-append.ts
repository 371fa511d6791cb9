import { satisfiesExpected, streamCategory, type PreparedAppend } from '../append-validation.js';
import { ConcurrencyError, DuplicateEventIdError } from '../event-store.errors.js';
import type { AppendResult } from '../event-store.port.js';
import { sequencePosition } from '../log-position.js';
import { GENESIS_LINK, linkOf } from './hash-chain.js';
import type { EventRow, EventStatements } from './sqlite-events-table.js';

/**
 * Writes one append inside the group commit's transaction: each event at the next gapless position,
 * linked to the event before it in the log. An append whose ids are stored already is answered as a
 * retry, or refused.
 */
export function applyAppend(statements: EventStatements, append: PreparedAppend): AppendResult {
  const { stream, expected, events } = append;
  const current = statements.streamRevision.get(stream)?.revision ?? null;
  const existing = statements.eventsById.all(JSON.stringify(events.map((e) => e.eventId)));
  if (existing.length > 0) return idempotentRetry(append, existing, current);
  if (!satisfiesExpected(expected, current)) throw new ConcurrencyError(stream, expected, current);

  let position = statements.head.get()?.position ?? 0;
  let revision = current ?? -1;
  let previous = position === 0 ? GENESIS_LINK : (statements.linkAt.get(position)?.link ?? GENESIS_LINK);
  const category = streamCategory(stream);
  for (const event of events) {
    position += 1;
    revision += 1;
    const row = {
      position,
      event_id: event.eventId,
      stream,
      revision,
      type: event.type,
      schema_version: event.schemaVersion,
      data: event.dataJson,
      metadata: event.metadataJson,
    };
    previous = linkOf(previous, row);
    statements.insert.run(
      position,
      event.eventId,
      stream,
      revision,
      category,
      event.type,
      event.schemaVersion,
      event.dataJson,
      event.metadataJson,
      previous,
    );
  }
  statements.upsertStream.run(stream, revision);
  return { stream, revision, position: sequencePosition(position) };
}

/**
 * Some ids of the batch are stored already. It is a retry — a success that writes nothing — only
 * if the whole batch is there, unchanged, in this stream, where the same expected state put it.
 */
function idempotentRetry(append: PreparedAppend, existing: EventRow[], current: number | null): AppendResult {
  const { stream, expected, events } = append;
  const byId = new Map(existing.map((row) => [row.event_id, row]));
  const first = byId.get(events[0]!.eventId);
  events.forEach((event, i) => {
    const row = byId.get(event.eventId);
    const same =
      row !== undefined &&
      first !== undefined &&
      row.stream === stream &&
      row.revision === first.revision + i &&
      row.type === event.type &&
      row.schema_version === event.schemaVersion &&
      row.data === event.dataJson;
    if (!same) throw new DuplicateEventIdError(event.eventId, stream);
  });
  const firstRevision = first!.revision;
  const revisionBefore = firstRevision === 0 ? null : firstRevision - 1;
  if (!satisfiesExpected(expected, revisionBefore)) throw new ConcurrencyError(stream, expected, current);
  const last = byId.get(events[events.length - 1]!.eventId)!;
  return { stream, revision: last.revision, position: sequencePosition(last.position) };
}
