import { MongoServerError, type ClientSession, type Document } from 'mongodb';
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
  type ProjectionStatus,
  type ReadModelDocument,
  type ReadModelSpace,
  type Where,
} from '../read-model-store.port.js';
import {
  assertCheckpoint,
  claimableBy,
  commitUpdate,
  failureUpdate,
  interruptionUpdate,
  storedCheckpoint,
  toProjectionStatus,
} from './mongo-checkpoints.js';
import {
  fromStoredDocument,
  groupChanges,
  toMongoFilter,
  toMongoFind,
  toWriteModels,
  type StoredDocument,
} from './mongo-documents.js';
import { CHECKPOINTS } from './mongo-layout.js';
import type { MongoReadModelStore } from './mongo-read-model-store.js';
import { DUPLICATE_KEY, transactionOptions } from './mongo-server.js';

/** One generation of the MongoDB read-model store (see mongo-read-model-store.ts for the layout). */
export class MongoSpace implements ReadModelSpace {
  constructor(
    private readonly store: MongoReadModelStore,
    readonly generation: number,
  ) {}

  async get(collection: string, id: string): Promise<ReadModelDocument | null> {
    const stored = await this.store
      .documents(this.generation, collection)
      .findOne({ _id: id }, { projection: { _id: 0, doc: 1 }, ...this.store.limits });
    return fromStoredDocument(stored);
  }

  async getMany(collection: string, ids: readonly string[]): Promise<Map<string, ReadModelDocument>> {
    const found = new Map<string, ReadModelDocument>();
    if (ids.length === 0) return found;
    const rows = await this.store
      .documents(this.generation, collection)
      .find({ _id: { $in: [...ids] } }, { ...this.store.limits })
      .toArray();
    for (const row of rows) found.set(row._id, fromStoredDocument(row) as ReadModelDocument);
    return found;
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
    const rows = await this.store
      .documents(this.generation, collection)
      .find({}, { sort: { _id: 1 }, ...this.store.limits })
      .toArray();
    return rows.map((row) => ({ id: row._id, document: fromStoredDocument(row) as ReadModelDocument }));
  }

  /** Logical collections of this generation holding at least one document, by name. */
  async collections(): Promise<string[]> {
    const candidates = (await this.store.physicalCollections(this.generation)).flatMap(({ name, parsed }) =>
      parsed.kind === 'documents' ? [{ name, collection: parsed.collection }] : [],
    );
    const nonEmpty = await Promise.all(
      candidates.map(async (c) => ((await this.store.hasDocuments(c.name)) ? c.collection : null)),
    );
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
  async commit(
    projection: string,
    changes: readonly DocumentChange[],
    move: CheckpointMove,
    fence: Fence | null = null,
  ): Promise<void> {
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
        if (fence && typeof record?.epoch === 'number' && record.epoch > fence.epoch)
          throw new FencedOutError(fence, `epoch ${record.epoch} has claimed the projection`);
        assertMovesFrom(projection, storedCheckpoint(record), move);
        // Sequential on purpose: operations of one transaction must not run in parallel.
        for (const batch of batches) {
          await this.store.db
            .collection<StoredDocument>(batch.physical)
            .bulkWrite(toWriteModels(batch), { session: txn, ordered: true, ...limits });
        }
        await checkpoints.updateOne({ _id: projection }, commitUpdate(move.to, fence), {
          session: txn,
          upsert: true,
          ...limits,
        });
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
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY)
        throw new FencedOutError(fence, 'a later term has claimed the projection');
      throw error;
    }
  }

  async status(projection: string): Promise<ProjectionStatus> {
    return toProjectionStatus(
      projection,
      await this.store.checkpoints(this.generation).findOne({ _id: projection }, this.store.limits),
    );
  }

  async statuses(): Promise<ProjectionStatus[]> {
    const records = await this.store
      .checkpoints(this.generation)
      .find({}, { sort: { _id: 1 }, ...this.store.limits })
      .toArray();
    return records.map((record) => toProjectionStatus(record._id, record));
  }

  /** Under a fence, refused once a later term has the lease or has claimed the projection. */
  async recordFailure(projection: string, at: Checkpoint, message: string, fence: Fence | null = null): Promise<void> {
    assertName('projection', projection);
    await this.record(projection, { ...failureUpdate(at, message), $unset: { interruption: '' } }, fence);
  }

  async recordInterruption(
    projection: string,
    interruption: Interruption | null,
    fence: Fence | null = null,
  ): Promise<void> {
    assertName('projection', projection);
    await this.record(projection, interruptionUpdate(interruption), fence);
  }

  private async record(projection: string, update: Document, fence: Fence | null): Promise<void> {
    if (fence) await this.assertFence(fence, this.store.limits);
    try {
      await this.store
        .checkpoints(this.generation)
        .updateOne(claimableBy(projection, fence), update, { upsert: true, ...this.store.limits });
    } catch (error) {
      if (fence && error instanceof MongoServerError && error.code === DUPLICATE_KEY)
        throw new FencedOutError(fence, 'a later term has claimed the projection');
      throw error;
    }
  }

  private async assertFence(fence: Fence, options: { session?: ClientSession; maxTimeMS: number }): Promise<void> {
    const lease = await this.store.leases().findOne({ _id: fence.lease }, { projection: { epoch: 1 }, ...options });
    if (lease?.epoch !== fence.epoch) throw new FencedOutError(fence, leaseAt(lease?.epoch));
  }
}
