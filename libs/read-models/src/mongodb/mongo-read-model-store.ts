/**
 * The MongoDB read-model store.
 *
 * Layout, in one database (default: the one named in the URL, else `cohesion_ledger`):
 *   g<generation>_<collection>  one collection per generation and logical collection, holding
 *                               `{ _id: <document id>, doc: <the port document, untouched> }`
 *   g<generation>_checkpoints   `{ _id: <projection>, commit, prepare, failure: { at, message } | null }`
 *   meta                        `{ _id: 'active-generation', generation }` (generation 1 when absent)
 *
 * The port document is kept whole under `doc`, never spread to the top level, so a document field
 * called `_id` or `$something` can neither collide with the key nor be read as an operator.
 *
 * REQUIRES A REPLICA SET (or a sharded cluster). Each commit writes the documents and the checkpoint
 * in one multi-document transaction with write concern "majority", and multi-document transactions
 * do not exist on a standalone mongod: a standalone server is NOT supported and `connect` refuses
 * it. docker-compose runs a single-node replica set (`--replSet rs0`), which is enough.
 *
 * All writes use write concern "majority"; reads outside transactions use read concern "majority"
 * and the primary, so a query after a commit has returned sees that commit.
 */
import {
  MongoClient,
  MongoServerError,
  ReadConcern,
  WriteConcern,
  type AnyBulkWriteOperation,
  type Collection,
  type Db,
  type Document,
  type Filter,
  type TransactionOptions,
} from 'mongodb';
import {
  StaleCheckpointError,
  assertName,
  compareCheckpoints,
  type Checkpoint,
  type DocumentChange,
  type FindQuery,
  type ProjectionStatus,
  type ReadModelDocument,
  type ReadModelSpace,
  type ReadModelStore,
  type Where,
} from '../read-model-store.port.js';

export const DEFAULT_DATABASE = 'cohesion_ledger';
/** The per-generation collection of checkpoints; a logical collection may not take this name. */
export const CHECKPOINTS = 'checkpoints';
export const META_COLLECTION = 'meta';
export const ACTIVE_GENERATION_ID = 'active-generation';
const DEFAULT_GENERATION = 1;
/** MongoDB's NamespaceExists: `create` on a collection that is already there. */
const NAMESPACE_EXISTS = 48;

/** A read-model document as stored: the id as `_id`, the port document intact under `doc`. */
export type StoredDocument = { _id: string; doc: ReadModelDocument };

export type CheckpointRecord = {
  _id: string;
  commit: string | null;
  prepare: string | null;
  failure: { at: Checkpoint; message: string } | null;
};

type MetaRecord = { _id: string; generation: number };

export interface MongoReadModelStoreOptions {
  /** Database name; default the one in the URL, else `cohesion_ledger`. */
  readonly database?: string;
  /**
   * Compound indexes per logical collection, as lists of top-level document fields, e.g.
   * `{ bidSummaries: [['callId', 'status']] }`. Created on every generation's physical collection
   * the first time it is written, and at connect for the active generation.
   */
  readonly indexes?: Readonly<Record<string, ReadonlyArray<ReadonlyArray<string>>>>;
}

