/** Runs projections over events with documents in memory: the projections' pure evolve, no store. */
import type { RecordedEvent } from '@app/event-store';
import { FUNDING_EVENT_SCHEMA_VERSIONS, type FundingEventType } from '@app/funding';
import { fundingEvent, logPlace, routes, type Projection } from '../src/projections/projection.js';
import type { ReadModelDocument } from '../src/read-model-store.port.js';

export type Documents = Map<string, Map<string, ReadModelDocument>>;

export function projectInMemory(events: readonly RecordedEvent[], projections: readonly Projection[]): Documents {
  const documents: Documents = new Map();
  for (const recordedEvent of events) {
    const event = fundingEvent(recordedEvent);
    for (const projection of projections) {
      for (const { model, id } of routes(projection, event)) {
        const collection = documents.get(model.collection) ?? new Map<string, ReadModelDocument>();
        documents.set(model.collection, collection);
        const after = model.evolve(collection.get(id) ?? null, event, logPlace(recordedEvent));
        if (after === null) collection.delete(id);
        else collection.set(id, after);
      }
    }
  }
  return documents;
}

/** The metadata of every event the read-model tests record. */
export const testMetadata = (): RecordedEvent['metadata'] => ({
  actor: 'test',
  correlationId: 'c',
  causationId: null,
  commandId: null,
  recordedAt: '2026-01-01T00:00:00.000Z',
});

/** Recorded envelopes for plain domain events, numbered 1, 2, 3… */
export function recorded(
  log: ReadonlyArray<{ stream: string; event: { type: string; data: unknown } }>,
): RecordedEvent[] {
  const revisions = new Map<string, number>();
  return log.map(({ stream, event }, i) => {
    const revision = (revisions.get(stream) ?? -1) + 1;
    revisions.set(stream, revision);
    return {
      eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      type: event.type,
      schemaVersion: FUNDING_EVENT_SCHEMA_VERSIONS[event.type as FundingEventType],
      data: event.data,
      metadata: testMetadata(),
      stream,
      revision,
      position: { commit: BigInt(i + 1), prepare: BigInt(i + 1) },
    };
  });
}
