/** Runs projections over events with documents in memory: for tests of the projections' logic alone. */
import type { RecordedEvent } from '@app/event-store';
import type { DocumentAccess, Projection } from '../src/projections/projection.js';
import type { ReadModelDocument } from '../src/read-model-store.port.js';

export type Documents = Map<string, Map<string, ReadModelDocument>>;

export async function projectInMemory(events: readonly RecordedEvent[], projections: readonly Projection[]): Promise<Documents> {
  const documents: Documents = new Map();
  const access: DocumentAccess = {
    async get<D extends ReadModelDocument>(collection: string, id: string) {
      return (documents.get(collection)?.get(id) ?? null) as D | null;
    },
    put(collection, id, document) {
      if (!documents.has(collection)) documents.set(collection, new Map());
      documents.get(collection)!.set(id, document);
    },
  };
  for (const event of events) for (const projection of projections) await projection.apply(event, access);
  return documents;
}

/** Recorded envelopes for plain domain events, numbered 1, 2, 3… */
export function recorded(log: ReadonlyArray<{ stream: string; event: { type: string; data: unknown } }>): RecordedEvent[] {
  const revisions = new Map<string, number>();
  return log.map(({ stream, event }, i) => {
    const revision = (revisions.get(stream) ?? -1) + 1;
    revisions.set(stream, revision);
    return {
      eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      type: event.type,
      schemaVersion: 1,
      data: event.data,
      metadata: { actor: 'test', correlationId: 'c', causationId: null, commandId: null, recordedAt: '2026-01-01T00:00:00.000Z' },
      stream,
      revision,
      position: { commit: BigInt(i + 1), prepare: BigInt(i + 1) },
    };
  });
}
