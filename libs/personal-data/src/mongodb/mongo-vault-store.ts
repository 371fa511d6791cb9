import {
  MongoBulkWriteError,
  MongoClient,
  MongoServerError,
  MongoServerSelectionError,
  ReadConcern,
  ServerType,
  WriteConcern,
  type AnyBulkWriteOperation,
  type Collection,
  type Document,
  type MongoClientOptions,
} from 'mongodb';
import type { Rewrap, SubjectRecord, VaultStore } from '../vault-store.port.js';

export type SubjectDocument = {
  _id: string;
  keyId: string;
  wrappedKey: string;
  lookups: { keyId: string; value: string }[];
  sealed: string;
  createdAt: string;
};
export type ErasureDocument = { _id: string; erasedAt: string; shreddedAt: string | null };
export type LeaseDocument = { _id: string; owner: string; expiresAt: Date };

export interface VaultCollections {
  readonly subjects: Collection<SubjectDocument>;
  readonly erasures: Collection<ErasureDocument>;
  readonly leases: Collection<LeaseDocument>;
}

/** How long the server may spend on one operation of the vault (maxTimeMS), and a majority write wait for its replicas (wtimeoutMS). */
export const VAULT_OPERATION_TIMEOUT_MS = 10_000;

/** MongoDB's code for a write that would break a unique index. */
const DUPLICATE_KEY = 11000;
const INDEX_NOT_FOUND = 27;
const NAMESPACE_NOT_FOUND = 26;

/**
 * The client's settings: majority reads and writes, and time limits so that no call waits on a
 * server for ever. The driver's `timeoutMS` is a no-op in this driver line (it says so when
 * given), so the limit is the server's own per operation: `maxTimeMS` on every call (see
 * MongoVaultStore), `wtimeoutMS` on the write concern, and on the client side server selection
 * and a socket bound a little above it.
 */
export function mongoVaultClientOptions(timeoutMs: number): MongoClientOptions {
  return {
    writeConcern: { w: 'majority', wtimeoutMS: timeoutMs },
    readConcern: { level: 'majority' },
    serverSelectionTimeoutMS: timeoutMs,
    socketTimeoutMS: timeoutMs + 5_000,
  };
}

/**
 * The vault on MongoDB, in the database the configuration names (VAULT_DATABASE): `vault_subjects`
 * (unique on `lookups.value`), `vault_erasures` and `vault_leases`, every write with write concern
 * "majority". What MongoDB keeps of a deleted or rewritten document (free space in its files, the
 * oplog, every backup) is ciphertext under key generations the rotation destroys (docs/adr/0009).
 */
export class MongoVaultStore implements VaultStore {
  private readonly limit: { maxTimeMS: number };

  /** `connect` is the way in; tests build one over collections of their own. */
  constructor(
    private readonly collections: VaultCollections,
    timeoutMs: number,
    private readonly onClose: () => Promise<void> = async () => undefined,
  ) {
    this.limit = { maxTimeMS: timeoutMs };
  }

  static async connect(url: string, options: { database: string; timeoutMs?: number }): Promise<MongoVaultStore> {
    const timeoutMs = options.timeoutMs ?? VAULT_OPERATION_TIMEOUT_MS;
    const client = new MongoClient(url, mongoVaultClientOptions(timeoutMs));
    try {
      await client.connect();
      if (!replicaSetNotInitiated(await client.db('admin').command({ hello: 1 }))) {
        const db = client.db(options.database, {
          writeConcern: new WriteConcern('majority', timeoutMs),
          readConcern: new ReadConcern('majority'),
          readPreference: 'primary',
        });
        const store = new MongoVaultStore(
          {
            subjects: db.collection<SubjectDocument>('vault_subjects'),
            erasures: db.collection<ErasureDocument>('vault_erasures'),
            leases: db.collection<LeaseDocument>('vault_leases'),
          },
          timeoutMs,
          () => client.close(),
        );
        await store.prepare();
        return store;
      }
    } catch (error) {
      await client.close().catch(() => undefined);
      const reason = replicaSetNotInitiated(error)
        ? REPLICA_SET_NOT_INITIATED
        : error instanceof Error
          ? error.name
          : 'error';
      throw new Error(`Cannot open the personal-data vault on MongoDB: ${reason}`, { cause: error });
    }
    await client.close().catch(() => undefined);
    throw new Error(`Cannot open the personal-data vault on MongoDB: ${REPLICA_SET_NOT_INITIATED}`);
  }

