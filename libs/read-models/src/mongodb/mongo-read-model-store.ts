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
 * it, as it refuses a member of a replica set that is not initiated yet (saying so: run
 * rs.initiate()). docker-compose runs a single-node replica set (`--replSet rs0`), which is enough.
 *
 * All writes use write concern "majority"; reads outside transactions use read concern "majority"
 * and the primary, so a query after a commit has returned sees that commit.
 *
 * Every operation but index builds carries a server-side time limit (`maxTimeMS`, and `wtimeoutMS`
 * / `maxCommitTimeMS` for the majority's acknowledgement), 10 s unless `operationTimeMs` says
 * otherwise: a stalled server or a lost majority surfaces as an error the projector retries, never
 * as a call that hangs. (The driver's `timeoutMS` would be the client-side equivalent, but the
 * driver this project uses, 7.x, accepts it and ignores it.)
 *
 * Leases (`leases`: `{ _id: <name>, owner, epoch, expiresAt }`) are taken and renewed by one update
 * pipeline on the server's clock (`$$NOW`). A commit under a lease reads the lease's epoch inside
 * its transaction and stamps the checkpoint record with it; a new holder claims each checkpoint
 * record before it projects, so a batch of an older term still under way meets a write conflict,
 * is retried by withTransaction, and is then refused (FencedOutError).
 */
import { MongoClient, MongoServerError, ReadConcern, WriteConcern, type ClientSession, type Collection, type Db, type Document } from 'mongodb';
import {
  FencedOutError,
  assertMovesFrom,
  assertName,
  leaseAt,
  type Checkpoint,
  type CheckpointMove,
  type DocumentChange,
  type Fence,
  type FindQuery,
  type Interruption,
  type Lease,
  type ProjectionStatus,
  type ReadModelDocument,
  type ReadModelSpace,
  type ReadModelStore,
  type Where,
} from '../read-model-store.port.js';
import {
  ACTIVE_GENERATION_ID,
  assertCheckpoint,
  assertGeneration,
  type CheckpointRecord,
  CHECKPOINTS,
  checkpointsCollectionName,
  claimableBy,
  commitUpdate,
  databaseNameFromUrl,
  DEFAULT_DATABASE,
  DEFAULT_GENERATION,
  DEFAULT_OPERATION_TIME_MS,
  errorText,
  failureUpdate,
  fromStoredDocument,
  generationPrefix,
  groupChanges,
  interruptionUpdate,
  leaseRelease,
  leaseUpdate,
  type LeaseRecord,
  META_COLLECTION,
  type MetaRecord,
  type MongoReadModelStoreOptions,
  NAMESPACE_EXISTS,
  operationLimits,
  type ParsedCollectionName,
  parsePhysicalCollectionName,
  physicalCollectionName,
  redactUrl,
  REPLICA_SET_NOT_INITIATED,
  scrubMessage,
  serverKind,
  serverKindProblem,
  storedCheckpoint,
  type StoredDocument,
  toIndexKeys,
  toMongoFilter,
  toMongoFind,
  toProjectionStatus,
  toWriteModels,
  transactionOptions,
  uninitiatedMembers,
} from './mongo-mapping.js';

export type { MongoReadModelStoreOptions } from './mongo-mapping.js';

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
    /** How long the server may take over one operation. */
    readonly operationTimeMs: number,
  ) {
    this.limits = operationLimits(operationTimeMs);
  }

  /** The options every operation carries: its server-side time limit. */
  readonly limits: { readonly maxTimeMS: number };

  /**
   * Connects, checks the server is a replica set (or mongos), and creates the configured indexes
   * for the active generation. Errors name the URL with its password redacted.
   */
  static async connect(url: string, options: MongoReadModelStoreOptions = {}): Promise<MongoReadModelStore> {
    const indexKeys = toIndexKeys(options.indexes);
    const operationTimeMs = options.operationTimeMs ?? DEFAULT_OPERATION_TIME_MS;
    operationLimits(operationTimeMs);
    const database = options.database || databaseNameFromUrl(url) || DEFAULT_DATABASE;
    const where = redactUrl(url);
    let client: MongoClient | undefined;
    let hello: Document;
    try {
      // Client-wide defaults (an explicit writeConcern wins over the URL's w=). What counts is
      // pinned below anyway: the Db and every transaction set their own concerns and read preference.
      client = new MongoClient(url, {
        writeConcern: { w: 'majority', wtimeoutMS: operationTimeMs },
        readConcern: { level: 'majority' },
      });
      await client.connect();
      hello = await client.db('admin').command({ hello: 1 });
    } catch (error) {
      await client?.close().catch(() => undefined);
      const uninitiated = uninitiatedMembers(error);
      const reason =
        uninitiated.length > 0
          ? `${REPLICA_SET_NOT_INITIATED} (${uninitiated.join(', ')} has no replica-set configuration)`
          : scrubMessage(errorText(error), url);
      // eslint-disable-next-line preserve-caught-error -- driver errors may quote the URL or its options; only their scrubbed text is kept
      throw new Error(`Cannot connect to MongoDB at ${where}: ${reason}`);
    }
    const problem = serverKindProblem(serverKind(hello), where);
    if (problem !== null) {
      await client.close().catch(() => undefined);
      throw new Error(problem);
    }
    const store = new MongoReadModelStore(
      client,
      client.db(database, {
        readConcern: new ReadConcern('majority'),
        writeConcern: new WriteConcern('majority', operationTimeMs),
        readPreference: 'primary',
      }),
      indexKeys,
      operationTimeMs,
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
    const meta = await this.meta().findOne({ _id: ACTIVE_GENERATION_ID }, this.limits);
    if (!meta) return DEFAULT_GENERATION;
    const generation = meta.generation;
    assertGeneration(generation);
    return generation;
  }

  async activate(generation: number): Promise<void> {
    assertGeneration(generation);
    await this.meta().updateOne({ _id: ACTIVE_GENERATION_ID }, { $set: { generation } }, { upsert: true, ...this.limits });
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
      await this.db.dropCollection(name, this.limits);
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

  async acquireLease(name: string, owner: string, ttlMs: number): Promise<Lease | null> {
    try {
      // One atomic update on the server's clock: renewed, taken (a new epoch), or left to its holder.
      const after = await this.leases().findOneAndUpdate({ _id: name }, leaseUpdate(owner, ttlMs), { upsert: true, returnDocument: 'after', ...this.limits });
      return after?.owner === owner ? { name, owner, epoch: after.epoch, expiresAt: after.expiresAt } : null;
    } catch (error) {
      // Two first takes of a lease at once: both upserts insert, one meets the other's _id.
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return null;
      throw error;
    }
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    // Ended, not deleted: the epoch must keep growing across every owner the lease ever has.
    await this.leases().updateOne({ _id: name, owner }, leaseRelease(), this.limits);
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

  leases(): Collection<LeaseRecord> {
    return this.db.collection<LeaseRecord>(LEASES_COLLECTION);
  }

  /** Physical collections of one generation (or all), parsed; views and foreign names ignored. */
  async physicalCollections(generation?: number): Promise<Array<{ name: string; parsed: ParsedCollectionName }>> {
    const pattern = generation === undefined ? '^g[0-9]+_' : `^${generationPrefix(generation)}`;
    const infos = await this.db
      .listCollections({ name: { $regex: pattern }, type: 'collection' }, { nameOnly: true, authorizedCollections: true, ...this.limits })
      .toArray();
    const result: Array<{ name: string; parsed: ParsedCollectionName }> = [];
    for (const { name } of infos) {
      const parsed = parsePhysicalCollectionName(name);
      if (parsed && (generation === undefined || parsed.generation === generation)) result.push({ name, parsed });
    }
    return result.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async hasDocuments(physical: string): Promise<boolean> {
    return (await this.db.collection(physical).findOne({}, { projection: { _id: 1 }, ...this.limits })) !== null;
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
        await this.db.createCollection(physical, this.limits);
      } catch (error) {
        if (!(error instanceof MongoServerError && error.code === NAMESPACE_EXISTS)) throw error;
      }
      return;
    }
    // createIndex creates the collection when missing, and is a no-op for an identical index.
    // Not time-limited: building an index on a large collection may rightly take longer.
    for (const key of indexKeys) await this.db.collection(physical).createIndex(key);
  }

  private meta(): Collection<MetaRecord> {
    return this.db.collection<MetaRecord>(META_COLLECTION);
  }
}

const LEASES_COLLECTION = 'leases';
const DUPLICATE_KEY = 11000;

class MongoSpace implements ReadModelSpace {
  constructor(
    private readonly store: MongoReadModelStore,
    readonly generation: number,
  ) {}

  async get(collection: string, id: string): Promise<ReadModelDocument | null> {
    const stored = await this.store.documents(this.generation, collection).findOne({ _id: id }, { projection: { _id: 0, doc: 1 }, ...this.store.limits });
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
        ...this.store.limits,
      })
      .toArray();
    return rows.map((row) => fromStoredDocument(row) as ReadModelDocument);
  }

  async count(collection: string, where?: Where): Promise<number> {
    return this.store.documents(this.generation, collection).countDocuments(toMongoFilter(where), this.store.limits);
  }

  async all(collection: string): Promise<Array<{ id: string; document: ReadModelDocument }>> {
    const rows = await this.store.documents(this.generation, collection).find({}, { sort: { _id: 1 }, ...this.store.limits }).toArray();
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
   * One transaction (snapshot read concern, majority write concern): check the fence (the lease's
   * epoch, and no later term's claim on the checkpoint record), read the stored checkpoint, refuse
   * a batch that does not start there, apply the changes per collection with bulkWrite, move the
   * checkpoint and clear any failure or interruption. withTransaction retries the whole callback on
   * transient errors (e.g. a write conflict with a concurrent commit of the same projection, or with
   * a new holder's claim, which then find themselves stale or fenced out).
   */
  async commit(projection: string, changes: readonly DocumentChange[], move: CheckpointMove, fence: Fence | null = null): Promise<void> {
    assertName('projection', projection);
    assertCheckpoint(move.to);
    if (move.from !== null) assertCheckpoint(move.from);
    const batches = groupChanges(this.generation, changes);
    for (const batch of batches) await this.store.prepare(this.generation, batch.collection);
    await this.store.prepare(this.generation, CHECKPOINTS);

    const checkpoints = this.store.checkpoints(this.generation);
    const session = this.store.client.startSession();
    try {
      const limits = this.store.limits;
      await session.withTransaction(async (txn) => {
        if (fence) await this.assertFence(fence, { session: txn, ...limits });
        const record = await checkpoints.findOne({ _id: projection }, { session: txn, ...limits });
        if (fence && typeof record?.epoch === 'number' && record.epoch > fence.epoch) throw new FencedOutError(fence, `epoch ${record.epoch} has claimed the projection`);
        assertMovesFrom(projection, storedCheckpoint(record), move);
        // Sequential on purpose: operations of one transaction must not run in parallel.
        for (const batch of batches) {
          await this.store.db.collection<StoredDocument>(batch.physical).bulkWrite(toWriteModels(batch), { session: txn, ordered: true, ...limits });
        }
        await checkpoints.updateOne({ _id: projection }, commitUpdate(move.to, fence), { session: txn, upsert: true, ...limits });
      }, transactionOptions(this.store.operationTimeMs));
    } finally {
      await session.endSession();
    }
  }

  /**
   * Checks the lease, then stamps the checkpoint record with the term (never lowering it): a batch
   * of an earlier term that read the record before this write conflicts with it and, retried, is
   * fenced out; one that committed first is simply there to build on.
   */
  async claim(projection: string, fence: Fence): Promise<ProjectionStatus> {
    assertName('projection', projection);
    await this.store.prepare(this.generation, CHECKPOINTS);
    await this.assertFence(fence, this.store.limits);
    try {
      const record = await this.store
        .checkpoints(this.generation)
        .findOneAndUpdate(
          claimableBy(projection, fence),
          { $set: { epoch: fence.epoch }, $setOnInsert: { commit: null, prepare: null, failure: null } },
          { upsert: true, returnDocument: 'after', ...this.store.limits },
        );
      return toProjectionStatus(projection, record);
    } catch (error) {
      // A later term has claimed it: the filter missed and the upsert met its _id.
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) throw new FencedOutError(fence, 'a later term has claimed the projection');
      throw error;
    }
  }

  async status(projection: string): Promise<ProjectionStatus> {
    return toProjectionStatus(projection, await this.store.checkpoints(this.generation).findOne({ _id: projection }, this.store.limits));
  }

  async statuses(): Promise<ProjectionStatus[]> {
    const records = await this.store.checkpoints(this.generation).find({}, { sort: { _id: 1 }, ...this.store.limits }).toArray();
    return records.map((record) => toProjectionStatus(record._id, record));
  }

  /** Under a fence, refused once a later term has the lease or has claimed the projection. */
  async recordFailure(projection: string, at: Checkpoint, message: string, fence: Fence | null = null): Promise<void> {
    assertName('projection', projection);
    await this.record(projection, { ...failureUpdate(at, message), $unset: { interruption: '' } }, fence);
  }

  async recordInterruption(projection: string, interruption: Interruption | null, fence: Fence | null = null): Promise<void> {
    assertName('projection', projection);
    await this.record(projection, interruptionUpdate(interruption), fence);
  }

  private async record(projection: string, update: Document, fence: Fence | null): Promise<void> {
    if (fence) await this.assertFence(fence, this.store.limits);
    try {
      await this.store.checkpoints(this.generation).updateOne(claimableBy(projection, fence), update, { upsert: true, ...this.store.limits });
    } catch (error) {
      if (fence && error instanceof MongoServerError && error.code === DUPLICATE_KEY) throw new FencedOutError(fence, 'a later term has claimed the projection');
      throw error;
    }
  }

  private async assertFence(fence: Fence, options: { session?: ClientSession; maxTimeMS: number }): Promise<void> {
    const lease = await this.store.leases().findOne({ _id: fence.lease }, { projection: { epoch: 1 }, ...options });
    if (lease?.epoch !== fence.epoch) throw new FencedOutError(fence, leaseAt(lease?.epoch));
  }
}
