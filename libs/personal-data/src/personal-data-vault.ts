import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { KeyUnavailableError, type KeyEncryptionKeys } from './key-encryption-keys.port.js';
import { decrypt, encrypt } from './keyring/file-keyring.js';
import type { Lookup, Rewrap, SubjectRecord, VaultStore } from './vault-store.port.js';

/** What the vault keeps about a natural person: never written anywhere else. */
export interface Identity {
  readonly taxCode: string;
  readonly name: string;
  readonly contact?: { readonly email?: string; readonly phone?: string } | null;
}

export type SubjectView =
  | { readonly status: 'held'; readonly subjectId: string; readonly identity: Identity; readonly registeredAt: string }
  | { readonly status: 'erased'; readonly subjectId: string; readonly erasedAt: string };

export interface VaultLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface VaultOptions {
  /** A rotation runs under this store lease, renewed as it goes; one that dies is taken over after it. Default 30 s. */
  readonly leaseMs?: number;
  /** How long an erasure, or the start, waits for a rotation run by another process. Default 35 s. */
  readonly waitMs?: number;
  /** Records re-wrapped per store round trip. Default 500. */
  readonly batchSize?: number;
  readonly now?: () => Date;
  readonly log?: VaultLog;
}

/** 32 bytes, base64: what VAULT_KEY holds. It seals the keyring file (keyring/file-keyring.ts). */
export function parseVaultKey(base64: string): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== 32)
    throw new Error('The vault key must be 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)');
  return key;
}

const normalize = (taxCode: string) => taxCode.trim().toUpperCase();
/** The store lease a rotation runs under: one process rotates at a time. */
export const VAULT_ROTATION_LEASE = 'vault-key-rotation';
/** Rounds a registration or a read goes on while rotations move its record: more means the keys rotate without pause. */
const ATTEMPTS = 5;
const MAX_ROTATIONS = 20;

/**
 * The personal-data vault: a natural person's identity, encrypted with a data key of their own;
 * that key wrapped under the current generation of the key-encryption keys, which live outside
 * the store (docs/adr/0009). Erasing a subject deletes their record, then rotates: a new
 * generation becomes current, every other subject is re-wrapped under it, and every older
 * generation is destroyed, so a copy of the database taken before the erasure (a backup, the
 * oplog) holds the erased subject's key wrapped under keys that exist nowhere any more.
 * Subjects are found again by tax code through a keyed hash under the generation, never the tax
 * code itself. The events of the ledger carry only the subject id.
 *
 * A rotation writes the new generation first, re-wraps, and destroys the old ones last; one cut
 * short (a crash, a lost lease) is finished by the next one, at the next start or erasure. Only
 * one process rotates at a time (a lease in the store); a process registering a subject while
 * another rotates checks the keys again once its record is written, and moves the record under
 * the new generation itself if it was written under an old one.
 */