  /** Refuses records written before the keyring; drops the index of that layout (one lookup a record) and creates this one's. */
  async prepare(): Promise<void> {
    const { subjects, erasures } = this.collections;
    const legacy = await subjects.countDocuments({ keyId: { $exists: false } }, this.limit);
    if (legacy > 0) {
      throw new Error(
        `The vault holds ${legacy} subject(s) written before the vault's keyring (their keys are wrapped under VAULT_KEY itself): this build cannot read them (docs/adr/0009)`,
      );
    }
    try {
      await subjects.dropIndex('vault_subjects_lookup', this.limit);
    } catch (error) {
      if (!(
        error instanceof MongoServerError &&
        (error.code === INDEX_NOT_FOUND || error.code === NAMESPACE_NOT_FOUND)
      ))
        throw error;
    }
    await subjects.createIndex({ 'lookups.value': 1 }, { unique: true, name: 'vault_subjects_lookups', ...this.limit });
    await subjects.createIndex({ keyId: 1, _id: 1 }, { name: 'vault_subjects_by_key', ...this.limit });
    await erasures.createIndex({ shreddedAt: 1 }, { name: 'vault_erasures_pending', ...this.limit });
  }

  async insert(record: SubjectRecord) {
    try {
      await this.collections.subjects.insertOne(toDocument(record), this.limit);
      return { inserted: true } as const;
    } catch (error) {
      if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
      const existing = await this.byLookup(record.lookups.map((l) => l.value));
      if (!existing) throw new Error('A vault record collided with one that is gone', { cause: error });
      return { inserted: false, existing: existing.subjectId } as const;
    }
  }

  async bySubject(subjectId: string): Promise<SubjectRecord | null> {
    return toRecord(await this.collections.subjects.findOne({ _id: { $eq: subjectId } }, this.limit));
  }

  async byLookup(values: readonly string[]): Promise<SubjectRecord | null> {
    return toRecord(await this.collections.subjects.findOne({ 'lookups.value': { $in: [...values] } }, this.limit));
  }

  async rewrap(moves: readonly Rewrap[]): Promise<{ readonly duplicates: readonly string[] }> {
    if (moves.length === 0) return { duplicates: [] };
    try {
      await this.collections.subjects.bulkWrite(rewrapOperations(moves), { ordered: false, ...this.limit });
      return { duplicates: [] };
    } catch (error) {
      return { duplicates: duplicateMoves(error, moves) };
    }
  }

  async discard(subjectId: string, keyId: string): Promise<void> {
    await this.collections.subjects.deleteOne({ _id: { $eq: subjectId }, keyId: { $eq: keyId } }, this.limit);
  }

  async wrappedUnder(keyIds: readonly string[], limit: number): Promise<readonly SubjectRecord[]> {
    const documents = await this.collections.subjects
      .find({ keyId: { $in: [...keyIds] } }, { sort: { _id: 1 }, limit, ...this.limit })
      .toArray();
    return documents.map((d) => toRecord(d)!);
  }

  async keyUsage(): Promise<ReadonlyMap<string, number>> {
    const rows = await this.collections.subjects
      .aggregate<{ _id: string; n: number }>([{ $group: { _id: '$keyId', n: { $sum: 1 } } }], this.limit)
      .toArray();
    return new Map(rows.map((r) => [r._id, r.n]));
  }

  async dropLookups(liveKeyIds: readonly string[]): Promise<void> {
    const live = [...liveKeyIds];
    // Only records under a live key: each keeps that key's lookup, so no array is left empty.
    await this.collections.subjects.updateMany(
      { keyId: { $in: live }, lookups: { $elemMatch: { keyId: { $nin: live } } } },
      { $pull: { lookups: { keyId: { $nin: live } } } },
      this.limit,
    );
  }

  async erase(subjectId: string, erasedAt: string): Promise<void> {
    // The erasure first: cut short before the delete, the rotation it leaves owed deletes the record (forget).
    await this.collections.erasures.updateOne(
      { _id: { $eq: subjectId } },
      { $setOnInsert: { erasedAt, shreddedAt: null } },
      { upsert: true, ...this.limit },
    );
    await this.collections.subjects.deleteOne({ _id: { $eq: subjectId } }, this.limit);
  }

  async erasedAt(subjectId: string): Promise<string | null> {
    return (await this.collections.erasures.findOne({ _id: { $eq: subjectId } }, this.limit))?.erasedAt ?? null;
  }

