/**
 * The vault's key-encryption keys (KEKs), kept apart from the stores that hold what they encrypt
 * (docs/adr/0009). Each subject's data key is wrapped under one KEK generation, and the tax code
 * lookups are keyed hashes under a generation too. Erasing a subject rotates: a new generation
 * becomes current, every other subject is re-wrapped under it, and the old generations are
 * destroyed, so no copy of the database taken before the erasure can be opened with the keys that
 * are left. The port is shaped like a KMS with key versions (wrap, unwrap and MAC by version,
 * rotate, destroy a version); `keyring/file-keyring.ts` is its file adapter.
 */
export interface KeyGenerations {
  /** The generation new data keys are wrapped under. */
  readonly current: string;
  /** Every generation not destroyed, current included: more than one only while a rotation runs, or after one was cut short. */
  readonly live: readonly string[];
  /** Generations destroyed: whatever was wrapped under them can never be opened again. */
  readonly destroyed: readonly string[];
}

export interface KeyEncryptionKeys {
  /** The generations as they are now (a process that rotated them is seen at once). */
  generations(): Promise<KeyGenerations>;
  /** Encrypts a data key under the generation, bound to `context` (the subject id): base64. */
  wrap(keyId: string, dataKey: Buffer, context: string): Promise<string>;
  /** The data key, or KeyUnavailableError when the generation is destroyed or unknown; a wrong key or context fails too. */
  unwrap(keyId: string, wrapped: string, context: string): Promise<Buffer>;
  /** A keyed hash (HMAC-SHA-256, base64url) of `data` under the generation's lookup key. */
  mac(keyId: string, data: string): Promise<string>;
  /** Creates a generation and makes it current, durably, before returning its id. */
  rotate(): Promise<string>;
  /** Destroys the generations, durably; never the current one. */
  destroy(keyIds: readonly string[]): Promise<void>;
}

/** A generation that cannot be used: destroyed (what it wrapped is gone for good) or unknown to this keyring. */
export class KeyUnavailableError extends Error {
  override readonly name = 'KeyUnavailableError';

  constructor(
    readonly keyId: string,
    readonly reason: 'destroyed' | 'unknown',
  ) {
    super(
      reason === 'destroyed'
        ? `Vault key ${keyId} was destroyed: what it wrapped can never be read again`
        : `Vault key ${keyId} is not in this keyring`,
    );
  }
}
