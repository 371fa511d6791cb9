/**
 * The MongoDB read-model store.
 *
 * Layout, in one database (default: the one named in the URL, else `cohesion_ledger`):
 *   g<generation>_<collection>  one collection per generation and logical collection, holding
 *                               `{ _id: <document id>, doc: <the port document, untouched> }`
 *   g<generation>_checkpoints   `{ _id: <projection>, commit, prepare, failure: { at, message } | null }`
 *   meta                        `{ _id: 'active-generation', generation }` (generation 1 when absent),
 *                               `{ _id: 'last-generation', generation }` (the last number handed out)
 *   projection_generations      `{ _id: <projection>, live: { generation, version }, building: … | null }`:
 *                               a projection's live generation and the one being built (docs/adr/0025);
 *                               a projection without one is live in the active generation at version 1
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
 *
 * Beside it: one generation's documents and checkpoints (MongoSpace, mongo-space.ts), and the pure
 * parts, unit-tested without a server: names (mongo-layout.ts), documents and queries
 * (mongo-documents.ts), checkpoint and lease records (mongo-checkpoints.ts), the server's kind and
 * limits (mongo-server.ts), URLs (mongo-url.ts).
 */
import {
  MongoClient,
  MongoServerError,
  ReadConcern,
  WriteConcern,
  type ClientSession,
  type Collection,
  type Db,
  type Document,
} from 'mongodb';
import {
  FencedOutError,
  assertName,
  leaseAt,
  type Fence,
  type Lease,
  type LiveGeneration,
  type ProjectionGenerations,
  type ReadModelSpace,
  type ReadModelStore,
  type VersionedGeneration,
} from '../read-model-store.port.js';
import { leaseRelease, leaseUpdate, type CheckpointRecord, type LeaseRecord } from './mongo-checkpoints.js';
import type { StoredDocument } from './mongo-documents.js';
import {
  ACTIVE_GENERATION_ID,
  CHECKPOINTS,
  DEFAULT_GENERATION,
  LAST_GENERATION_ID,
  LEASES_COLLECTION,
  META_COLLECTION,
  PROJECTION_GENERATIONS_COLLECTION,
  assertGeneration,
  checkpointsCollectionName,
  generationPrefix,
  parsePhysicalCollectionName,
  physicalCollectionName,
  toIndexKeys,
  type MetaRecord,
  type ParsedCollectionName,
  type ProjectionGenerationsRecord,
} from './mongo-layout.js';
import {
  DEFAULT_OPERATION_TIME_MS,
  DUPLICATE_KEY,
  NAMESPACE_EXISTS,
  NAMESPACE_NOT_FOUND,
  REPLICA_SET_NOT_INITIATED,
  errorText,
  transactionOptions,
  operationLimits,
  serverKind,
  serverKindProblem,
  uninitiatedMembers,
} from './mongo-server.js';
import { MongoSpace } from './mongo-space.js';
import { mongoDatabaseName, redactUrl, scrubMessage } from './mongo-url.js';

