import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from './stream-link.js';

/** The stream of anchors: each commits to the heads of the streams written since the one before. */
export const ANCHOR_STREAM = 'audit-anchors';
export const ANCHOR_EVENT = 'LogAnchored';
/** 2: each anchor signs the previous anchor's digest (a chain of anchors); 1: unchained, kept as a legacy prefix (docs/adr/0024). */
export const ANCHOR_SCHEMA_VERSION = 2;

/** What the first chained anchor of a log with no anchor before it names as its previous digest. */
export const ANCHOR_GENESIS = '0'.repeat(64);

/**
 * An anchor: the events of the log in (from, upTo], excluding anchors, summed up as the head
 * (last revision and its link) of every stream they wrote, digested, and signed with a key the
 * database's administrators do not hold.
 */
export interface AnchorData {
  /** 1 for the first anchor, then one more each time. */
  readonly sequence: number;
  /** The previous anchor's `upTo` (exclusive), null for the first. Formatted log positions. */
  readonly from: string | null;
  /** The position of the last event covered (inclusive). */
  readonly upTo: string;
  /** Events covered (anchors excluded). */
  readonly events: number;
  /** Streams those events wrote. */
  readonly streams: number;
  /** SHA-256 over the sorted lines `stream revision link` of those streams' heads. */
  readonly headsDigest: string;
  /** SHA-256 over the lines `stream revision link` of every covered event in log order: the order of arrival is signed too. */
  readonly orderDigest: string;
  /**
   * The digest (anchorDigest) of the anchor before it, ANCHOR_GENESIS for the first: each anchor
   * signs the whole chain before it. Absent from anchors written before the chain (schema version 1).
   */
  readonly previousDigest?: string;
  /** Which key signed it (see keyIdOf); null when the writer had no signing key. */
  readonly keyId: string | null;
  /** Ed25519 over the canonical JSON of everything above, base64; null when unsigned. */
  readonly signature: string | null;
}

export interface StreamHead {
  readonly revision: number;
  readonly link: string;
}

/** The running digest of the covered events in log order. */
export class OrderDigest {
  private readonly hash = createHash('sha256');

  add(stream: string, revision: number, link: string): void {
    this.hash.update(`${stream} ${revision} ${link}\n`);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

export function headsDigest(heads: ReadonlyMap<string, StreamHead>): string {
  const hash = createHash('sha256');
  for (const stream of [...heads.keys()].sort()) {
    const head = heads.get(stream)!;
    hash.update(`${stream} ${head.revision} ${head.link}\n`);
  }
  return hash.digest('hex');
}

/** The bytes a signature covers. */
export function signedContent(anchor: Omit<AnchorData, 'signature'>): Buffer {
  const { sequence, from, upTo, events, streams, headsDigest: digest, orderDigest, previousDigest, keyId } = anchor;
  // A legacy anchor has no previousDigest: canonicalJson leaves the undefined key out, so its bytes are unchanged.
  return Buffer.from(
    canonicalJson({ sequence, from, upTo, events, streams, headsDigest: digest, orderDigest, previousDigest, keyId }),
  );
}

/**
 * An anchor's digest: SHA-256 over the canonical JSON of all of it, signature included. The next
 * anchor signs it; the witness and an auditor keep it.
 */
export function anchorDigest(anchor: AnchorData): string {
  return createHash('sha256').update(canonicalJson(anchor)).digest('hex');
}

/** A public key's short name: the first 16 hex digits of SHA-256 over its SPKI DER. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

/** Signs anchors with an Ed25519 private key. */
export class AnchorSigner {
  readonly keyId: string;
  readonly publicKey: KeyObject;

  private constructor(private readonly privateKey: KeyObject) {
    if (privateKey.asymmetricKeyType !== 'ed25519')
      throw new Error(`The anchor signing key must be Ed25519, not ${privateKey.asymmetricKeyType}`);
    this.publicKey = createPublicKey(privateKey);
    this.keyId = keyIdOf(this.publicKey);
  }

  /** From a PEM text or the base64 of a PKCS#8 DER key (one line, for an environment variable). */
  static fromText(text: string): AnchorSigner {
    const trimmed = text.trim();
    const key = trimmed.startsWith('-----')
      ? createPrivateKey(trimmed)
      : createPrivateKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'pkcs8' });
    return new AnchorSigner(key);
  }

  sign(anchor: Omit<AnchorData, 'signature' | 'keyId'>): AnchorData {
    const unsigned = { ...anchor, keyId: this.keyId };
    return { ...unsigned, signature: sign(null, signedContent(unsigned), this.privateKey).toString('base64') };
  }

  /** The public key as auditors keep it: base64 of its SPKI DER. */
  publicKeyText(): string {
    return this.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  }
}

/** The public keys anchors are checked against, by key id. */
export class AnchorKeys {
  private readonly keys = new Map<string, KeyObject>();

  constructor(publicKeys: readonly KeyObject[]) {
    for (const key of publicKeys) {
      if (key.asymmetricKeyType !== 'ed25519')
        throw new Error(`An anchor public key must be Ed25519, not ${key.asymmetricKeyType}`);
      this.keys.set(keyIdOf(key), key);
    }
  }

  /** From PEM texts or base64 SPKI DER, as AUDIT_PUBLIC_KEYS lists them (comma-separated). */
  static fromTexts(texts: readonly string[]): AnchorKeys {
    return new AnchorKeys(
      texts.map((text) => {
        const trimmed = text.trim();
        return trimmed.startsWith('-----')
          ? createPublicKey(trimmed)
          : createPublicKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'spki' });
      }),
    );
  }

  get size(): number {
    return this.keys.size;
  }

  get ids(): string[] {
    return [...this.keys.keys()];
  }

  /** Null when the anchor's signature holds; else why not. */
  problem(anchor: AnchorData): string | null {
    if (anchor.keyId === null || anchor.signature === null) return 'it is not signed';
    const key = this.keys.get(anchor.keyId);
    if (!key)
      return `it is signed by key ${anchor.keyId}, which is not one of the keys verified against (${this.ids.join(', ') || 'none'})`;
    const { signature, ...unsigned } = anchor;
    const valid = verify(null, signedContent(unsigned), key, Buffer.from(signature, 'base64'));
    return valid ? null : `its signature does not match its content (key ${anchor.keyId})`;
  }
}

/** Shape check of a stored anchor's data: null when it is an AnchorData, else what is wrong. */
export function anchorShapeProblem(data: unknown): string | null {
  if (typeof data !== 'object' || data === null) return 'its data is not an object';
  const a = data as Record<string, unknown>;
  const isCount = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  if (!Number.isSafeInteger(a['sequence']) || (a['sequence'] as number) < 1)
    return 'sequence is not a positive integer';
  if (a['from'] !== null && typeof a['from'] !== 'string') return 'from is not a position';
  if (typeof a['upTo'] !== 'string') return 'upTo is not a position';
  if (!isCount(a['events']) || !isCount(a['streams'])) return 'events or streams is not a count';
  if (!isSha256(a['headsDigest'])) return 'headsDigest is not a SHA-256';
  if (!isSha256(a['orderDigest'])) return 'orderDigest is not a SHA-256';
  if (a['previousDigest'] !== undefined && !isSha256(a['previousDigest'])) return 'previousDigest is not a SHA-256';
  if (a['keyId'] !== null && typeof a['keyId'] !== 'string') return 'keyId is not a string';
  if (a['signature'] !== null && typeof a['signature'] !== 'string') return 'signature is not a string';
  return null;
}

const isSha256 = (v: unknown): boolean => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
