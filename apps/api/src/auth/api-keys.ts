import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { devApiKeysFile } from '@app/config';

export const ROLES = [
  'programme-manager',
  'evaluator',
  'finance-officer',
  'applicant-service',
  'auditor',
  'viewer',
  'data-protection-officer',
  'controller',
  'accounting-officer',
] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  readonly id: string;
  readonly roles: readonly Role[];
}

export function hashApiKey(key: string): string {
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

/**
 * API keys by their hash: the plaintext of a key is never kept in memory after start.
 * Files: development `[{ key, principal, roles }]`, production `[{ keyHash: "sha256:<hex>", principal, roles }]`.
 */
export class ApiKeys {
  private constructor(private readonly byHash: ReadonlyMap<string, Principal>) {}

  static load(options: { file: string | null; production: boolean; devFile?: string }): ApiKeys {
    const devFile = options.devFile ?? devApiKeysFile();
    const file = options.file ?? (options.production ? null : devFile);
    if (file === null) throw new Error('No API keys: set API_KEYS_FILE to a file of hashed keys');
    const entries = parse(file);
    if (entries.size === 0) throw new Error(`No API keys in ${file}`);
    if (options.production) {
      const devHashes = new Set(parse(devFile).keys());
      if ([...entries.keys()].some((hash) => devHashes.has(hash)) || file === devFile) {
        throw new Error(`${file} contains a development API key; production refuses to start with it`);
      }
    }
    return new ApiKeys(entries);
  }

  /** The principal of a presented key, or null. */
  authenticate(key: string): Principal | null {
    return this.byHash.get(hashApiKey(key)) ?? null;
  }
}

function parse(file: string): Map<string, Principal> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read API keys from ${file}: ${String(error)}`, { cause: error });
  }
  if (!Array.isArray(raw)) throw new Error(`${file} must hold a JSON array of keys`);
  const keys = new Map<string, Principal>();
  raw.forEach((entry: Record<string, unknown>, i) => {
    const where = `${file} entry ${i}`;
    const hash =
      typeof entry['keyHash'] === 'string'
        ? entry['keyHash']
        : typeof entry['key'] === 'string'
          ? hashApiKey(entry['key'])
          : null;
    if (hash === null || !/^sha256:[0-9a-f]{64}$/.test(hash))
      throw new Error(`${where}: needs "key" or "keyHash" ("sha256:<64 hex>")`);
    if (typeof entry['key'] === 'string' && entry['key'].length < 16)
      throw new Error(`${where}: keys must be at least 16 characters`);
    const principal = entry['principal'];
    if (typeof principal !== 'string' || principal.trim() === '') throw new Error(`${where}: needs a "principal"`);
    const roles = entry['roles'];
    if (!Array.isArray(roles) || roles.length === 0 || roles.some((r) => !ROLES.includes(r as Role))) {
      throw new Error(`${where}: "roles" must list some of ${ROLES.join(', ')}`);
    }
    if (keys.has(hash)) throw new Error(`${where}: the same key appears twice`);
    keys.set(hash, { id: principal, roles: roles as Role[] });
  });
  return keys;
}
