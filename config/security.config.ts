import { createPrivateKey, createPublicKey } from 'node:crypto';
import { isAbsolute, relative } from 'node:path';
import type { Settings } from './settings.js';

/** Who may call the API, and the keys of the audit trail (docs/security.md). */
export interface SecurityConfig {
  /** API keys: the development file, or in production the hashed keys of API_KEYS_FILE. */
  readonly apiKeysFile: string | null;
  /**
   * The Ed25519 private key anchors are signed with (PEM, or base64 PKCS#8 DER), from
   * AUDIT_SIGNING_KEY or the file AUDIT_SIGNING_KEY_FILE: held by the managing authority, not by
   * whoever administers the databases. Null: development and test only, where one is generated
   * into DATA_DIR/audit-signing.key at first start; in production it never defaults there.
   */
  readonly auditSigningKey: string | null;
  /**
   * AUDIT_WITNESS_DIR: where every signed anchor is also written, one file each, never rewritten
   * (docs/adr/0024). Outside DATA_DIR always; in production the mount of an append-only object
   * store, required where anchors are written. Null: no witness (development and test).
   */
  readonly auditWitnessDir: string | null;
  /** The public keys verification checks anchors against (AUDIT_PUBLIC_KEYS, comma-separated base64 SPKI DER); empty: the signing key's own. */
  readonly auditPublicKeys: readonly string[];
  /** How often the process that runs the projector writes an anchor of the log (0: never). */
  readonly anchorIntervalMs: number;
}

export function securityConfig(s: Settings, dataDir: string): SecurityConfig {
  const apiKeysFile = s.text('API_KEYS_FILE');
  if (s.productionApi && apiKeysFile === null)
    s.problems.push('API_KEYS_FILE is required in production (a JSON file of hashed API keys)');
  return {
    apiKeysFile: apiKeysFile === null ? null : s.path(apiKeysFile),
    auditSigningKey: auditSigningKey(s, dataDir),
    auditWitnessDir: auditWitnessDir(s, dataDir),
    auditPublicKeys: auditPublicKeys(s),
    anchorIntervalMs: s.integer('AUDIT_ANCHOR_INTERVAL_MS', 60_000, 0, 86_400_000),
  };
}

/** Where the API writes anchors: when it runs the projector (the projector process checks for itself, see openAnchorer). */
const writesAnchors = (s: Settings) =>
  s.text('AUDIT_ANCHOR_INTERVAL_MS') !== '0' && s.text('RUN_PROJECTOR') !== 'false';

const inside = (dataDir: string, path: string) => {
  const fromDataDir = relative(dataDir, path);
  return !fromDataDir.startsWith('..') && !isAbsolute(fromDataDir);
};

function auditSigningKey(s: Settings, dataDir: string): string | null {
  const key = s.secret('AUDIT_SIGNING_KEY', 'the Ed25519 key anchors are signed with');
  const file = s.text('AUDIT_SIGNING_KEY_FILE');
  // Whoever can write the data directory could read a key kept there and re-sign history with it.
  if (s.production && s.text('AUDIT_SIGNING_KEY') === null && file !== null && inside(dataDir, s.path(file)))
    s.problems.push(
      'AUDIT_SIGNING_KEY_FILE must be outside DATA_DIR in production: whoever can write the data could re-sign its anchors with a key kept beside it',
    );
  if (key === null && s.productionApi && writesAnchors(s)) {
    s.problems.push(
      'AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE is required in production where the projector runs (an Ed25519 private key: `openssl genpkey -algorithm ed25519`)',
    );
  }
  if (key !== null && !isEd25519Key(key, 'private'))
    s.problems.push('The audit signing key must be an Ed25519 private key (PEM, or base64 PKCS#8 DER)');
  return key;
}

function auditWitnessDir(s: Settings, dataDir: string): string | null {
  const raw = s.text('AUDIT_WITNESS_DIR');
  if (raw === null) {
    if (s.productionApi && writesAnchors(s))
      s.problems.push(
        'AUDIT_WITNESS_DIR is required in production where the projector runs: the mount of the append-only store every signed anchor is also written to, outside DATA_DIR (docs/operations.md)',
      );
    return null;
  }
  const path = s.path(raw);
  if (inside(dataDir, path))
    s.problems.push(
      `AUDIT_WITNESS_DIR must be outside DATA_DIR (${dataDir}): a witness the database's administrators can rewrite witnesses nothing`,
    );
  return path;
}

function auditPublicKeys(s: Settings): string[] {
  const keys = (s.text('AUDIT_PUBLIC_KEYS') ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
  if (keys.length === 0 && s.productionApi) {
    s.problems.push(
      'AUDIT_PUBLIC_KEYS is required in production: the public keys /audit/verify checks the anchors with (base64 SPKI DER)',
    );
  }
  for (const key of keys)
    if (!isEd25519Key(key, 'public'))
      s.problems.push(
        `AUDIT_PUBLIC_KEYS: ${JSON.stringify(key.slice(0, 24))}… is not an Ed25519 public key (base64 SPKI DER)`,
      );
  return keys;
}

/** Whether the text is an Ed25519 key of that kind, as PEM or base64 DER (PKCS#8 private, SPKI public). */
function isEd25519Key(text: string, kind: 'private' | 'public'): boolean {
  try {
    const pem = text.startsWith('-----');
    const key =
      kind === 'private'
        ? createPrivateKey(pem ? text : { key: Buffer.from(text, 'base64'), format: 'der', type: 'pkcs8' })
        : createPublicKey(pem ? text : { key: Buffer.from(text, 'base64'), format: 'der', type: 'spki' });
    return key.asymmetricKeyType === 'ed25519';
  } catch {
    return false;
  }
}
