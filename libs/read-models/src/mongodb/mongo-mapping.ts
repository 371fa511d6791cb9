/**
 * The pure half of the MongoDB read-model store: names, query translation, the document and
 * checkpoint mapping. Nothing here talks to a server; all of it is unit-tested
 * (mongo-read-model-store.spec.ts). The layout it maps to is described in mongo-read-model-store.ts.
 */
import { ReadConcern, ServerType, WriteConcern, type AnyBulkWriteOperation, type Document, type Filter, type TransactionOptions } from 'mongodb';
import { comparePositions } from '@app/event-store';
import {
  StaleCheckpointError,
  assertName,
  checkpointPosition,
  type Checkpoint,
  type DocumentChange,
  type Fence,
  type FindQuery,
  type Interruption,
  type ProjectionStatus,
  type ReadModelDocument,
  type Where,
} from '../read-model-store.port.js';

export const DEFAULT_DATABASE = 'cohesion_ledger';
/** The per-generation collection of checkpoints; a logical collection may not take this name. */
export const CHECKPOINTS = 'checkpoints';
export const META_COLLECTION = 'meta';
export const ACTIVE_GENERATION_ID = 'active-generation';
export const DEFAULT_GENERATION = 1;
/** MongoDB's NamespaceExists: `create` on a collection that is already there. */
export const NAMESPACE_EXISTS = 48;

/** A read-model document as stored: the id as `_id`, the port document intact under `doc`. */
export type StoredDocument = { _id: string; doc: ReadModelDocument };

export type CheckpointRecord = {
  _id: string;
  commit: string | null;
  prepare: string | null;
  failure: { at: Checkpoint; message: string } | null;
  /** The latest lease term that claimed or committed the projection (absent: never written under a lease). */
  epoch?: number;
  interruption?: Interruption | null;
};

/** Leases (the projector's) as documents: `_id` the lease's name, `expiresAt` by the server's clock. */
export type LeaseRecord = { _id: string; owner: string; epoch: number; expiresAt: Date };

/** The server-side time limit of every operation unless configured (maxTimeMS). */
export const DEFAULT_OPERATION_TIME_MS = 10_000;

export type MetaRecord = { _id: string; generation: number };

export interface MongoReadModelStoreOptions {
  /** Database name; default the one in the URL, else `cohesion_ledger`. */
  readonly database?: string;
  /**
   * Compound indexes per logical collection, as lists of top-level document fields, e.g.
   * `{ bidSummaries: [['callId', 'status']] }`. Created on every generation's physical collection
   * the first time it is written, and at connect for the active generation.
   */
  readonly indexes?: Readonly<Record<string, ReadonlyArray<ReadonlyArray<string>>>>;
  /**
   * How long the server may work on one operation (`maxTimeMS`) and wait for a majority to
   * acknowledge a write (`wtimeoutMS`, and `maxCommitTimeMS` for a transaction's commit) before it
   * gives up with an error; default DEFAULT_OPERATION_TIME_MS. Index builds are not limited.
   */
  readonly operationTimeMs?: number;
}

// ---------------------------------------------------------------------------------------------
// Names, queries, documents, checkpoints
// ---------------------------------------------------------------------------------------------

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
  if (collection === CHECKPOINTS) throw new Error(`Collection name ${JSON.stringify(CHECKPOINTS)} is reserved by the MongoDB read-model store`);
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
  return match[2] === CHECKPOINTS ? { generation, kind: 'checkpoints' } : { generation, kind: 'documents', collection: match[2] };
}

/** The Mongo path of a top-level field of the port document. */
export function documentPath(field: string): string {
  assertName('field', field);
  return `doc.${field}`;
}

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
      throw new Error(`Invalid value for field ${JSON.stringify(field)}: only strings, numbers, booleans and null can be matched`);
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
    if (direction !== 'asc' && direction !== 'desc') throw new Error(`Invalid direction ${JSON.stringify(direction)} for field ${field}`);
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
  const groups = new Map<string, { collection: string; physical: string; changes: Array<{ id: string; stored: StoredDocument | null }> }>();
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

const DECIMAL = /^[0-9]+$/;

export function assertCheckpoint(checkpoint: Checkpoint): void {
  if (typeof checkpoint.commit !== 'string' || typeof checkpoint.prepare !== 'string' || !DECIMAL.test(checkpoint.commit) || !DECIMAL.test(checkpoint.prepare)) {
    throw new Error(`Invalid checkpoint ${JSON.stringify(checkpoint)}: commit and prepare must be decimal strings`);
  }
}

/** The stored checkpoint of a record, or null when there is none (e.g. only a failure recorded). */
export function storedCheckpoint(record: Partial<CheckpointRecord> | null | undefined): Checkpoint | null {
  return typeof record?.commit === 'string' && typeof record.prepare === 'string' ? { commit: record.commit, prepare: record.prepare } : null;
}

