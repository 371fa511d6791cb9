import { MongoClient, MongoServerError, ReadConcern, WriteConcern, type Collection, type Document } from 'mongodb';
import { mongoDatabaseName } from '@app/read-models';
import type {
  Claim,
  ClaimOutcome,
  IdempotencyKey,
  IdempotencyStore,
  StoredResponse,
} from '../idempotency-store.port.js';

export const COLLECTION = 'idempotency_keys';
/** The default time limit of each operation. */
export const OPERATION_TIMEOUT_MS = 10_000;

/** MongoDB's code for a write that would break a unique index. */
const DUPLICATE_KEY = 11000;

export interface IdempotencyDocument {
  /** `[principal, key]` as JSON: one document per key of each principal. */
  _id: string;
  principal: string;
  key: string;
  fingerprint: string;
  state: 'pending' | 'completed' | 'unsettled';
  owner?: string;
  /** `{status, headers, body}` as JSON text, so no field of a body can be read as an operator. */
  response?: string;
  /** The lease's end while pending, the retention's end once completed or unsettled; the TTL index deletes the document after it. */
  expiresAt: Date;
}

export interface MongoIdempotencyStoreOptions {
  /** Database name; default the one in the URL, else `cohesion_ledger` (as the read-model store). */
  readonly database?: string;
  /**
   * The time limit of each operation: the server stops it past this (maxTimeMS, and wtimeoutMS for
   * the majority's acknowledgement), and the client gives up on a server that does not answer at
   * all after twice this. Default 10 s.
   */
  readonly operationTimeoutMs?: number;
  /**
   * Added to the server's clock wherever the store reads it: for tests, which move time by it.
   * Default none.
   */
  readonly clockShiftMs?: () => number;
}

/**
 * The idempotency store on MongoDB: the collection `idempotency_keys`, the key as `_id` (unique by
 * nature) and a TTL index on `expiresAt` (expireAfterSeconds 0). Every instant is the server's
 * (`$$NOW` in update pipelines), never an API machine's. A claim is one upsert on `_id` whose
 * pipeline reads the record and takes it over only when it is not live (absent, or past
 * `expiresAt`: the TTL monitor runs about once a minute) or unsettled with the claim's fingerprint;
 * it answers the record as it is after, which is the claim's own only when it took it. Writes
 * with write concern "majority", reads with read concern "majority" from the primary; each
 * operation under a time limit; no transaction, so a standalone server will do as well as a
 * replica set.
 */
export class MongoIdempotencyStore implements IdempotencyStore {
  private constructor(
    private readonly client: MongoClient,
    private readonly keys: Collection<IdempotencyDocument>,
    private readonly operationTimeoutMs: number,
    private readonly clockShiftMs: () => number,
  ) {}

  static async connect(url: string, options: MongoIdempotencyStoreOptions = {}): Promise<MongoIdempotencyStore> {
    const timeoutMs = options.operationTimeoutMs ?? OPERATION_TIMEOUT_MS;
    const client = new MongoClient(url, {
      writeConcern: { w: 'majority', wtimeoutMS: timeoutMs },
      readConcern: { level: 'majority' },
      // The server stops an operation at its maxTimeMS; this is for a server that does not answer at all.
      socketTimeoutMS: 2 * timeoutMs,
    });
    try {
      await client.connect();
      // The read-model store's database, by the same rule.
      const db = client.db(mongoDatabaseName(url, options.database), {
        readConcern: new ReadConcern('majority'),
        writeConcern: new WriteConcern('majority', timeoutMs),
        readPreference: 'primary',
      });
      const keys = db.collection<IdempotencyDocument>(COLLECTION);
      await keys.createIndex(
        { expiresAt: 1 },
        { expireAfterSeconds: 0, name: 'idempotency_keys_expiry', maxTimeMS: timeoutMs },
      );
      return new MongoIdempotencyStore(client, keys, timeoutMs, options.clockShiftMs ?? (() => 0));
    } catch (error) {
      await client.close().catch(() => undefined);
      // eslint-disable-next-line preserve-caught-error -- driver errors may quote the URL and its password; only the error's name is kept
      throw new Error(`Cannot open the idempotency store on MongoDB: ${error instanceof Error ? error.name : 'error'}`);
    }
  }

