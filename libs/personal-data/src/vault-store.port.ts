/**
 * The personal-data vault's storage port: opaque, encrypted records of natural persons, found by
 * subject id or by a keyed hash of their tax code, and erasable. Nothing a store keeps is readable
 * without the vault's master key (see personal-data-vault.ts). Adapters: embedded (SQLite, the
 * default) and MongoDB; both pass vault-store.contract-spec.ts.
 */
export interface SubjectRecord {
  readonly subjectId: string;
  /** HMAC of the normalized tax code under a key derived from the master key: finds a subject without keeping the tax code. */
  readonly lookup: string;
  /** The subject's own data key, encrypted under the master key (AES-256-GCM), base64. */
  readonly wrappedKey: string;
  /** The identity (name, tax code, contact data) as JSON, encrypted under the subject's key (AES-256-GCM), base64. */
  readonly sealed: string;
  readonly createdAt: string;
}

export interface VaultStore {
  /** Stores a new subject; when one with the same lookup exists already, stores nothing and names it. */
  insert(record: SubjectRecord): Promise<{ readonly inserted: true } | { readonly inserted: false; readonly existing: string }>;
  bySubject(subjectId: string): Promise<SubjectRecord | null>;
  byLookup(lookup: string): Promise<SubjectRecord | null>;
  /**
   * Removes the subject's record (its wrapped key with it: the identity can never be decrypted
   * again) and the lookup, keeping only when it was erased. Idempotent. An adapter also clears
   * what its storage keeps of deleted data where it can (SQLite: secure_delete, WAL checkpoint).
   */
  erase(subjectId: string, erasedAt: string): Promise<void>;
  /** When the subject was erased, or null. */
  erasedAt(subjectId: string): Promise<string | null>;
  close(): Promise<void>;
}
