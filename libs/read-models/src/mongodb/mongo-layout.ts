/**
 * Where the MongoDB read-model store keeps what (the layout is described in
 * mongo-read-model-store.ts): collection names per generation, the path of a document field, the
 * indexes asked for. Pure: unit-tested in mongo-layout.spec.ts.
 */
import { assertName } from '../read-model-store.port.js';

/** The per-generation collection of checkpoints; a logical collection may not take this name. */
export const CHECKPOINTS = 'checkpoints';
export const META_COLLECTION = 'meta';
export const LEASES_COLLECTION = 'leases';
export const ACTIVE_GENERATION_ID = 'active-generation';
/** The highest generation number handed out so far, in `meta`. */
export const LAST_GENERATION_ID = 'last-generation';
/** Each projection's live generation and the one being built: `{ _id: <projection>, live, building }`. */
export const PROJECTION_GENERATIONS_COLLECTION = 'projection_generations';
export const DEFAULT_GENERATION = 1;

/** The active generation, in `meta`. */
export type MetaRecord = { _id: string; generation: number };

/** A projection's generations, in `projection_generations`. */
export type ProjectionGenerationsRecord = {
  _id: string;
  live: { generation: number; version: number };
  building: { generation: number; version: number } | null;
};

export function assertGeneration(generation: number): void {
  if (!Number.isSafeInteger(generation) || generation < 0) throw new Error(`Invalid generation ${String(generation)}`);
}

export function generationPrefix(generation: number): string {
  assertGeneration(generation);
  return `g${generation}_`;
}

/** `g<generation>_<collection>`; the collection name is checked and may not be `checkpoints`. */
export function physicalCollectionName(generation: number, collection: string): string {
  assertName('collection', collection);
  if (collection === CHECKPOINTS)
    throw new Error(`Collection name ${JSON.stringify(CHECKPOINTS)} is reserved by the MongoDB read-model store`);
  return generationPrefix(generation) + collection;
}

export function checkpointsCollectionName(generation: number): string {
  return generationPrefix(generation) + CHECKPOINTS;
}

export type ParsedCollectionName =
  | { readonly generation: number; readonly kind: 'documents'; readonly collection: string }
  | { readonly generation: number; readonly kind: 'checkpoints' };

/** The inverse of physicalCollectionName/checkpointsCollectionName; null for anything else (e.g. `meta`). */
export function parsePhysicalCollectionName(name: string): ParsedCollectionName | null {
  const match = /^g(0|[1-9][0-9]*)_([A-Za-z][A-Za-z0-9_]{0,63})$/.exec(name);
  if (!match?.[1] || !match[2]) return null;
  const generation = Number(match[1]);
  if (!Number.isSafeInteger(generation)) return null;
  return match[2] === CHECKPOINTS
    ? { generation, kind: 'checkpoints' }
    : { generation, kind: 'documents', collection: match[2] };
}

/** The Mongo path of a top-level field of the port document. */
export function documentPath(field: string): string {
  assertName('field', field);
  return `doc.${field}`;
}

/** Compound index keys per logical collection, checked: `{ 'doc.a': 1, 'doc.b': 1 }`. */
export function toIndexKeys(
  indexes: Readonly<Record<string, ReadonlyArray<ReadonlyArray<string>>>> | undefined,
): Map<string, Array<Record<string, 1>>> {
  const result = new Map<string, Array<Record<string, 1>>>();
  for (const [collection, specs] of Object.entries(indexes ?? {})) {
    physicalCollectionName(DEFAULT_GENERATION, collection); // validates the name
    const keys = specs.map((fields) => {
      if (fields.length === 0) throw new Error(`Empty index on collection ${collection}`);
      const key: Record<string, 1> = {};
      for (const field of fields) {
        const path = documentPath(field);
        if (path in key) throw new Error(`Field ${field} appears twice in an index on collection ${collection}`);
        key[path] = 1;
      }
      return key;
    });
    if (keys.length > 0) result.set(collection, keys);
  }
  return result;
}