  async pendingErasures(): Promise<readonly string[]> {
    const pending = await this.collections.erasures
      .find({ shreddedAt: null }, { projection: { _id: 1 }, sort: { _id: 1 }, ...this.limit })
      .toArray();
    return pending.map((e) => e._id);
  }

  async forget(subjectIds: readonly string[]): Promise<void> {
    if (subjectIds.length > 0)
      await this.collections.subjects.deleteMany({ _id: { $in: [...subjectIds] } }, this.limit);
  }

  async markShredded(subjectIds: readonly string[], shreddedAt: string): Promise<void> {
    if (subjectIds.length > 0)
      await this.collections.erasures.updateMany(
        { _id: { $in: [...subjectIds] }, shreddedAt: null },
        { $set: { shreddedAt } },
        this.limit,
      );
  }

  async acquireLease(name: string, owner: string, ttlMs: number, now: Date): Promise<boolean> {
    try {
      // Held by this owner or lapsed: take it. Held by another: the filter misses, the upsert's
      // insert meets the existing _id, and the duplicate key says someone else holds it.
      const held = await this.collections.leases.findOneAndUpdate(
        { _id: name, $or: [{ owner }, { expiresAt: { $lte: now } }] },
        { $set: { owner, expiresAt: new Date(now.getTime() + ttlMs) } },
        { upsert: true, returnDocument: 'after', ...this.limit },
      );
      return held?.owner === owner;
    } catch (error) {
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return false;
      throw error;
    }
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    await this.collections.leases.deleteOne({ _id: name, owner }, this.limit);
  }

  async close(): Promise<void> {
    await this.onClose();
  }
}

/** Each move as a compare-and-set: only while the record is under the key it was read under. */
export function rewrapOperations(moves: readonly Rewrap[]): AnyBulkWriteOperation<SubjectDocument>[] {
  return moves.map((move) => ({
    updateOne: {
      filter: { _id: { $eq: move.subjectId }, keyId: { $eq: move.fromKeyId } },
      update: {
        $set: { keyId: move.keyId, wrappedKey: move.wrappedKey },
        $addToSet: { lookups: { $each: move.lookups.map((l) => ({ keyId: l.keyId, value: l.value })) } },
      },
    },
  }));
}

/** The subjects of the moves refused for a lookup another subject holds; any other failure is thrown. */
export function duplicateMoves(error: unknown, moves: readonly Rewrap[]): string[] {
  if (!(error instanceof MongoBulkWriteError)) throw error;
  const failures = [error.writeErrors].flat() as { index: number; code?: number }[];
  if (failures.length === 0 || failures.some((f) => f.code !== DUPLICATE_KEY)) throw error;
  return failures.map((f) => moves[f.index]!.subjectId);
}

export function toDocument(record: SubjectRecord): SubjectDocument {
  return {
    _id: record.subjectId,
    keyId: record.keyId,
    wrappedKey: record.wrappedKey,
    lookups: record.lookups.map((l) => ({ keyId: l.keyId, value: l.value })),
    sealed: record.sealed,
    createdAt: record.createdAt,
  };
}

export function toRecord(document: SubjectDocument | null): SubjectRecord | null {
  return document
    ? {
        subjectId: document._id,
        keyId: document.keyId,
        wrappedKey: document.wrappedKey,
        lookups: document.lookups.map((l) => ({ keyId: l.keyId, value: l.value })),
        sealed: document.sealed,
        createdAt: document.createdAt,
      }
    : null;
}

export const REPLICA_SET_NOT_INITIATED =
  'replica set not initiated: run rs.initiate() on the replica set, then start again';

/**
 * Whether MongoDB shows a member of a replica set that is not initiated: a `hello` reply with
 * `isreplicaset: true` (and no setName), or a server selection that timed out having seen
 * such a member (the driver's 'RSGhost': a URL naming the replica set never selects one).
 * The read-model store tells the same cases apart in its mongo-server.ts.
 */
export function replicaSetNotInitiated(evidence: unknown): boolean {
  if (evidence instanceof MongoServerSelectionError) {
    const servers = (evidence.reason as { servers?: unknown } | undefined)?.servers;
    return (
      servers instanceof Map &&
      [...(servers as Map<string, { type?: unknown }>).values()].some((server) => server?.type === ServerType.RSGhost)
    );
  }
  return typeof evidence === 'object' && evidence !== null && (evidence as Document)['isreplicaset'] === true;
}
