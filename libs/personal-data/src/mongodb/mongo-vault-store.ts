import { MongoClient, MongoServerError, MongoServerSelectionError, ServerType, WriteConcern, type Collection, type Db, type Document } from 'mongodb';
import type { SubjectRecord, VaultStore } from '../vault-store.port.js';

type SubjectDocument = { _id: string; lookup: string; wrappedKey: string; sealed: string; createdAt: string };
type ErasureDocument = { _id: string; erasedAt: string };

/** MongoDB's code for a write that would break a unique index. */
const DUPLICATE_KEY = 11000;

/**
 * The vault on MongoDB: `vault_subjects` (unique on `lookup`) and `vault_erasures`, every write with
 * write concern "majority". MongoDB does not overwrite a deleted document's bytes on disk at once:
 * what may linger until the storage engine reuses the space is ciphertext whose key was deleted with
 * it (docs/adr/0009).
 */
export class MongoVaultStore implements VaultStore {
  private constructor(
    private readonly client: MongoClient,
    private readonly subjects: Collection<SubjectDocument>,
    private readonly erasures: Collection<ErasureDocument>,
  ) {}

  static async connect(url: string, database?: string): Promise<MongoVaultStore> {
    const client = new MongoClient(url, { writeConcern: { w: 'majority' }, readConcern: { level: 'majority' } });
    try {
      await client.connect();
      if (!replicaSetNotInitiated(await client.db('admin').command({ hello: 1 }))) {
        const db: Db = client.db(database, { writeConcern: new WriteConcern('majority') });
        const subjects = db.collection<SubjectDocument>('vault_subjects');
        await subjects.createIndex({ lookup: 1 }, { unique: true, name: 'vault_subjects_lookup' });
        return new MongoVaultStore(client, subjects, db.collection<ErasureDocument>('vault_erasures'));
      }
    } catch (error) {
      await client.close().catch(() => undefined);
      const reason = replicaSetNotInitiated(error) ? REPLICA_SET_NOT_INITIATED : error instanceof Error ? error.name : 'error';
      throw new Error(`Cannot open the personal-data vault on MongoDB: ${reason}`, { cause: error });
    }
    await client.close().catch(() => undefined);
    throw new Error(`Cannot open the personal-data vault on MongoDB: ${REPLICA_SET_NOT_INITIATED}`);
  }

  async insert(record: SubjectRecord) {
    try {
      await this.subjects.insertOne({ _id: record.subjectId, lookup: record.lookup, wrappedKey: record.wrappedKey, sealed: record.sealed, createdAt: record.createdAt });
      return { inserted: true } as const;
    } catch (error) {
      if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
      const existing = await this.byLookup(record.lookup);
      if (!existing) throw new Error('A vault record collided with one that is gone', { cause: error });
      return { inserted: false, existing: existing.subjectId } as const;
    }
  }

  async bySubject(subjectId: string): Promise<SubjectRecord | null> {
    return toRecord(await this.subjects.findOne({ _id: { $eq: subjectId } }));
  }

  async byLookup(lookup: string): Promise<SubjectRecord | null> {
    return toRecord(await this.subjects.findOne({ lookup: { $eq: lookup } }));
  }

  async erase(subjectId: string, erasedAt: string): Promise<void> {
    await this.erasures.updateOne({ _id: { $eq: subjectId } }, { $setOnInsert: { erasedAt } }, { upsert: true });
    await this.subjects.deleteOne({ _id: { $eq: subjectId } });
  }

  async erasedAt(subjectId: string): Promise<string | null> {
    return (await this.erasures.findOne({ _id: { $eq: subjectId } }))?.erasedAt ?? null;
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

export const REPLICA_SET_NOT_INITIATED = 'replica set not initiated: run rs.initiate() on the replica set, then start again';

/**
 * Whether MongoDB shows a member of a replica set that is not initiated: a `hello` reply with
 * `isreplicaset: true` (and no setName), or a server selection that timed out having seen
 * such a member (the driver's 'RSGhost': a URL naming the replica set never selects one).
 * The read-model store tells the same cases apart in its mongo-mapping.ts.
 */
export function replicaSetNotInitiated(evidence: unknown): boolean {
  if (evidence instanceof MongoServerSelectionError) {
    const servers = (evidence.reason as { servers?: unknown } | undefined)?.servers;
    return servers instanceof Map && [...(servers as Map<string, { type?: unknown }>).values()].some((server) => server?.type === ServerType.RSGhost);
  }
  return typeof evidence === 'object' && evidence !== null && (evidence as Document)['isreplicaset'] === true;
}

function toRecord(document: SubjectDocument | null): SubjectRecord | null {
  return document ? { subjectId: document._id, lookup: document.lookup, wrappedKey: document.wrappedKey, sealed: document.sealed, createdAt: document.createdAt } : null;
}
