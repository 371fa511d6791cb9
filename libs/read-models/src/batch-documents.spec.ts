/**
 * A runner's documents: read ahead of the events in one read per collection, not read at all when
 * the projection started on empty collections and never wrote them, kept between batches up to a
 * number, never forgotten while a batch holds them.
 */
import { describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '@app/event-store';
import { recorded } from '../test-support/in-memory-projection.js';
import { ProjectionDocuments, WrittenKeys, applyPlanned, planEvent, type PlannedEvent } from './batch-documents.js';
import { readModel, type Projection } from './projections/projection.js';
import type { ReadModelDocument } from './read-model-store.port.js';

/** Counts bids per call and keeps each bid's title: two collections, one event type. */
const bids: Projection = {
  name: 'bids',
  version: 1,
  readModels: [
    readModel<{ count: number }, 'BidSubmitted'>({
      collection: 'counts',
      eventTypes: ['BidSubmitted'],
      documentId: (event) => event.data.callId,
      evolve: (document) => ({ count: (document?.count ?? 0) + 1 }),
    }),
    readModel<{ title: string }, 'BidSubmitted'>({
      collection: 'titles',
      eventTypes: ['BidSubmitted'],
      documentId: (event) => event.data.bidId,
      evolve: (_document, event) => ({ title: event.data.projectTitle }),
    }),
  ],
};

const bid = (bidId: string, callId: string) => ({
  stream: `bid-${bidId}`,
  event: { type: 'BidSubmitted', data: { bidId, callId, projectTitle: `T${bidId}` } },
});

/** A space of stored documents that counts its reads. */
function storeOf(documents: Record<string, Record<string, ReadModelDocument>>) {
  const reads: Array<{ collection: string; ids: readonly string[] }> = [];
  const read = async (collection: string, ids: readonly string[]) => {
    reads.push({ collection, ids });
    const found = new Map<string, ReadModelDocument>();
    for (const id of ids) {
      const document = documents[collection]?.[id];
      if (document) found.set(id, document);
    }
    return found;
  };
  return { reads, read };
}

function plan(events: RecordedEvent[]): PlannedEvent[] {
  return events.map((e) => planEvent(bids, e)).filter((p): p is PlannedEvent => p !== null);
}

async function apply(
  documents: ProjectionDocuments,
  events: RecordedEvent[],
  read: ReturnType<typeof storeOf>['read'],
) {
  const planned = plan(events);
  await documents.load(planned, read);
  for (const p of planned) applyPlanned(p, documents);
}

describe('a runner’s documents', () => {
  it('reads what the events change in one read per collection, and only what it does not hold', async () => {
    const store = storeOf({ counts: { c1: { count: 5 } } });
    const documents = new ProjectionDocuments(['counts', 'titles']);
    await apply(documents, recorded([bid('b1', 'c1'), bid('b2', 'c1'), bid('b3', 'c2')]), store.read);
    expect(store.reads).toEqual([
      { collection: 'counts', ids: ['c1', 'c2'] },
      { collection: 'titles', ids: ['b1', 'b2', 'b3'] },
    ]);
    expect(documents.changes()).toEqual([
      { collection: 'counts', id: 'c1', document: { count: 7 } },
      { collection: 'titles', id: 'b1', document: { title: 'Tb1' } },
      { collection: 'titles', id: 'b2', document: { title: 'Tb2' } },
      { collection: 'counts', id: 'c2', document: { count: 1 } },
      { collection: 'titles', id: 'b3', document: { title: 'Tb3' } },
    ]);
    documents.committed();
    // Held after the commit: the next batch reads nothing it already has.
    await apply(documents, recorded([bid('b4', 'c1')]), store.read);
    expect(store.reads.slice(2)).toEqual([{ collection: 'titles', ids: ['b4'] }]);
    expect(documents.changes()).toContainEqual({ collection: 'counts', id: 'c1', document: { count: 8 } });
  });

  it('started on empty collections, reads no document it never wrote, and reads back one it wrote and forgot', async () => {
    const store = storeOf({ counts: { c1: { count: 1 } } });
    const documents = new ProjectionDocuments(['counts', 'titles'], 0);
    documents.startedEmpty();
    await apply(documents, recorded([bid('b1', 'c1'), bid('b2', 'c2')]), store.read);
    expect(store.reads).toEqual([]);
    documents.committed();
    expect(documents.held).toBe(0);
    await apply(documents, recorded([bid('b3', 'c1')]), store.read);
    // c1 was written (and forgotten: none kept): read again. b3 never was: not read.
    expect(store.reads).toEqual([{ collection: 'counts', ids: ['c1'] }]);
  });

  it('keeps up to its capacity between batches, the most recently written, and every document of the batch under way', async () => {
    const store = storeOf({});
    const documents = new ProjectionDocuments(['counts', 'titles'], 2);
    await apply(documents, recorded([bid('b1', 'c1'), bid('b2', 'c2'), bid('b3', 'c3')]), store.read);
    expect(documents.held).toBe(6);
    expect(documents.changes()).toHaveLength(6);
    documents.committed();
    expect(documents.held).toBe(2);
    expect(documents.changes()).toEqual([]);
    store.reads.length = 0;
    await apply(documents, recorded([bid('b3', 'c3')]), store.read);
    expect(store.reads).toEqual([]);
  });

  it('refuses to apply an event to a document it was not given', () => {
    const [planned] = plan(recorded([bid('b1', 'c1')]));
    expect(() => applyPlanned(planned!, new ProjectionDocuments(['counts', 'titles']))).toThrow(
      'Document counts/c1 was not read before the event that changes it',
    );
  });

  it('plans nothing for an event no read model of the projection takes', () => {
    const [closed] = recorded([{ stream: 'call-c1', event: { type: 'CallClosed', data: { callId: 'c1' } } }]);
    expect(planEvent(bids, closed!)).toBeNull();
    expect(planEvent(bids, recorded([bid('b1', 'c1')])[0]!)?.routes.map((r) => [r.model.collection, r.id])).toEqual([
      ['counts', 'c1'],
      ['titles', 'b1'],
    ]);
  });
});

describe('the keys a runner has written', () => {
  it('never forgets one, and seldom claims one it was not given', () => {
    const written = new WrittenKeys();
    const count = 100_000;
    for (let i = 0; i < count; i++) written.add(`bids\u0000p${i}-b${i % 12}`);
    let forgotten = 0;
    for (let i = 0; i < count; i++) if (!written.mayHave(`bids\u0000p${i}-b${i % 12}`)) forgotten += 1;
    expect(forgotten).toBe(0);
    let wrong = 0;
    for (let i = 0; i < count; i++) if (written.mayHave(`grants\u0000p${i}-g${i % 5}`)) wrong += 1;
    expect(wrong / count).toBeLessThan(0.001);
  });
});
