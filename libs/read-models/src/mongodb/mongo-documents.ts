/**
 * Read-model documents and queries in MongoDB's terms: a FindQuery as filter, sort, skip and limit;
 * a document in its stored form and back; a batch of changes as bulkWrite models. Pure:
 * unit-tested in mongo-documents.spec.ts.
 */
import type { AnyBulkWriteOperation, Filter } from 'mongodb';
import type { DocumentChange, FindQuery, ReadModelDocument, Where } from '../read-model-store.port.js';
import { documentPath, physicalCollectionName } from './mongo-layout.js';

/** A read-model document as stored: the id as `_id`, the port document intact under `doc`. */
export type StoredDocument = { _id: string; doc: ReadModelDocument };

type Scalar = string | number | boolean | null;

/**
 * Where → filter: equality on `doc.<field>`, always through `$eq`, so a value is only ever a value
 * (never an operator document). `null` matches a null or missing field, like SQL `IS NULL`.
 */
export function toMongoFilter(where: Where | undefined): Filter<StoredDocument> {
  const filter: Record<string, { $eq: Scalar }> = {};
  for (const [field, value] of Object.entries(where ?? {})) {
    const path = documentPath(field);
    if (value !== null && typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new Error(
        `Invalid value for field ${JSON.stringify(field)}: only strings, numbers, booleans and null can be matched`,
      );
    }
    filter[path] = { $eq: value };
  }
  return filter as Filter<StoredDocument>;
}

export interface MongoFind {
  readonly filter: Filter<StoredDocument>;
  /** orderBy on `doc.<field>`, then `_id` ascending, so equal keys come back in a stable order. */
  readonly sort: Array<[string, 1 | -1]>;
  readonly skip: number | undefined;
  readonly limit: number | undefined;
}

/**
 * FindQuery → filter, sort, skip and limit, with the embedded store's LIMIT/OFFSET meaning:
 * a negative limit means no limit, a negative offset means none. `limit: 0` returns null: nothing
 * to ask for (the driver would read 0 as "no limit").
 */
export function toMongoFind(query: FindQuery = {}): MongoFind | null {
  const filter = toMongoFilter(query.where);
  const sort: Array<[string, 1 | -1]> = [];
  const seen = new Set<string>();
  for (const { field, direction } of query.orderBy ?? []) {
    const path = documentPath(field);
    if (direction !== 'asc' && direction !== 'desc')
      throw new Error(`Invalid direction ${JSON.stringify(direction)} for field ${field}`);
    // A repeated key adds nothing to an ORDER BY; the first occurrence decides.
    if (seen.has(path)) continue;
    seen.add(path);
    sort.push([path, direction === 'desc' ? -1 : 1]);
  }
  sort.push(['_id', 1]);
  const limit = wholeNumber('limit', query.limit);
  const offset = wholeNumber('offset', query.offset);
  if (limit === 0) return null;
  return {
    filter,
    sort,
    skip: offset !== undefined && offset > 0 ? offset : undefined,
    limit: limit !== undefined && limit > 0 ? limit : undefined,
  };
}

function wholeNumber(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value)) throw new Error(`Invalid ${name} ${String(value)}: expected an integer`);
  return value;
}

/**
 * The stored form of a document. The document goes through JSON first, so MongoDB keeps exactly
 * what the embedded store keeps (undefined fields dropped, toJSON applied) and reads give back the
 * same JSON values, numbers as numbers.
 */
export function toStoredDocument(id: string, document: ReadModelDocument): StoredDocument {
  if (typeof id !== 'string') throw new Error('A document id must be a string');
  return { _id: id, doc: jsonCopy(document) };
}

export function fromStoredDocument(stored: { readonly doc?: unknown } | null | undefined): ReadModelDocument | null {
  if (!stored) return null;
  const doc = stored.doc;
  if (typeof doc !== 'object' || doc === null) throw new Error('Malformed read-model document: no `doc` object');
  return doc as ReadModelDocument;
}

function jsonCopy(document: ReadModelDocument): ReadModelDocument {
  const text = JSON.stringify(document) as string | undefined;
  const value: unknown = text === undefined ? undefined : JSON.parse(text);
  if (typeof value !== 'object' || value === null) throw new Error('A read-model document must be a JSON object');
  return value as ReadModelDocument;
}

/** One logical collection's part of a batch, in batch order, documents already in stored form. */
export interface CollectionBatch {
  readonly collection: string;
  readonly physical: string;
  readonly changes: ReadonlyArray<{ readonly id: string; readonly stored: StoredDocument | null }>;
}

/** Groups a batch by collection (first-appearance order), keeping each collection's changes in order. */
export function groupChanges(generation: number, changes: readonly DocumentChange[]): CollectionBatch[] {
  const groups = new Map<
    string,
    { collection: string; physical: string; changes: Array<{ id: string; stored: StoredDocument | null }> }
  >();
  for (const { collection, id, document } of changes) {
    const physical = physicalCollectionName(generation, collection);
    let group = groups.get(collection);
    if (!group) {
      group = { collection, physical, changes: [] };
      groups.set(collection, group);
    }
    group.changes.push({ id, stored: document === null ? null : toStoredDocument(id, document) });
  }
  return [...groups.values()];
}

/** bulkWrite models for one collection: a whole-document upsert, or a delete for null. */
export function toWriteModels(batch: CollectionBatch): Array<AnyBulkWriteOperation<StoredDocument>> {
  return batch.changes.map(({ id, stored }) =>
    stored === null
      ? { deleteOne: { filter: { _id: id } } }
      : // _id comes from the filter on insert; the replacement carries only the document.
        { replaceOne: { filter: { _id: id }, replacement: { doc: stored.doc }, upsert: true } },
  );
}
