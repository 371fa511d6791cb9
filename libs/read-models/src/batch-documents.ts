import type { RecordedEvent } from '@app/event-store';
import { fundingEvent, logPlace, routes, type Projection } from './projections/projection.js';
import type { DocumentChange, ReadModelDocument } from './read-model-store.port.js';

/** One batch's view of a projection's documents: reads through to the space, writes kept until commit. */
export class BatchDocuments {
  private readonly cache = new Map<string, ReadModelDocument | null>();
  private readonly dirty = new Map<string, { collection: string; id: string }>();

  constructor(
    private readonly read: (collection: string, id: string) => Promise<ReadModelDocument | null>,
    private readonly owned: readonly string[],
  ) {}

  async get<D extends ReadModelDocument>(collection: string, id: string): Promise<D | null> {
    const key = `${collection}\u0000${id}`;
    if (!this.cache.has(key)) this.cache.set(key, await this.read(collection, id));
    return (this.cache.get(key) ?? null) as D | null;
  }

  put(collection: string, id: string, document: ReadModelDocument | null): void {
    if (!this.owned.includes(collection)) throw new Error(`A projection wrote ${collection}, which it does not own`);
    const key = `${collection}\u0000${id}`;
    this.cache.set(key, document);
    this.dirty.set(key, { collection, id });
  }

  changes(): DocumentChange[] {
    return [...this.dirty.entries()].map(([key, { collection, id }]) => ({
      collection,
      id,
      document: this.cache.get(key) ?? null,
    }));
  }

  get size(): number {
    return this.dirty.size;
  }
}

/** The runner's I/O around a projection's pure evolve: each read model's document, before and after the event. */
export async function applyEvent(
  projection: Projection,
  recorded: RecordedEvent,
  batch: BatchDocuments,
): Promise<void> {
  const event = fundingEvent(recorded);
  for (const { model, id } of routes(projection, event)) {
    const before = await batch.get(model.collection, id);
    const after = model.evolve(before, event, logPlace(recorded));
    if (before !== null || after !== null) batch.put(model.collection, id, after);
  }
}