export class PersonalDataVault {
  private readonly owner = `vault@${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly leaseMs: number;
  private readonly waitMs: number;
  private readonly batchSize: number;
  private readonly now: () => Date;
  private readonly log: VaultLog;

  private constructor(
    private readonly store: VaultStore,
    private readonly keys: KeyEncryptionKeys,
    options: VaultOptions,
  ) {
    this.leaseMs = options.leaseMs ?? 30_000;
    this.waitMs = options.waitMs ?? 35_000;
    this.batchSize = options.batchSize ?? 500;
    this.now = options.now ?? (() => new Date());
    this.log = options.log ?? { info: () => undefined, warn: () => undefined };
  }

  /**
   * The vault over its store and keys. Refuses a store whose records are wrapped under keys the
   * keyring does not know (another vault's keyring, or an older copy of this one), says how many
   * records are under destroyed keys (a database restored from before an erasure), and finishes
   * an erasure or rotation that was cut short.
   */
  static async open(
    store: VaultStore,
    keys: KeyEncryptionKeys,
    options: VaultOptions = {},
  ): Promise<PersonalDataVault> {
    const vault = new PersonalDataVault(store, keys, options);
    const usage = await store.keyUsage();
    const generations = await keys.generations();
    const unknown = [...usage.keys()].filter(
      (id) => !generations.live.includes(id) && !generations.destroyed.includes(id),
    );
    if (unknown.length > 0) {
      throw new Error(
        `The vault holds records wrapped under keys its keyring does not know (${unknown.join(', ')}): the keyring is another vault's, or an older copy of this one's (VAULT_KEYRING)`,
      );
    }
    const unreadable = generations.destroyed.reduce((sum, id) => sum + (usage.get(id) ?? 0), 0);
    if (unreadable > 0) {
      vault.log.warn(
        `${unreadable} record(s) of the vault are wrapped under destroyed keys and can never be read: a database restored from a copy taken before an erasure, or a registration cut short by a crash during a rotation`,
      );
    }
    if (!(await vault.settleKeys()))
      vault.log.warn('Another process is rotating the vault keys; it finishes what is owed');
    return vault;
  }

  /** The subject of this tax code: the one already registered, or a new one holding this identity. */
  async register(identity: Identity): Promise<{ subjectId: string; created: boolean }> {
    const taxCode = normalize(identity.taxCode);
    const plaintext = Buffer.from(JSON.stringify({ ...identity, taxCode }), 'utf8');
    try {
      for (let attempt = 1; ; attempt++) {
        const generations = await this.keys.generations();
        const dataKey = randomBytes(32);
        try {
          const lookups = await this.lookups(taxCode, generations.live);
          const known = await this.store.byLookup(lookups.map((l) => l.value));
          if (known) return { subjectId: known.subjectId, created: false };
          const subjectId = randomUUID();
          const record: SubjectRecord = {
            subjectId,
            keyId: generations.current,
            wrappedKey: await this.keys.wrap(generations.current, dataKey, subjectId),
            lookups,
            sealed: encrypt(dataKey, plaintext, Buffer.from(subjectId, 'utf8')),
            createdAt: this.now().toISOString(),
          };
          const stored = await this.store.insert(record);
          if (!stored.inserted) return { subjectId: stored.existing, created: false };
          if (await this.settle(record, taxCode, dataKey)) return { subjectId, created: true };
          // It duplicated a subject registered under a newer key meanwhile, and was removed: the next round finds that one.
        } catch (error) {
          // A rotation destroyed the key this round read as current: go again with the keys as they are now.
          if (!(error instanceof KeyUnavailableError && error.reason === 'destroyed')) throw error;
        } finally {
          dataKey.fill(0);
        }
        if (attempt >= ATTEMPTS)
          throw new Error(`Could not register a subject in ${ATTEMPTS} rounds: the vault keys keep rotating`);
      }
    } finally {
      plaintext.fill(0);
    }
  }

  async find(taxCode: string): Promise<string | null> {
    for (let attempt = 1; ; attempt++) {
      try {
        const generations = await this.keys.generations();
        const lookups = await this.lookups(normalize(taxCode), generations.live);
        return (await this.store.byLookup(lookups.map((l) => l.value)))?.subjectId ?? null;
      } catch (error) {
        if (!(error instanceof KeyUnavailableError && error.reason === 'destroyed') || attempt >= ATTEMPTS) throw error;
      }
    }
  }

  /** The identity held, or when it was erased; KeyUnavailableError for a record whose key was destroyed (a database restored from before an erasure). */
  async read(subjectId: string): Promise<SubjectView | null> {
    for (let attempt = 1; ; attempt++) {
      const [record, erasedAt] = await Promise.all([this.store.bySubject(subjectId), this.store.erasedAt(subjectId)]);
      if (erasedAt !== null) return { status: 'erased', subjectId, erasedAt };
      if (!record) return null;
      let dataKey: Buffer;
      try {
        dataKey = await this.keys.unwrap(record.keyId, record.wrappedKey, subjectId);
      } catch (error) {
        // A rotation may have moved the record and destroyed the key between the read and the unwrap: read it again.
        if (error instanceof KeyUnavailableError && error.reason === 'destroyed' && attempt < ATTEMPTS) continue;
        throw error;
      }
      try {
        return { status: 'held', subjectId, identity: openIdentity(dataKey, record), registeredAt: record.createdAt };
      } finally {
        dataKey.fill(0);
      }
    }
  }

  /**
   * Erases the subject: their record goes at once, then the keys rotate so that no copy of the
   * database taken before can be read with the keys left. Idempotent; a retry finishes a rotation
   * that another process was still running.
   */
  async erase(subjectId: string, at: Date): Promise<void> {
    await this.store.erase(subjectId, at.toISOString());
    if (!(await this.settleKeys())) {
      throw new Error(
        `Subject ${subjectId} is gone from the vault, but the key rotation that makes older copies of the database unreadable is still running in another process after ${this.waitMs} ms: retry the erasure to wait for it`,
      );
    }
  }

  close(): Promise<void> {
    return this.store.close();
  }

  /**
   * Runs the rotations owed (erasures not yet shredded, or a rotation cut short) under the lease,
   * or waits for the process holding it. False when that process was still at it after waitMs.
   */
  private async settleKeys(): Promise<boolean> {
    const deadline = this.now().getTime() + this.waitMs;
    for (;;) {
      if (!(await this.rotationOwed())) return true;
      if (await this.store.acquireLease(VAULT_ROTATION_LEASE, this.owner, this.leaseMs, this.now())) {
        try {
          // Each rotation serves every erasure pending when it starts; more rounds mean erasures keep arriving, or a rotation that does not finish.
          for (let round = 1; await this.rotationOwed(); round++) {
            if (round > MAX_ROTATIONS)
              throw new Error(`The vault keys still owe a rotation after ${MAX_ROTATIONS} in a row`);
            await this.rotate();
          }
        } finally {
          await this.store.releaseLease(VAULT_ROTATION_LEASE, this.owner);
        }
        return true;
      }
      if (this.now().getTime() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, Math.min(250, Math.max(10, this.leaseMs / 4))));
    }
  }

  private async rotationOwed(): Promise<boolean> {
    return (await this.store.pendingErasures()).length > 0 || (await this.keys.generations()).live.length > 1;
  }

  /**
   * One rotation, under the lease: the records of the pending erasures gone first, then a new
   * generation written durably, every record under an older one re-wrapped under it (with its
   * lookup under it), the older generations destroyed, their lookups dropped, and the erasures
   * marked shredded. Cut short anywhere, it loses nothing: until the last steps the older keys
   * still open every record, and the next rotation starts over with a new generation.
   */
  private async rotate(): Promise<void> {
    const pending = await this.store.pendingErasures();
    await this.store.forget(pending);
    const fresh = await this.keys.rotate();
    const retiring = (await this.keys.generations()).live.filter((id) => id !== fresh);
    const seen = new Set<string>();
    let rewrapped = 0;
    for (;;) {
      await this.renewLease();
      const batch = await this.store.wrappedUnder(retiring, this.batchSize);
      if (batch.length === 0) break;
      if (batch.every((record) => seen.has(record.subjectId))) {
        throw new Error(
          `The vault key rotation makes no progress: ${batch.length} record(s) stay under ${retiring.join(', ')}`,
        );
      }
      const moves: Rewrap[] = [];
      for (const record of batch) {
        seen.add(record.subjectId);
        moves.push(await this.rewrapped(record, fresh));
      }
      const { duplicates } = await this.store.rewrap(moves);
      for (const subjectId of duplicates) {
        // Registered by a process that read the keys before a rotation, while the same tax code was
        // registered under a newer key: never returned to anyone (see settle), so it goes.
        await this.store.discard(subjectId, moves.find((m) => m.subjectId === subjectId)!.fromKeyId);
        this.log.warn(
          `Vault key rotation: subject ${subjectId} duplicated a subject registered meanwhile and was removed`,
        );
      }
      rewrapped += moves.length - duplicates.length;
    }
    await this.renewLease();
    await this.keys.destroy(retiring);
    await this.store.dropLookups([fresh]);
    await this.store.markShredded(pending, this.now().toISOString());
    this.log.info(
      `Vault keys rotated for ${pending.length} erasure(s): ${rewrapped} subject(s) re-wrapped under ${fresh}; destroyed ${retiring.join(', ') || 'none'}`,
    );
  }

  private async rewrapped(record: SubjectRecord, keyId: string): Promise<Rewrap> {
    const dataKey = await this.keys.unwrap(record.keyId, record.wrappedKey, record.subjectId);
    try {
      const lookups = record.lookups.some((l) => l.keyId === keyId)
        ? []
        : await this.lookups(openIdentity(dataKey, record).taxCode, [keyId]);
      return {
        subjectId: record.subjectId,
        fromKeyId: record.keyId,
        keyId,
        wrappedKey: await this.keys.wrap(keyId, dataKey, record.subjectId),
        lookups,
      };
    } finally {
      dataKey.fill(0);
    }
  }

  /**
   * After a registration is written: while the keys it read are not the keys as they are (a
   * rotation began meanwhile), moves the record under the current generation with a lookup
   * under every live one, from the data key still in hand. False when the record turned out to
   * duplicate a subject registered meanwhile under a newer key, and was removed.
   */
  private async settle(written: SubjectRecord, taxCode: string, dataKey: Buffer): Promise<boolean> {
    let record = written;
    for (let round = 1; round <= ATTEMPTS; round++) {
      const generations = await this.keys.generations();
      const held = new Set(record.lookups.map((l) => l.keyId));
      const missing = generations.live.filter((id) => !held.has(id));
      if (record.keyId === generations.current && missing.length === 0) return true;
      const move: Rewrap = {
        subjectId: record.subjectId,
        fromKeyId: record.keyId,
        keyId: generations.current,
        wrappedKey: await this.keys.wrap(generations.current, dataKey, record.subjectId),
        lookups: await this.lookups(taxCode, missing),
      };
      if ((await this.store.rewrap([move])).duplicates.length > 0) {
        await this.store.discard(record.subjectId, record.keyId);
        return false;
      }
      const now = await this.store.bySubject(record.subjectId);
      if (!now) return false;
      record = now;
    }
    throw new Error(`Could not settle a registration in ${ATTEMPTS} rounds: the vault keys keep rotating`);
  }

  private async renewLease(): Promise<void> {
    if (!(await this.store.acquireLease(VAULT_ROTATION_LEASE, this.owner, this.leaseMs, this.now()))) {
      throw new Error('Lost the vault key-rotation lease to another process: it finishes the rotation');
    }
  }

  private lookups(taxCode: string, keyIds: readonly string[]): Promise<Lookup[]> {
    return Promise.all(keyIds.map(async (keyId) => ({ keyId, value: await this.keys.mac(keyId, taxCode) })));
  }
}

function openIdentity(dataKey: Buffer, record: SubjectRecord): Identity {
  const plain = decrypt(dataKey, record.sealed, Buffer.from(record.subjectId, 'utf8'));
  try {
    return JSON.parse(plain.toString('utf8')) as Identity;
  } finally {
    plain.fill(0);
  }
}
