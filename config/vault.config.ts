import { readFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import type { Settings } from './settings.js';

/** The personal-data vault's keys and database (docs/adr/0009). */
export interface VaultConfig {
  /**
   * The key that seals the personal-data vault's keyring file at rest (32 bytes, base64), from
   * VAULT_KEY or the file VAULT_KEY_FILE. Null: development only, where a key is generated into
   * DATA_DIR/vault.key at first start.
   */
  readonly vaultKey: string | null;
  /**
   * The vault's keyring (VAULT_KEYRING): a file of the key-encryption keys, rotated on every
   * erasure, kept apart from the databases and their backups (docs/adr/0009). Required in
   * production, outside DATA_DIR. Null: development only, where it is DATA_DIR's sibling
   * `<DATA_DIR>-vault-keyring.json`, created at first start.
   */
  readonly vaultKeyring: string | null;
  /** The MongoDB database of the vault (VAULT_DATABASE); default the one MONGODB_URL names, else `cohesion_ledger`. */
  readonly vaultDatabase: string;
}

export function vaultConfig(s: Settings, dataDir: string): VaultConfig {
  return { vaultKey: vaultKey(s), vaultKeyring: vaultKeyring(s, dataDir), vaultDatabase: vaultDatabase(s) };
}

function vaultKey(s: Settings): string | null {
  const file = s.text('VAULT_KEY_FILE');
  let key = s.text('VAULT_KEY');
  if (key === null && file !== null) {
    try {
      key = readFileSync(s.path(file), 'utf8').trim();
    } catch {
      s.problems.push(`VAULT_KEY_FILE ${JSON.stringify(file)} cannot be read`);
      return null;
    }
  }
  if (key === null) {
    if (s.productionApi)
      s.problems.push(
        'VAULT_KEY or VAULT_KEY_FILE is required in production (32 bytes, base64: `openssl rand -base64 32`)',
      );
    return null;
  }
  if (Buffer.from(key, 'base64').length !== 32) s.problems.push('The vault key must be 32 bytes, base64-encoded');
  return key;
}

function vaultKeyring(s: Settings, dataDir: string): string | null {
  const raw = s.text('VAULT_KEYRING');
  if (raw === null) {
    if (s.productionApi)
      s.problems.push(
        'VAULT_KEYRING is required in production: the path of the vault keyring file, outside DATA_DIR and apart from the database backups (docs/adr/0009)',
      );
    return null;
  }
  const path = s.path(raw);
  const fromDataDir = relative(dataDir, path);
  if (s.productionApi && !fromDataDir.startsWith('..') && !isAbsolute(fromDataDir)) {
    s.problems.push(
      'VAULT_KEYRING must be outside DATA_DIR in production: a copy of the data directory must not carry the keys that open it',
    );
  }
  return path;
}

function vaultDatabase(s: Settings): string {
  const raw = s.text('VAULT_DATABASE');
  if (raw !== null && !/^[^/\\. "$*<>:|?\0]{1,63}$/.test(raw))
    s.problems.push(
      `VAULT_DATABASE must be a MongoDB database name (1 to 63 characters, none of /\\. "$*<>:|?), got ${JSON.stringify(raw)}`,
    );
  return raw ?? databaseNamedIn(s.text('MONGODB_URL')) ?? 'cohesion_ledger';
}

/** The database a mongodb:// or mongodb+srv:// URL names, or null when it names none (the driver would pick `test`). */
function databaseNamedIn(url: string | null): string | null {
  const match = url === null ? null : /^mongodb(?:\+srv)?:\/\/[^/?#]*\/([^?#]*)/i.exec(url);
  if (!match?.[1]) return null;
  try {
    return decodeURIComponent(match[1]) || null;
  } catch {
    return null;
  }
}