/** A checkpoint never moves backwards: a batch at or before the stored one is refused. */
export function assertAdvances(projection: string, stored: Checkpoint | null, offered: Checkpoint): void {
  if (stored !== null && comparePositions(checkpointPosition(stored), checkpointPosition(offered)) >= 0) throw new StaleCheckpointError(projection, stored, offered);
}

/** The checkpoint record written by a commit: the new position, any failure cleared. */
export function committedCheckpoint(checkpoint: Checkpoint): Omit<CheckpointRecord, '_id'> {
  return { commit: checkpoint.commit, prepare: checkpoint.prepare, failure: null };
}

/** The update recording a failure: the checkpoint (if any) stays where it is. */
export function failureUpdate(at: Checkpoint, message: string): Document {
  return {
    $set: { failure: { at: { commit: at.commit, prepare: at.prepare }, message } },
    $setOnInsert: { commit: null, prepare: null },
  };
}

export function toProjectionStatus(projection: string, record: Partial<CheckpointRecord> | null | undefined): ProjectionStatus {
  const failure = record?.failure;
  const interruption = storedInterruption(record?.interruption);
  return {
    projection,
    checkpoint: storedCheckpoint(record),
    failure:
      failure && typeof failure.message === 'string' && typeof failure.at?.commit === 'string' && typeof failure.at.prepare === 'string'
        ? { at: { commit: failure.at.commit, prepare: failure.at.prepare }, message: failure.message }
        : null,
    ...(interruption ? { interruption } : {}),
  };
}

function storedInterruption(value: Partial<Interruption> | null | undefined): Interruption | null {
  if (!value || typeof value.since !== 'string' || typeof value.attempts !== 'number' || typeof value.lastError !== 'string' || typeof value.nextAttemptAt !== 'string') return null;
  return { since: value.since, attempts: value.attempts, lastError: value.lastError, nextAttemptAt: value.nextAttemptAt };
}

/** The update a commit makes to its checkpoint record: the new position, failure and interruption cleared, the term that wrote it. */
export function commitUpdate(checkpoint: Checkpoint, fence: Fence | null): Document {
  return {
    $set: { ...committedCheckpoint(checkpoint), ...(fence ? { epoch: fence.epoch } : {}) },
    $unset: { interruption: '' },
  };
}

/** Matches a checkpoint record no later term has claimed (or, without a fence, any). */
export function claimableBy(projection: string, fence: Fence | null): Document {
  return fence ? { _id: projection, $or: [{ epoch: { $exists: false } }, { epoch: { $lte: fence.epoch } }] } : { _id: projection };
}

/** The update recording an interruption (or its end) without touching the position or a failure. */
export function interruptionUpdate(interruption: Interruption | null): Document {
  return interruption === null
    ? { $unset: { interruption: '' } }
    : { $set: { interruption: { ...interruption } }, $setOnInsert: { commit: null, prepare: null, failure: null } };
}

/**
 * The update pipeline that takes or renews a lease in one atomic step, by the server's clock
 * (`$$NOW`), whatever the caller's clock says: the owner renews its unexpired lease (same epoch);
 * anyone takes a lease that is free, lapsed or released (epoch + 1); anyone else's unexpired lease
 * is left as it is. The owner is a literal, never read as a field path or an operator.
 */
export function leaseUpdate(owner: string, ttlMs: number): Document[] {
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) throw new Error(`Invalid lease term ${String(ttlMs)} ms`);
  const me = { $literal: owner };
  return [
    {
      $set: {
        _renew: { $and: [{ $eq: ['$owner', me] }, { $gt: ['$expiresAt', '$$NOW'] }] },
        // A missing expiry (a lease never taken) compares as null, before any date.
        _lapsed: { $lte: [{ $ifNull: ['$expiresAt', null] }, '$$NOW'] },
      },
    },
    {
      $set: {
        epoch: { $cond: ['$_renew', { $ifNull: ['$epoch', 0] }, { $cond: ['$_lapsed', { $add: [{ $ifNull: ['$epoch', 0] }, 1] }, '$epoch'] }] },
        owner: { $cond: [{ $or: ['$_renew', '$_lapsed'] }, me, '$owner'] },
        expiresAt: { $cond: [{ $or: ['$_renew', '$_lapsed'] }, { $add: ['$$NOW', ttlMs] }, '$expiresAt'] },
      },
    },
    { $unset: ['_renew', '_lapsed'] },
  ];
}

