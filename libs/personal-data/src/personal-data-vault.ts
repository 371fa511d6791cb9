import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import type { SubjectRecord, VaultStore } from './vault-store.port.js';

/** What the vault keeps about a natural person: never written anywhere else. */
export interface Identity {
  readonly taxCode: string;
  readonly name: string;
  readonly contact?: { readonly email?: string; readonly phone?: string } | null;
}

export type SubjectView =
  | { readonly status: 'held'; readonly subjectId: string; readonly identity: Identity; readonly registeredAt: string }
  | { readonly status: 'erased'; readonly subjectId: string; readonly erasedAt: string };

/** 32 bytes, base64: what VAULT_KEY holds. */
export function parseMasterKey(base64: string): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== 32) throw new Error('The vault key must be 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)');
  return key;
}

const normalize = (taxCode: string) => taxCode.trim().toUpperCase();

/**
 * The personal-data vault: a natural person's identity, encrypted with a key of their own, that
 * key encrypted with the master key. Erasing a subject destroys their key and their record, so the
 * identity is gone even from a copy of the ciphertext (crypto-shredding). Subjects are found again
 * by tax code through a keyed hash, never the tax code itself. The events of the ledger carry only
 * the subject id.
 */
export class PersonalDataVault {
  private readonly wrapKey: Buffer;
  private readonly lookupKey: Buffer;

  constructor(
    private readonly store: VaultStore,
    masterKey: Buffer,
  ) {
    if (masterKey.length !== 32) throw new Error('The vault master key must be 32 bytes');
    this.wrapKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'cohesion-ledger vault: key wrapping', 32));
    this.lookupKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'cohesion-ledger vault: tax code lookup', 32));
  }

  /** The subject of this tax code: the one already registered, or a new one holding this identity. */
  async register(identity: Identity): Promise<{ subjectId: string; created: boolean }> {
    const lookup = this.lookup(identity.taxCode);
    const known = await this.store.byLookup(lookup);
    if (known) return { subjectId: known.subjectId, created: false };
    const subjectKey = randomBytes(32);
    const record: SubjectRecord = {
      subjectId: randomUUID(),
      lookup,
      wrappedKey: seal(this.wrapKey, subjectKey),
      sealed: seal(subjectKey, Buffer.from(JSON.stringify({ ...identity, taxCode: normalize(identity.taxCode) }), 'utf8')),
      createdAt: new Date().toISOString(),
    };
    subjectKey.fill(0);
    const stored = await this.store.insert(record);
    return stored.inserted ? { subjectId: record.subjectId, created: true } : { subjectId: stored.existing, created: false };
  }

  async find(taxCode: string): Promise<string | null> {
    return (await this.store.byLookup(this.lookup(taxCode)))?.subjectId ?? null;
  }

  async read(subjectId: string): Promise<SubjectView | null> {
    const record = await this.store.bySubject(subjectId);
    if (record) {
      const subjectKey = open(this.wrapKey, record.wrappedKey);
      const identity = JSON.parse(open(subjectKey, record.sealed).toString('utf8')) as Identity;
      subjectKey.fill(0);
      return { status: 'held', subjectId, identity, registeredAt: record.createdAt };
    }
    const erasedAt = await this.store.erasedAt(subjectId);
    return erasedAt ? { status: 'erased', subjectId, erasedAt } : null;
  }

  async erase(subjectId: string, at: Date): Promise<void> {
    await this.store.erase(subjectId, at.toISOString());
  }

  close(): Promise<void> {
    return this.store.close();
  }

  private lookup(taxCode: string): string {
    return createHmac('sha256', this.lookupKey).update(normalize(taxCode)).digest('base64url');
  }
}

/** AES-256-GCM: iv (12) ‖ tag (16) ‖ ciphertext, base64. */
function seal(key: Buffer, plaintext: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

function open(key: Buffer, sealed: string): Buffer {
  const raw = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
}
