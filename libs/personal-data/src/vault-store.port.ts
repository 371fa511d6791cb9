/**
 * The personal-data vault's storage port: opaque, encrypted records of natural persons, found by
 * subject id or by a keyed hash of their tax code, and erasable. Nothing a store keeps is readable
 * without the vault's key-encryption keys, which live outside it (key-encryption-keys.port.ts).
 * Adapters: embedded (SQLite, the default) and MongoDB; both pass vault.contract-spec.ts.
 */
export interface Lookup {
  /** The key generation whose lookup key made `value`. */
  readonly keyId: string;
  /** HMAC of the normalized tax code: finds a subject without keeping the tax code. Unique across subjects. */
  readonly value: string;
}

export interface SubjectRecord {
  readonly subjectId: string;
  /** The key generation the data key is wrapped under. */
  readonly keyId: string;
  /** The subject's own data key, encrypted under generation `keyId` (AES-256-GCM), base64. */
  readonly wrappedKey: string;
  /** One lookup per live generation the subject was registered or re-wrapped under: normally one, two during a rotation. */
  readonly lookups: readonly Lookup[];
  /** The identity (name, tax code, contact data) as JSON, encrypted under the subject's key (AES-256-GCM), base64. */
  readonly sealed: string;
  readonly createdAt: string;
}

/** A record moved under another key generation, with the lookups it lacks under it. */
export interface Rewrap {
  readonly subjectId: string;
  /** The generation the record was read under: a record no longer under it is left as it is. */
  readonly fromKeyId: string;
  readonly keyId: string;
  readonly wrappedKey: string;
  readonly lookups: readonly Lookup[];
}

export interface VaultStore {
  /** Stores a new subject; when one holds any of its lookups already, stores nothing and names it. */
  insert(
    record: SubjectRecord,
  ): Promise<{ readonly inserted: true } | { readonly inserted: false; readonly existing: string }>;
  bySubject(subjectId: string): Promise<SubjectRecord | null>;
  /** The subject holding any of these lookups. */
  byLookup(values: readonly string[]): Promise<SubjectRecord | null>;
  /**
   * Moves each record still wrapped under its `fromKeyId` to the new wrapping and adds its lookups,
   * each record all or nothing. A record whose new lookup another subject holds already is left as
   * it is and named in `duplicates`: a registration that raced a rotation (the vault discards it).
   */
  rewrap(moves: readonly Rewrap[]): Promise<{ readonly duplicates: readonly string[] }>;
  /** Removes a record and its lookups while it is still wrapped under `keyId`: a registration that duplicated another subject. */
  discard(subjectId: string, keyId: string): Promise<void>;
  /** Up to `limit` records wrapped under any of these generations, by subject id. */
  wrappedUnder(keyIds: readonly string[], limit: number): Promise<readonly SubjectRecord[]>;
  /** How many records each key generation wraps. */
  keyUsage(): Promise<ReadonlyMap<string, number>>;
  /** Removes the lookups under generations other than these from the records wrapped under them. */
  dropLookups(liveKeyIds: readonly string[]): Promise<void>;
  /**
   * Records the erasure (kept: when; pending until the keys are rotated) and removes the subject's
   * record and lookups. Idempotent: the first time given is kept. An adapter also clears what its
   * storage keeps of deleted data where it can (SQLite: secure_delete, WAL checkpoint).
   */
  erase(subjectId: string, erasedAt: string): Promise<void>;
  /** When the subject was erased, or null. */
  erasedAt(subjectId: string): Promise<string | null>;
  /** Erasures whose key generation is not destroyed yet: a rotation is owed for them. */
  pendingErasures(): Promise<readonly string[]>;
  /** Removes these subjects' records and lookups, if any are left (an erasure cut short between its writes). */
  forget(subjectIds: readonly string[]): Promise<void>;
  /** The erasures are complete: every generation their key was ever wrapped under is destroyed. */
  markShredded(subjectIds: readonly string[], shreddedAt: string): Promise<void>;
  /** Takes the named lease for `owner`, or renews it, until `now + ttlMs`: false while another owner's has not expired. */
  acquireLease(name: string, owner: string, ttlMs: number, now: Date): Promise<boolean>;
  /** Gives the lease up if `owner` holds it. */
  releaseLease(name: string, owner: string): Promise<void>;
  close(): Promise<void>;
}