  async claim(claim: Claim): Promise<ClaimOutcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        const after = await this.keys.findOneAndUpdate({ _id: documentId(claim) }, claimPipeline(claim, this.now()), {
          upsert: true,
          returnDocument: 'after',
          maxTimeMS: this.operationTimeoutMs,
        });
        if (!after) throw new Error('MongoDB answered an upsert with no document');
        return after.state === 'pending' && after.owner === claim.owner
          ? { status: 'claimed', leaseUntil: after.expiresAt }
          : outcomeOf(after);
      } catch (error) {
        // Two first claims at once: the server retries the loser's insert as an update, but may
        // answer the duplicate instead; the record is there now, and the next attempt reads it.
        if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY) || attempt >= 3) throw error;
      }
    }
  }

  async renew(key: IdempotencyKey, owner: string, leaseMs: number): Promise<boolean> {
    const result = await this.keys.updateOne(
      ownersClaim(key, owner),
      [{ $set: { expiresAt: { $add: [this.now(), leaseMs] } } }],
      { maxTimeMS: this.operationTimeoutMs },
    );
    return result.matchedCount === 1;
  }

  async complete(key: IdempotencyKey, owner: string, response: StoredResponse, retentionMs: number): Promise<boolean> {
    const result = await this.keys.updateOne(
      ownersClaim(key, owner),
      [
        {
          $set: {
            state: 'completed',
            response: { $literal: JSON.stringify(response) },
            expiresAt: { $add: [this.now(), retentionMs] },
          },
        },
        { $unset: 'owner' },
      ],
      { maxTimeMS: this.operationTimeoutMs },
    );
    return result.matchedCount === 1;
  }

  async release(key: IdempotencyKey, owner: string): Promise<void> {
    await this.keys.deleteOne(ownersClaim(key, owner), { maxTimeMS: this.operationTimeoutMs });
  }

  async keepUnsettled(key: IdempotencyKey, owner: string, retentionMs: number): Promise<boolean> {
    const result = await this.keys.updateOne(
      ownersClaim(key, owner),
      [{ $set: { state: 'unsettled', expiresAt: { $add: [this.now(), retentionMs] } } }, { $unset: 'owner' }],
      { maxTimeMS: this.operationTimeoutMs },
    );
    return result.matchedCount === 1;
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  /** The server's clock, as an aggregation expression. */
  private now(): Document | string {
    const shift = this.clockShiftMs();
    return shift === 0 ? '$$NOW' : { $add: ['$$NOW', shift] };
  }
}

/**
 * The claim's update: the record becomes the claim when it is not live, or is unsettled with the
 * claim's fingerprint; otherwise it stays as it is. The values the client chose (key, fingerprint)
 * go in as literals, so none is read as a field path or an operator.
 */
export function claimPipeline(claim: Claim, now: Document | string): Document[] {
  // An absent record (the upsert's `{_id}`) has no expiresAt, which is below any date: not live.
  const live = { $gt: ['$expiresAt', now] };
  const retryOfUnsettled = {
    $and: [{ $eq: ['$state', 'unsettled'] }, { $eq: ['$fingerprint', { $literal: claim.fingerprint }] }],
  };
  const claimed = {
    _id: '$_id',
    principal: { $literal: claim.principal },
    key: { $literal: claim.key },
    fingerprint: { $literal: claim.fingerprint },
    state: 'pending',
    owner: { $literal: claim.owner },
    expiresAt: { $add: [now, claim.leaseMs] },
  };
  return [{ $replaceWith: { $cond: [{ $or: [{ $not: [live] }, retryOfUnsettled] }, claimed, '$$ROOT'] } }];
}

function ownersClaim(key: IdempotencyKey, owner: string) {
  return { _id: { $eq: documentId(key) }, owner: { $eq: owner }, state: 'pending' as const };
}

export function documentId({ principal, key }: IdempotencyKey): string {
  return JSON.stringify([principal, key]);
}

export function outcomeOf(document: IdempotencyDocument): ClaimOutcome {
  switch (document.state) {
    case 'completed':
      return {
        status: 'completed',
        fingerprint: document.fingerprint,
        response: JSON.parse(document.response ?? 'null') as StoredResponse,
        expiresAt: document.expiresAt,
      };
    case 'unsettled':
      return { status: 'unsettled', fingerprint: document.fingerprint, expiresAt: document.expiresAt };
    case 'pending':
      return { status: 'pending', fingerprint: document.fingerprint, leaseUntil: document.expiresAt };
    default: {
      const unknown: never = document.state;
      throw new Error(`Unknown idempotency record state ${String(unknown)}`);
    }
  }
}
