import type { RecordedEvent } from '@app/event-store';
import type { FundingEvent } from '@app/funding';
import { fundingEvent, logPlace, type Projection, type ReadModel } from './projections/projection.js';
import type { DocumentChange, ReadModelDocument, ReadModelSpace } from './read-model-store.port.js';

/** Documents a runner keeps between batches (besides those of the batch under way): the most recently written or read. */
export const DOCUMENTS_KEPT = 1_024;

interface Known {
  readonly collection: string;
  readonly id: string;
  document: ReadModelDocument | null;
}

/** Reads the documents of one collection that exist among `ids`, by id. */
export type ReadDocuments = (
  collection: string,
  ids: readonly string[],
) => Promise<ReadonlyMap<string, ReadModelDocument>>;

const keyOf = (collection: string, id: string) => `${collection}\u0000${id}`;

/**
 * A projection's documents as its runner sees them: the ones the batch under way changed, kept
 * until the batch is committed, and up to `capacity` more of those read or written lately, so
 * that a document an event changes is usually at hand without a read. Only the runner holding the
 * projection writes its documents (the store refuses a batch of any other writer), so what it
 * committed is what the store holds.
 *
 * Documents are read ahead of the events that need them, a collection at a time (`load`); applying
 * the events then reads nothing (`applyPlanned`).
 */
export class ProjectionDocuments {
  private readonly known = new Map<string, Known>();
  private readonly dirty = new Set<string>();
  /** Set when the projection's collections were empty as it started: every document it has written since. */
  private written: WrittenKeys | null = null;

  constructor(
    private readonly owned: readonly string[],
    private readonly capacity: number = DOCUMENTS_KEPT,
  ) {}

  /**
   * The projection's collections held no document when it started, and only its runner writes
   * them (the store refuses any other writer's batch): a document it never wrote does not exist,
   * and is not read. A catch-up from the start of the log reads almost nothing.
   */
  startedEmpty(): void {
    this.written = new WrittenKeys();
  }

  /** Reads the documents the planned events change that it does not hold yet: one read per collection. */
  async load(planned: readonly PlannedEvent[], read: ReadDocuments): Promise<void> {
    const missing = new Map<string, Map<string, string>>();
    for (const { routes } of planned) {
      for (const { model, id, key } of routes) {
        if (this.known.has(key)) continue;
        if (this.written && !this.written.mayHave(key)) {
          this.known.set(key, { collection: model.collection, id, document: null });
          continue;
        }
        let ids = missing.get(model.collection);
        if (!ids) missing.set(model.collection, (ids = new Map()));
        ids.set(id, key);
      }
    }
    for (const [collection, ids] of missing) {
      const found = await read(collection, [...ids.keys()]);
      for (const [id, key] of ids) {
        // Read meanwhile (a retried read): what the runner holds is newer.
        if (!this.known.has(key)) this.known.set(key, { collection, id, document: found.get(id) ?? null });
      }
    }
  }

  /** A document `load` brought in (null: there is none). */
  get<D extends ReadModelDocument>(route: Route): D | null {
    const known = this.known.get(route.key);
    if (!known)
      throw new Error(`Document ${route.model.collection}/${route.id} was not read before the event that changes it`);
    return known.document as D | null;
  }

  put(route: Route, document: ReadModelDocument | null): void {
    const { model, id, key } = route;
    if (!this.owned.includes(model.collection))
      throw new Error(`A projection wrote ${model.collection}, which it does not own`);
    const known = this.known.get(key);
    if (known && this.dirty.has(key)) {
      known.document = document;
      return;
    }
    // Moved to the end: the last to be forgotten.
    this.known.delete(key);
    this.known.set(key, { collection: model.collection, id, document });
    this.dirty.add(key);
    this.written?.add(key);
  }

  /** What the batch under way changed, each document once, as it is now. */
  changes(): DocumentChange[] {
    const changes: DocumentChange[] = [];
    for (const key of this.dirty) {
      const { collection, id, document } = this.known.get(key)!;
      changes.push({ collection, id, document });
    }
    return changes;
  }

  /** The batch is committed: its documents are the store's now. The oldest beyond `capacity` are forgotten. */
  committed(): void {
    this.dirty.clear();
    let excess = this.known.size - this.capacity;
    for (const key of this.known.keys()) {
      if (excess-- <= 0) break;
      this.known.delete(key);
    }
  }

  /** Documents held, changed or not. */
  get held(): number {
    return this.known.size;
  }
}

/**
 * The keys of the documents a runner has written, in a fixed 1 MiB whatever their number (a Bloom
 * filter): `mayHave` is never false for a key that was added, and rarely true for one that was not
 * (about 1 in 50,000 at 200,000 keys), which only costs a read.
 */
export class WrittenKeys {
  private static readonly BITS = 2 ** 23;
  private static readonly PROBES = 5;
  private readonly bits = new Uint32Array(WrittenKeys.BITS / 32);

  add(key: string): void {
    const [a, b] = hashes(key);
    for (let i = 0; i < WrittenKeys.PROBES; i++) {
      const bit = (a + i * b) & (WrittenKeys.BITS - 1);
      this.bits[bit >>> 5]! |= 1 << (bit & 31);
    }
  }

  mayHave(key: string): boolean {
    const [a, b] = hashes(key);
    for (let i = 0; i < WrittenKeys.PROBES; i++) {
      const bit = (a + i * b) & (WrittenKeys.BITS - 1);
      if ((this.bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

/** Two independent 32-bit hashes of a string (FNV-1a with two offsets), the second odd. */
function hashes(key: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return [a >>> 0, (b | 1) >>> 0];
}

/** Where an event goes in a projection: one read model's document, and its key among the runner's documents. */
export interface Route {
  readonly model: ReadModel;
  readonly id: string;
  readonly key: string;
}

/** An event with where it goes in one projection: each read model's document it changes. */
export interface PlannedEvent {
  readonly recorded: RecordedEvent;
  readonly event: FundingEvent;
  readonly routes: readonly Route[];
}

/**
 * Where the event goes in the projection (read models and document ids), before any document is
 * read; null when it changes none of its documents (most events, for most projections).
 */
export function planEvent(projection: Projection, recorded: RecordedEvent): PlannedEvent | null {
  let event: FundingEvent | null = null;
  let routes: Route[] | null = null;
  for (const model of projection.readModels) {
    if (!model.eventTypes.has(recorded.type as FundingEvent['type'])) continue;
    event ??= fundingEvent(recorded);
    const id = model.documentId(event);
    if (id !== null) (routes ??= []).push({ model, id, key: keyOf(model.collection, id) });
  }
  return event && routes ? { recorded, event, routes } : null;
}

/** The runner's I/O around a projection's pure evolve: each read model's document, before and after the event. */
export function applyPlanned(planned: PlannedEvent, documents: ProjectionDocuments): void {
  const place = logPlace(planned.recorded);
  for (const route of planned.routes) {
    const before = documents.get(route);
    const after = route.model.evolve(before, planned.event, place);
    if (before !== null || after !== null) documents.put(route, after);
  }
}

/** Whether none of the collections holds a document in the space (a runner starting from no checkpoint asks). */
export async function emptyIn(space: ReadModelSpace, collections: readonly string[]): Promise<boolean> {
  for (const collection of collections) if ((await space.find(collection, { limit: 1 })).length > 0) return false;
  return true;
}
