import { MongoClient, MongoServerError, ReadConcern, WriteConcern, type Collection } from 'mongodb';
import type { Claim, ClaimOutcome, IdempotencyKey, IdempotencyStore, StoredResponse } from '../idempotency-store.port.js';

/** The database when the URL names none: the read-model store's. */
export const DEFAULT_DATABASE = 'cohesion_ledger';
export const COLLECTION = 'idempotency_keys';

/** MongoDB's code for a write that would break a unique index. */
const DUPLICATE_KEY = 11000;

export interface IdempotencyDocument {
  /** `[principal, key]` as JSON: one document per key of each principal. */
  _id: string;
  principal: string;
  key: string;
  fingerprint: string;
  state: 'pending' | 'completed';
  owner?: string;
  /** `{status, headers, body}` as JSON text, so no field of a body can be read as an operator. */
  response?: string;
  /** The lease's end while pending, the retention's end once completed; the TTL index deletes the document after it. */
  expiresAt: Date;
}

export interface MongoIdempotencyStoreOptions {
  /** Database name; default the one in the URL, else `cohesion_ledger` (as the read-model store). */
  readonly database?: string;
}

/**
 * The idempotency store on MongoDB: the collection `idempotency_keys`, the key as `_id` (unique by
 * nature) and a TTL index on `expiresAt` (expireAfterSeconds 0). A claim is one conditional upsert
 * (`_id` and `expiresAt <= now`): it inserts a new document, or takes over an expired one, or
 * fails on the unique `_id` because a live one is there, which it then reads. The TTL monitor runs
 * about once a minute, so expiry is also checked on every claim. Writes with write concern
 * "majority", reads with read concern "majority" from the primary; no transaction, so a standalone
 * server will do as well as a replica set.
 */
export class MongoIdempotencyStore implements IdempotencyStore {
  private constructor(
    private readonly client: MongoClient,
    private readonly keys: Collection<IdempotencyDocument>,
  ) {}

  static async connect(url: string, options: MongoIdempotencyStoreOptions = {}): Promise<MongoIdempotencyStore> {
    const client = new MongoClient(url, { writeConcern: { w: 'majority' }, readConcern: { level: 'majority' } });
    try {
      await client.connect();
      const db = client.db(options.database || databaseNameFromUrl(url) || DEFAULT_DATABASE, {
        readConcern: new ReadConcern('majority'),
        writeConcern: new WriteConcern('majority'),
        readPreference: 'primary',
      });
      const keys = db.collection<IdempotencyDocument>(COLLECTION);
      await keys.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0, name: 'idempotency_keys_expiry' });
      return new MongoIdempotencyStore(client, keys);
    } catch (error) {
      await client.close().catch(() => undefined);
      // eslint-disable-next-line preserve-caught-error -- driver errors may quote the URL and its password; only the error's name is kept
      throw new Error(`Cannot open the idempotency store on MongoDB: ${error instanceof Error ? error.name : 'error'}`);
    }
  }

  async claim(claim: Claim): Promise<ClaimOutcome> {
    const _id = documentId(claim);
    try {
      // Inserts the key's document, or takes over an expired one; a live one fails the insert on `_id`.
      await this.keys.updateOne(
        { _id, expiresAt: { $lte: claim.at } },
        {
          $set: { principal: claim.principal, key: claim.key, fingerprint: claim.fingerprint, state: 'pending', owner: claim.owner, expiresAt: claim.leaseUntil },
          $unset: { response: '' },
        },
        { upsert: true },
      );
      return { status: 'claimed' };
    } catch (error) {
      if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
    }
    const live = await this.keys.findOne({ _id });
    if (live && live.expiresAt.getTime() > claim.at.getTime()) return outcomeOf(live);
    // Live at the upsert, gone or changed since (or not yet majority-committed): as good as
    // pending for the caller, which waits and claims again.
    return { status: 'pending', fingerprint: live?.fingerprint ?? claim.fingerprint, leaseUntil: claim.at };
  }

  async renew(key: IdempotencyKey, owner: string, leaseUntil: Date): Promise<boolean> {
    const result = await this.keys.updateOne({ _id: { $eq: documentId(key) }, owner: { $eq: owner }, state: 'pending' }, { $set: { expiresAt: leaseUntil } });
    return result.matchedCount === 1;
  }

  async complete(key: IdempotencyKey, owner: string, response: StoredResponse, expiresAt: Date): Promise<boolean> {
    const result = await this.keys.updateOne(
      { _id: { $eq: documentId(key) }, owner: { $eq: owner }, state: 'pending' },
      { $set: { state: 'completed', response: JSON.stringify(response), expiresAt }, $unset: { owner: '' } },
    );
    return result.matchedCount === 1;
  }

  async release(key: IdempotencyKey, owner: string): Promise<void> {
    await this.keys.deleteOne({ _id: { $eq: documentId(key) }, owner: { $eq: owner }, state: 'pending' });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

export function documentId({ principal, key }: IdempotencyKey): string {
  return JSON.stringify([principal, key]);
}

export function outcomeOf(document: IdempotencyDocument): ClaimOutcome {
  return document.state === 'completed'
    ? { status: 'completed', fingerprint: document.fingerprint, response: JSON.parse(document.response ?? 'null') as StoredResponse, expiresAt: document.expiresAt }
    : { status: 'pending', fingerprint: document.fingerprint, leaseUntil: document.expiresAt };
}

/** The database named in a `mongodb://host/<database>` URL, or null (the read-model store's rule). */
export function databaseNameFromUrl(url: string): string | null {
  const match = /^mongodb(?:\+srv)?:\/\/[^/?#]*\/([^?#]*)/i.exec(url);
  if (!match?.[1]) return null;
  try {
    return decodeURIComponent(match[1]) || null;
  } catch {
    return null;
  }
}