/** Ends a lease's term now, by the server's clock, keeping its epoch. */
export function leaseRelease(): Document[] {
  return [{ $set: { expiresAt: { $min: ['$expiresAt', '$$NOW'] } } }];
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

/** The database named in a mongodb:// or mongodb+srv:// URL, or null when it names none. */
export function databaseNameFromUrl(url: string): string | null {
  const match = /^mongodb(?:\+srv)?:\/\/[^/?#]*\/([^?#]*)/i.exec(url);
  if (!match?.[1]) return null;
  try {
    return decodeURIComponent(match[1]) || null;
  } catch {
    return null;
  }
}

const SECRET_PARAMETER = /([?&](?:[^=&#]*(?:password|secret|token)[^=&#]*|authMechanismProperties)=)[^&#]*/gi;

/**
 * The URL with its password (and any password-, secret- or token-like query parameter) replaced by
 * `***`. The user info runs to the last `@`, so even a password with unescaped `@` or `/` is hidden
 * (at worst more than the password is).
 */
export function redactUrl(url: string): string {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(url);
  let result = url;
  if (scheme) {
    const rest = url.slice(scheme[0].length);
    const at = rest.lastIndexOf('@');
    if (at >= 0) {
      const userInfo = rest.slice(0, at);
      const colon = userInfo.indexOf(':');
      if (colon >= 0) result = `${scheme[0]}${userInfo.slice(0, colon)}:***@${rest.slice(at + 1)}`;
    }
  }
  return result.replace(SECRET_PARAMETER, '$1***');
}

/** Removes the URL and its password from a driver message before it goes into our own. */
export function scrubMessage(message: string, url: string): string {
  let scrubbed = message.split(url).join(redactUrl(url));
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(url);
  const rest = scheme ? url.slice(scheme[0].length) : '';
  const userInfo = rest.slice(0, Math.max(rest.lastIndexOf('@'), 0));
  const colon = userInfo.indexOf(':');
  if (colon >= 0) {
    const password = userInfo.slice(colon + 1);
    let decoded = password;
    try {
      decoded = decodeURIComponent(password);
    } catch {
      // keep the raw form only
    }
    for (const secret of new Set([password, decoded])) {
      if (secret.length >= 3) scrubbed = scrubbed.split(secret).join('***');
    }
  }
  return scrubbed;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** What a server is, by its `hello` reply: the read-model store needs transactions, so a replica set or mongos. */
export type MongoServerKind = 'replica-set-member' | 'uninitiated-replica-set-member' | 'mongos' | 'standalone';

/**
 * Reads a `hello` reply as the driver does (parseServerType, sdam/server_description.js, after the
 * SDAM specification): a mongod started with --replSet whose replica set is not initiated (or that
 * is not in its set's configuration) answers `isreplicaset: true` and no setName (the "RSGhost");
 * mongos answers msg 'isdbgrid'; an initiated member carries setName; anything else is standalone.
 */
export function serverKind(hello: Document): MongoServerKind {
  if (hello['isreplicaset'] === true) return 'uninitiated-replica-set-member';
  if (hello['msg'] === 'isdbgrid') return 'mongos';
  if (typeof hello['setName'] === 'string') return 'replica-set-member';
  return 'standalone';
}

export const REPLICA_SET_NOT_INITIATED = 'replica set not initiated: run rs.initiate() on the replica set, then start again';

/** Why the read-model store cannot use the server at `where`, or null when it can. */
export function serverKindProblem(kind: MongoServerKind, where: string): string | null {
  switch (kind) {
    case 'replica-set-member':
    case 'mongos':
      return null;
    case 'uninitiated-replica-set-member':
      return `MongoDB at ${where}: ${REPLICA_SET_NOT_INITIATED}`;
    case 'standalone':
      return `MongoDB at ${where} is a standalone server; the read-model store needs a replica set (a single-node one will do) for transactions`;
    default: {
      const unknown: never = kind;
      throw new Error(`Unknown MongoDB server kind ${String(unknown)}`);
    }
  }
}

/**
 * The servers a failed server selection saw as members of a replica set that is not initiated. A
 * URL naming the replica set (`?replicaSet=rs0`) never selects such a member, so connecting times
 * out with MongoServerSelectionError; its `reason` is the topology the driver saw, each server
 * described with its type ('RSGhost' for these).
 */
export function uninitiatedMembers(error: unknown): string[] {
  const servers = (error as { reason?: { servers?: unknown } } | null | undefined)?.reason?.servers;
  if (!(servers instanceof Map)) return [];
  return [...(servers as Map<string, { type?: unknown } | undefined>)]
    .filter(([, description]) => description?.type === ServerType.RSGhost)
    .map(([address]) => address);
}

export function transactionOptions(operationTimeMs: number = DEFAULT_OPERATION_TIME_MS): TransactionOptions {
  return {
    readConcern: new ReadConcern('snapshot'),
    writeConcern: new WriteConcern('majority', operationTimeMs),
    readPreference: 'primary',
    maxCommitTimeMS: operationTimeMs,
  };
}

/** The time limits of one operation outside index builds: how long the server may work on it. */
export function operationLimits(operationTimeMs: number): { readonly maxTimeMS: number } {
  if (!Number.isSafeInteger(operationTimeMs) || operationTimeMs <= 0) throw new Error(`Invalid operation time limit ${String(operationTimeMs)} ms`);
  return { maxTimeMS: operationTimeMs };
}
