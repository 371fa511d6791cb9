/**
 * The idempotency store's port: one record per (principal, Idempotency-Key), first claimed by the
 * request that runs, then holding its response. Every operation is atomic on the shared storage,
 * so processes that share it (two API instances on one data directory, or on one MongoDB) agree
 * on who runs a key. Adapters: embedded (SQLite, the default) and MongoDB; both pass
 * idempotency-store.contract-spec.ts. Time is never read here: each call brings its instants,
 * from the caller's clock.
 */
export interface StoredResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** Whose key: keys are chosen by clients, so each principal has keys of its own. */
export interface IdempotencyKey {
  readonly principal: string;
  readonly key: string;
}

export interface Claim extends IdempotencyKey {
  /** The request's fingerprint (method, path, body, If-Match): tells a retry from another request reusing the key. */
  readonly fingerprint: string;
  /** The claimant's own token: only it may renew, complete or release the claim. */
  readonly owner: string;
  readonly at: Date;
  /** Until when the claim holds unless renewed; past it, its owner is taken for dead and the key may be claimed again. */
  readonly leaseUntil: Date;
}

export type ClaimOutcome =
  | { readonly status: 'claimed' }
  | { readonly status: 'pending'; readonly fingerprint: string; readonly leaseUntil: Date }
  | { readonly status: 'completed'; readonly fingerprint: string; readonly response: StoredResponse; readonly expiresAt: Date };

export interface IdempotencyStore {
  /**
   * When the key has no live record (none; a completed one past its retention; a pending one past
   * its lease), records a pending claim owned by `claim.owner` and answers `claimed`; otherwise
   * changes nothing and answers the live record. Of any number of claims at once, in any process,
   * one at most is answered `claimed`.
   */
  claim(claim: Claim): Promise<ClaimOutcome>;
  /** Extends the owner's pending claim to `leaseUntil`; false when it is no longer the owner's. */
  renew(key: IdempotencyKey, owner: string, leaseUntil: Date): Promise<boolean>;
  /** Turns the owner's pending claim into the response, kept until `expiresAt`; false (nothing kept) when it is no longer the owner's. */
  complete(key: IdempotencyKey, owner: string, response: StoredResponse, expiresAt: Date): Promise<boolean>;
  /** Deletes the owner's pending claim, so the key may be used again; nothing when it is no longer the owner's. */
  release(key: IdempotencyKey, owner: string): Promise<void>;
  close(): Promise<void>;
}

export const IDEMPOTENCY_STORE = Symbol('IdempotencyStore');