function assertVersioned({ generation, version }: VersionedGeneration): void {
  assertGeneration(generation);
  if (!Number.isSafeInteger(version) || version < 1) throw new Error(`Invalid version ${String(version)}`);
}

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
    const database = mongoDatabaseName(url, options.database);
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
      // Written only inside transactions (makeLive, recordBuilding): made beforehand, as prepare() says why.
      await store.create(PROJECTION_GENERATIONS_COLLECTION, []);
    } catch (error) {
      await client.close().catch(() => undefined);
      // eslint-disable-next-line preserve-caught-error -- driver errors may quote the URL or its options; only their scrubbed text is kept
      throw new Error(
        `Cannot prepare the MongoDB read-model store at ${where}: ${scrubMessage(errorText(error), url)}`,
      );
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
    await this.meta().updateOne(
      { _id: ACTIVE_GENERATION_ID },
      { $set: { generation } },
      { upsert: true, ...this.limits },
    );
  }

  space(generation: number): ReadModelSpace {
    assertGeneration(generation);
    return new MongoSpace(this, generation);
  }

  /** Drops the generation's collections one by one (not atomically; a repeated drop finishes the job). */
  async drop(generation: number): Promise<void> {
    assertGeneration(generation);
    if (generation === (await this.activeGeneration()))
      throw new Error(`Generation ${generation} is active; it cannot be dropped`);
    const live = await this.projectionGenerationRecords().findOne({ 'live.generation': generation }, this.limits);
    if (live) throw new Error(`Generation ${generation} is live for ${live._id}; it cannot be dropped`);
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

  async projectionGenerations(): Promise<ProjectionGenerations[]> {
    const records = await this.projectionGenerationRecords()
      .find({}, { sort: { _id: 1 }, ...this.limits })
      .toArray();
    return records.map((r) => ({
      projection: r._id,
      live: { generation: r.live.generation, version: r.live.version },
      building: r.building ? { generation: r.building.generation, version: r.building.version } : null,
    }));
  }

  async newGeneration(): Promise<number> {
    const [active, collections, records] = await Promise.all([
      this.activeGeneration(),
      this.physicalCollections(),
      this.projectionGenerations(),
    ]);
    const highest = Math.max(
      active,
      ...collections.map((c) => c.parsed.generation),
      ...records.flatMap((r) => [r.live.generation, r.building?.generation ?? 0]),
    );
    // One atomic update: two processes asking at once get two numbers.
    const after = await this.meta().findOneAndUpdate(
      { _id: LAST_GENERATION_ID },
      [{ $set: { generation: { $add: [{ $max: [{ $ifNull: ['$generation', 0] }, highest] }, 1] } } }],
      { upsert: true, returnDocument: 'after', ...this.limits },
    );
    const generation = after?.generation;
    if (typeof generation !== 'number') throw new Error('The MongoDB read-model store handed out no generation');
    assertGeneration(generation);
    return generation;
  }

  async recordBuilding(
    projection: string,
    building: VersionedGeneration | null,
    fence: Fence | null = null,
  ): Promise<void> {
    assertName('projection', projection);
    if (building) assertVersioned(building);
    const active = await this.activeGeneration();
    await this.transaction(async (session) => {
      if (fence) await this.assertFence(fence, session);
      await this.projectionGenerationRecords().updateOne(
        { _id: projection },
        { $set: { building }, $setOnInsert: { live: { generation: active, version: 1 } } },
        { upsert: true, session, ...this.limits },
      );
    });
  }

  async makeLive(live: readonly LiveGeneration[], fence: Fence | null = null): Promise<void> {
    for (const { projection, generation, version } of live) {
      assertName('projection', projection);
      assertVersioned({ generation, version });
    }
    // One transaction: a query reads either every generation before it or every one after.
    await this.transaction(async (session) => {
      if (fence) await this.assertFence(fence, session);
      // Sequential on purpose: operations of one transaction must not run in parallel.
      for (const { projection, generation, version } of live) {
        await this.projectionGenerationRecords().updateOne(
          { _id: projection },
          [
            {
              $set: {
                live: { generation, version },
                building: {
                  $cond: [{ $eq: ['$building.generation', generation] }, null, { $ifNull: ['$building', null] }],
                },
              },
            },
          ],
          { upsert: true, session, ...this.limits },
        );
      }
    });
  }

  /** Its collections dropped one by one, then its checkpoint (a repeated drop finishes the job). */
  async dropProjection(generation: number, projection: string, collections: readonly string[]): Promise<void> {
    assertGeneration(generation);
    assertName('projection', projection);
    const record = await this.projectionGenerationRecords().findOne({ _id: projection }, this.limits);
    if ((record?.live.generation ?? (await this.activeGeneration())) === generation)
      throw new Error(`Generation ${generation} is live for ${projection}; it cannot be dropped`);
    // The checkpoint first, as drop() does: never a checkpoint claiming documents that are gone.
    const checkpoints = this.checkpoints(generation);
    await checkpoints.deleteOne({ _id: projection }, this.limits);
    for (const collection of collections) {
      const name = physicalCollectionName(generation, collection);
      this.prepared.delete(name);
      await this.db.dropCollection(name, this.limits).catch((error: unknown) => {
        // Never created: nothing to drop.
        if (!(error instanceof MongoServerError && error.code === NAMESPACE_NOT_FOUND)) throw error;
      });
    }
    if ((await checkpoints.countDocuments({}, this.limits)) === 0) {
      this.prepared.delete(checkpointsCollectionName(generation));
      await this.db.dropCollection(checkpointsCollectionName(generation), this.limits).catch(() => undefined);
    }
  }

  async acquireLease(name: string, owner: string, ttlMs: number): Promise<Lease | null> {
    try {
      // One atomic update on the server's clock: renewed, taken (a new epoch), or left to its holder.
      const after = await this.leases().findOneAndUpdate({ _id: name }, leaseUpdate(owner, ttlMs), {
        upsert: true,
        returnDocument: 'after',
        ...this.limits,
      });
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
      .listCollections(
        { name: { $regex: pattern }, type: 'collection' },
        { nameOnly: true, authorizedCollections: true, ...this.limits },
      )
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
    const physical =
      collection === CHECKPOINTS
        ? checkpointsCollectionName(generation)
        : physicalCollectionName(generation, collection);
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

  private projectionGenerationRecords(): Collection<ProjectionGenerationsRecord> {
    return this.db.collection<ProjectionGenerationsRecord>(PROJECTION_GENERATIONS_COLLECTION);
  }

  /** `work` in one transaction (snapshot reads, majority writes), retried by the driver on transient errors. */
  private async transaction(work: (session: ClientSession) => Promise<void>): Promise<void> {
    const session = this.client.startSession();
    try {
      await session.withTransaction(work, transactionOptions(this.operationTimeMs));
    } finally {
      await session.endSession();
    }
  }

  private async assertFence(fence: Fence, session: ClientSession): Promise<void> {
    const lease = await this.leases().findOne(
      { _id: fence.lease },
      { projection: { epoch: 1 }, session, ...this.limits },
    );
    if (lease?.epoch !== fence.epoch) throw new FencedOutError(fence, leaseAt(lease?.epoch));
  }
}
