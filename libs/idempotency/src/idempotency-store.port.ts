/**
 * The idempotency store's port: one record per (principal, Idempotency-Key), first claimed by the
 * request that runs, then holding its response. Every operation is atomic on the shared storage,
 * so processes that share it (two API instances on one data directory, or on one MongoDB) agree
 * on who runs a key. Adapters: embedded (SQLite, the default) and MongoDB; both pass
 * idempotency-store.contract-spec.ts and idempotency-store-leases.contract-spec.ts.
 *
 * Time is the store's own: calls bring durations, and the store computes and compares every
 * instant with one clock (MongoDB's server; for SQLite, the machine that holds the file). The
 * callers' clocks, which may disagree by minutes across machines, never decide whether a claim is live.
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
  /** The claimant's own token: only it may renew, complete, release or keep the claim. */
  readonly owner: string;
  /** How long the claim holds, from the store's now, unless renewed; past it, its owner is taken for dead and the key may be claimed again. */
  readonly leaseMs: number;
}

/** Instants below are the store's, as it computed them. */
export type ClaimOutcome =
  | { readonly status: 'claimed'; readonly leaseUntil: Date }
  | { readonly status: 'pending'; readonly fingerprint: string; readonly leaseUntil: Date }
  | {
      readonly status: 'completed';
      readonly fingerprint: string;
      readonly response: StoredResponse;
      readonly expiresAt: Date;
    }
  /** A request that failed with an unknown outcome (it may have been written), kept with its fingerprint until `expiresAt`. */
  | { readonly status: 'unsettled'; readonly fingerprint: string; readonly expiresAt: Date };

export interface IdempotencyStore {
  /**
   * When the key has no live record (none; a completed or unsettled one past its retention; a
   * pending one past its lease), or an unsettled one with the claim's own fingerprint, records a
   * pending claim owned by `claim.owner` and answers `claimed`; otherwise changes nothing and
   * answers the live record. Of any number of claims at once, in any process, one at most is
   * answered `claimed`.
   */
  claim(claim: Claim): Promise<ClaimOutcome>;
  /** Extends the owner's pending claim to `leaseMs` from the store's now; false when it is no longer the owner's. */
  renew(key: IdempotencyKey, owner: string, leaseMs: number): Promise<boolean>;
  /** Turns the owner's pending claim into the response, kept for `retentionMs` from the store's now; false (nothing kept) when it is no longer the owner's. */
  complete(key: IdempotencyKey, owner: string, response: StoredResponse, retentionMs: number): Promise<boolean>;
  /** Deletes the owner's pending claim, so the key may be used again; nothing when it is no longer the owner's. */
  release(key: IdempotencyKey, owner: string): Promise<void>;
  /**
   * Turns the owner's pending claim into an unsettled record, kept with its fingerprint for
   * `retentionMs` from the store's now: the request failed and may have been written, so only a
   * retry of it (the same fingerprint) may claim the key; false when it is no longer the owner's.
   */
  keepUnsettled(key: IdempotencyKey, owner: string, retentionMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export const IDEMPOTENCY_STORE = Symbol('IdempotencyStore');