// ---------------------------------------------------------------------------------------------
// Pure helpers (exported for the unit tests)
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
  if (stored !== null && compareCheckpoints(stored, offered) >= 0) throw new StaleCheckpointError(projection, stored, offered);
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
  return {
    projection,
    checkpoint: storedCheckpoint(record),
    failure:
      failure && typeof failure.message === 'string' && typeof failure.at?.commit === 'string' && typeof failure.at.prepare === 'string'
        ? { at: { commit: failure.at.commit, prepare: failure.at.prepare }, message: failure.message }
        : null,
  };
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
function scrubMessage(message: string, url: string): string {
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

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** `hello` from a replica-set member carries setName; from mongos, msg 'isdbgrid'. */
export function supportsTransactions(hello: Document): boolean {
  return typeof hello['setName'] === 'string' || hello['msg'] === 'isdbgrid';
}

function transactionOptions(): TransactionOptions {
  return {
    readConcern: new ReadConcern('snapshot'),
    writeConcern: new WriteConcern('majority'),
    readPreference: 'primary',
  };
}

// ---------------------------------------------------------------------------------------------
// The store
// ---------------------------------------------------------------------------------------------

export class MongoReadModelStore implements ReadModelStore {
  /** Physical collections known to exist with their indexes (this process's view). */
  private readonly prepared = new Set<string>();
  private readonly preparing = new Map<string, Promise<void>>();

  private constructor(
    readonly client: MongoClient,
    readonly db: Db,
    private readonly indexKeys: Map<string, Array<Record<string, 1>>>,
  ) {}

  /**
   * Connects, checks the server is a replica set (or mongos), and creates the configured indexes
   * for the active generation. Errors name the URL with its password redacted.
   */
  static async connect(url: string, options: MongoReadModelStoreOptions = {}): Promise<MongoReadModelStore> {
    const indexKeys = toIndexKeys(options.indexes);
    const database = options.database || databaseNameFromUrl(url) || DEFAULT_DATABASE;
    const where = redactUrl(url);
    let client: MongoClient | undefined;
    let hello: Document;
    try {
      // Client-wide defaults (an explicit writeConcern wins over the URL's w=). What counts is
      // pinned below anyway: the Db and every transaction set their own concerns and read preference.
      client = new MongoClient(url, {
        writeConcern: { w: 'majority' },
        readConcern: { level: 'majority' },
      });
      await client.connect();
      hello = await client.db('admin').command({ hello: 1 });
    } catch (error) {
      await client?.close().catch(() => undefined);
      // eslint-disable-next-line preserve-caught-error -- driver errors may quote the URL or its options; only their scrubbed text is kept
      throw new Error(`Cannot connect to MongoDB at ${where}: ${scrubMessage(errorText(error), url)}`);
    }
    if (!supportsTransactions(hello)) {
      await client.close().catch(() => undefined);
      throw new Error(
        `MongoDB at ${where} is a standalone server; the read-model store needs a replica set (a single-node one will do) for transactions`,
      );
    }
    const store = new MongoReadModelStore(
      client,
      client.db(database, {
        readConcern: new ReadConcern('majority'),
        writeConcern: new WriteConcern('majority'),
        readPreference: 'primary',
      }),
      indexKeys,
    );
    try {
      const active = await store.activeGeneration();
      for (const collection of indexKeys.keys()) await store.prepare(active, collection);
    } catch (error) {
      await client.close().catch(() => undefined);
      // eslint-disable-next-line preserve-caught-error -- driver errors may quote the URL or its options; only their scrubbed text is kept
      throw new Error(`Cannot prepare the MongoDB read-model store at ${where}: ${scrubMessage(errorText(error), url)}`);
    }
    return store;
  }

  async activeGeneration(): Promise<number> {
    const meta = await this.meta().findOne({ _id: ACTIVE_GENERATION_ID });
    if (!meta) return DEFAULT_GENERATION;
    const generation = meta.generation;
    assertGeneration(generation);
    return generation;
  }

  async activate(generation: number): Promise<void> {
    assertGeneration(generation);
    await this.meta().updateOne({ _id: ACTIVE_GENERATION_ID }, { $set: { generation } }, { upsert: true });
  }

  space(generation: number): ReadModelSpace {
    assertGeneration(generation);
    return new MongoSpace(this, generation);
  }

  /** Drops the generation's collections one by one (not atomically; a repeated drop finishes the job). */
  async drop(generation: number): Promise<void> {
    assertGeneration(generation);
    if (generation === (await this.activeGeneration())) throw new Error(`Generation ${generation} is active; it cannot be dropped`);
    const names = (await this.physicalCollections(generation)).map((c) => c.name);
    // Checkpoints first: a drop cut short leaves documents without checkpoints (a projection run
    // into this generation again starts from 0 and overwrites them), never checkpoints claiming
    // documents that are gone.
    const checkpoints = checkpointsCollectionName(generation);
    names.sort((a, b) => Number(b === checkpoints) - Number(a === checkpoints));
    for (const name of names) {
      this.prepared.delete(name);
      await this.db.dropCollection(name);
    }
  }

  /** Generations holding at least one document or checkpoint, ascending. */
  async generations(): Promise<number[]> {
    const collections = await this.physicalCollections();
    const generations = new Set<number>();
    const nonEmpty = await Promise.all(collections.map(async (c) => ({ c, has: await this.hasDocuments(c.name) })));
    for (const { c, has } of nonEmpty) if (has) generations.add(c.parsed.generation);
    return [...generations].sort((a, b) => a - b);
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  // -- used by MongoSpace ---------------------------------------------------------------------

  documents(generation: number, collection: string): Collection<StoredDocument> {
    return this.db.collection<StoredDocument>(physicalCollectionName(generation, collection));
  }

  checkpoints(generation: number): Collection<CheckpointRecord> {
    return this.db.collection<CheckpointRecord>(checkpointsCollectionName(generation));
  }

  /** Physical collections of one generation (or all), parsed; views and foreign names ignored. */
  async physicalCollections(generation?: number): Promise<Array<{ name: string; parsed: ParsedCollectionName }>> {
    const pattern = generation === undefined ? '^g[0-9]+_' : `^${generationPrefix(generation)}`;
    const infos = await this.db
      .listCollections({ name: { $regex: pattern }, type: 'collection' }, { nameOnly: true, authorizedCollections: true })
      .toArray();
    const result: Array<{ name: string; parsed: ParsedCollectionName }> = [];
    for (const { name } of infos) {
      const parsed = parsePhysicalCollectionName(name);
      if (parsed && (generation === undefined || parsed.generation === generation)) result.push({ name, parsed });
    }
    return result.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async hasDocuments(physical: string): Promise<boolean> {
    return (await this.db.collection(physical).findOne({}, { projection: { _id: 1 } })) !== null;
  }

  /**
   * Makes sure a physical collection exists, with its configured indexes, before a transaction
   * writes to it: creating collections inside transactions works (MongoDB ≥ 4.4) but conflicts
   * between concurrent creators, and indexes would be missing. Created with write concern majority
   * so a snapshot transaction started right after can see it.
   */
  async prepare(generation: number, collection: string): Promise<void> {
    const physical = collection === CHECKPOINTS ? checkpointsCollectionName(generation) : physicalCollectionName(generation, collection);
    if (this.prepared.has(physical)) return;
    let pending = this.preparing.get(physical);
    if (!pending) {
      pending = this.create(physical, collection === CHECKPOINTS ? [] : (this.indexKeys.get(collection) ?? [])).then(
        () => {
          this.prepared.add(physical);
          this.preparing.delete(physical);
        },
        (error: unknown) => {
          this.preparing.delete(physical);
          throw error;
        },
      );
      this.preparing.set(physical, pending);
    }
    await pending;
  }

  private async create(physical: string, indexKeys: ReadonlyArray<Record<string, 1>>): Promise<void> {
    if (indexKeys.length === 0) {
      try {
        await this.db.createCollection(physical);
      } catch (error) {
        if (!(error instanceof MongoServerError && error.code === NAMESPACE_EXISTS)) throw error;
      }
      return;
    }
    // createIndex creates the collection when missing, and is a no-op for an identical index.
    for (const key of indexKeys) await this.db.collection(physical).createIndex(key);
  }

  private meta(): Collection<MetaRecord> {
    return this.db.collection<MetaRecord>(META_COLLECTION);
  }
}

class MongoSpace implements ReadModelSpace {
  constructor(
    private readonly store: MongoReadModelStore,
    readonly generation: number,
  ) {}

  async get(collection: string, id: string): Promise<ReadModelDocument | null> {
    const stored = await this.store.documents(this.generation, collection).findOne({ _id: id }, { projection: { _id: 0, doc: 1 } });
    return fromStoredDocument(stored);
  }

  async find(collection: string, query: FindQuery = {}): Promise<ReadModelDocument[]> {
    const documents = this.store.documents(this.generation, collection);
    const plan = toMongoFind(query);
    if (plan === null) return [];
    const rows = await documents
      .find(plan.filter, {
        sort: plan.sort,
        ...(plan.skip !== undefined ? { skip: plan.skip } : {}),
        ...(plan.limit !== undefined ? { limit: plan.limit } : {}),
        projection: { _id: 0, doc: 1 },
      })
      .toArray();
    return rows.map((row) => fromStoredDocument(row) as ReadModelDocument);
  }

  async count(collection: string, where?: Where): Promise<number> {
    return this.store.documents(this.generation, collection).countDocuments(toMongoFilter(where));
  }

  async all(collection: string): Promise<Array<{ id: string; document: ReadModelDocument }>> {
    const rows = await this.store.documents(this.generation, collection).find({}, { sort: { _id: 1 } }).toArray();
    return rows.map((row) => ({ id: row._id, document: fromStoredDocument(row) as ReadModelDocument }));
  }

  /** Logical collections of this generation holding at least one document, by name. */
  async collections(): Promise<string[]> {
    const candidates = (await this.store.physicalCollections(this.generation)).flatMap(({ name, parsed }) =>
      parsed.kind === 'documents' ? [{ name, collection: parsed.collection }] : [],
    );
    const nonEmpty = await Promise.all(candidates.map(async (c) => ((await this.store.hasDocuments(c.name)) ? c.collection : null)));
    return nonEmpty.filter((c): c is string => c !== null).sort();
  }

  /**
   * One transaction (snapshot read concern, majority write concern): read the stored checkpoint,
   * refuse a stale batch, apply the changes per collection with bulkWrite, move the checkpoint
   * and clear any failure. withTransaction retries the whole callback on transient errors (e.g. a
   * write conflict with a concurrent commit of the same projection, which then finds itself stale).
   */
  async commit(projection: string, changes: readonly DocumentChange[], checkpoint: Checkpoint): Promise<void> {
    assertName('projection', projection);
    assertCheckpoint(checkpoint);
    const batches = groupChanges(this.generation, changes);
    for (const batch of batches) await this.store.prepare(this.generation, batch.collection);
    await this.store.prepare(this.generation, CHECKPOINTS);

    const checkpoints = this.store.checkpoints(this.generation);
    const session = this.store.client.startSession();
    try {
      await session.withTransaction(async (txn) => {
        const record = await checkpoints.findOne({ _id: projection }, { session: txn });
        assertAdvances(projection, storedCheckpoint(record), checkpoint);
        // Sequential on purpose: operations of one transaction must not run in parallel.
        for (const batch of batches) {
          await this.store.db.collection<StoredDocument>(batch.physical).bulkWrite(toWriteModels(batch), { session: txn, ordered: true });
        }
        await checkpoints.replaceOne({ _id: projection }, committedCheckpoint(checkpoint), { session: txn, upsert: true });
      }, transactionOptions());
    } finally {
      await session.endSession();
    }
  }

  async status(projection: string): Promise<ProjectionStatus> {
    return toProjectionStatus(projection, await this.store.checkpoints(this.generation).findOne({ _id: projection }));
  }

  async statuses(): Promise<ProjectionStatus[]> {
    const records = await this.store.checkpoints(this.generation).find({}, { sort: { _id: 1 } }).toArray();
    return records.map((record) => toProjectionStatus(record._id, record));
  }

  async recordFailure(projection: string, at: Checkpoint, message: string): Promise<void> {
    await this.store.checkpoints(this.generation).updateOne({ _id: projection }, failureUpdate(at, message), { upsert: true });
  }
}
