import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { KeyUnavailableError, type KeyEncryptionKeys, type KeyGenerations } from '../key-encryption-keys.port.js';

const FORMAT = 'cohesion-ledger vault keyring v1';

/** What the keyring file holds once opened with VAULT_KEY. */
export interface KeyringContents {
  readonly current: string;
  readonly keys: readonly { readonly id: string; readonly secret: string; readonly createdAt: string }[];
  readonly destroyed: readonly { readonly id: string; readonly destroyedAt: string }[];
}

interface Generation {
  readonly wrapKey: Buffer;
  readonly macKey: Buffer;
}

interface Loaded {
  /** The file as last read: inode, size and times (a rename by another process changes the inode). */
  readonly fingerprint: string;
  readonly current: string;
  readonly generations: ReadonlyMap<string, Generation>;
  readonly destroyed: ReadonlySet<string>;
}

/**
 * The key-encryption keys in one JSON file outside the data directory (VAULT_KEYRING): each
 * generation a random 32-byte secret, the whole sealed with AES-256-GCM under a key derived from
 * VAULT_KEY, so a copy of the file alone opens nothing. Every change is written whole to a new
 * file (mode 0600), synced, renamed over the old one and the directory synced: a crash leaves the
 * old keyring or the new one, never half of one. Rotations are serialized by the vault's lease;
 * every process sharing the keyring sees a change at its next call (the file is checked by inode,
 * size and times). A destroyed generation's secret is in no version of the file written after
 * its destruction; what an operator copied before is theirs to destroy (docs/adr/0009).
 */
export class FileKeyring implements KeyEncryptionKeys {
  private readonly fileKey: Buffer;
  private loaded: Loaded;

  private constructor(
    private readonly path: string,
    vaultKey: Buffer,
    private readonly now: () => Date,
  ) {
    if (vaultKey.length !== 32) throw new Error('The vault key must be 32 bytes');
    this.fileKey = deriveFileKey(vaultKey);
    this.loaded = this.load();
  }

  /**
   * Opens the keyring at `path`. Only with `createIfAbsent` (a vault that holds no record yet)
   * is a missing file created, with a first generation; of processes starting together, the
   * first to link its file in place wins and the others read it.
   */
  static open(path: string, vaultKey: Buffer, options: { createIfAbsent: boolean; now?: () => Date }): FileKeyring {
    const now = options.now ?? (() => new Date());
    let exists = true;
    try {
      const mode = statSync(path).mode;
      if ((mode & 0o077) !== 0)
        throw new Error(
          `The vault keyring ${path} is open to other users (mode ${(mode & 0o777).toString(8)}): chmod 600 it`,
        );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      exists = false;
    }
    if (!exists) {
      if (!options.createIfAbsent)
        throw new Error(
          `The vault keyring ${path} is missing, and the vault holds records: restore the keyring, or set VAULT_KEYRING to where it is`,
        );
      const first = newKeyId(1);
      const contents: KeyringContents = {
        current: first,
        keys: [{ id: first, secret: randomBytes(32).toString('base64'), createdAt: now().toISOString() }],
        destroyed: [],
      };
      writeDurably(path, seal(deriveFileKey(vaultKey), contents), 'create');
    }
    return new FileKeyring(path, vaultKey, now);
  }

  async generations(): Promise<KeyGenerations> {
    const loaded = this.refresh();
    return { current: loaded.current, live: [...loaded.generations.keys()], destroyed: [...loaded.destroyed] };
  }

  async wrap(keyId: string, dataKey: Buffer, context: string): Promise<string> {
    return encrypt(this.generation(keyId).wrapKey, dataKey, aad(keyId, context));
  }

  async unwrap(keyId: string, wrapped: string, context: string): Promise<Buffer> {
    return decrypt(this.generation(keyId).wrapKey, wrapped, aad(keyId, context));
  }

  async mac(keyId: string, data: string): Promise<string> {
    return createHmac('sha256', this.generation(keyId).macKey).update(data).digest('base64url');
  }

  async rotate(): Promise<string> {
    const contents = this.read();
    const next = 1 + Math.max(0, ...[...contents.keys, ...contents.destroyed].map((k) => sequenceOf(k.id)));
    const id = newKeyId(next);
    this.write({
      ...contents,
      current: id,
      keys: [...contents.keys, { id, secret: randomBytes(32).toString('base64'), createdAt: this.now().toISOString() }],
    });
    return id;
  }

  async destroy(keyIds: readonly string[]): Promise<void> {
    const contents = this.read();
    if (keyIds.includes(contents.current))
      throw new Error(`The current vault key ${contents.current} cannot be destroyed`);
    const doomed = contents.keys.filter((k) => keyIds.includes(k.id));
    if (doomed.length === 0) return;
    const destroyedAt = this.now().toISOString();
    this.write({
      current: contents.current,
      keys: contents.keys.filter((k) => !keyIds.includes(k.id)),
      destroyed: [...contents.destroyed, ...doomed.map((k) => ({ id: k.id, destroyedAt }))],
    });
  }

  private generation(keyId: string): Generation {
    const known = this.loaded.generations.get(keyId) ?? this.refresh().generations.get(keyId);
    if (known) return known;
    throw new KeyUnavailableError(keyId, this.loaded.destroyed.has(keyId) ? 'destroyed' : 'unknown');
  }

  /** The keyring as the file holds it now: read again only when the file changed. */
  private refresh(): Loaded {
    if (fingerprintOf(this.path) !== this.loaded.fingerprint) this.replace(this.load());
    return this.loaded;
  }

  private read(): KeyringContents {
    return openSealed(this.fileKey, readFileSync(this.path, 'utf8'), this.path);
  }

  private write(contents: KeyringContents): void {
    writeDurably(this.path, seal(this.fileKey, contents), 'replace');
    this.replace(this.load());
  }

  private load(): Loaded {
    // The fingerprint first: a change between it and the read is seen at the next call.
    const fingerprint = fingerprintOf(this.path);
    const contents = this.read();
    const generations = new Map<string, Generation>();
    for (const key of contents.keys) {
      const secret = Buffer.from(key.secret, 'base64');
      generations.set(key.id, {
        wrapKey: Buffer.from(
          hkdfSync('sha256', secret, Buffer.alloc(0), 'cohesion-ledger vault: data-key wrapping', 32),
        ),
        macKey: Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'cohesion-ledger vault: tax code lookup', 32)),
      });
      secret.fill(0);
    }
    return {
      fingerprint,
      current: contents.current,
      generations,
      destroyed: new Set(contents.destroyed.map((k) => k.id)),
    };
  }

  /** Keys no longer in the file leave memory too. */
  private replace(next: Loaded): void {
    const previous = this.loaded as Loaded | undefined;
    this.loaded = next;
    for (const [id, generation] of previous?.generations ?? []) {
      if (!next.generations.has(id)) {
        generation.wrapKey.fill(0);
        generation.macKey.fill(0);
      }
    }
  }
}

/** The keyring file's contents, opened with VAULT_KEY: for inspection and tests, never logged. */
export function openKeyringFile(path: string, vaultKey: Buffer): KeyringContents {
  return openSealed(deriveFileKey(vaultKey), readFileSync(path, 'utf8'), path);
}

function deriveFileKey(vaultKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', vaultKey, Buffer.alloc(0), 'cohesion-ledger vault: keyring file', 32));
}

function newKeyId(sequence: number): string {
  return `k${sequence}-${randomBytes(3).toString('hex')}`;
}

function sequenceOf(keyId: string): number {
  return Number(/^k(\d+)-/.exec(keyId)?.[1] ?? 0);
}

const aad = (keyId: string, context: string) => Buffer.from(`${keyId}\n${context}`, 'utf8');

function fingerprintOf(path: string): string {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(`The vault keyring ${path} is gone: restore it from its backup`, { cause: error });
    throw error;
  }
}

function seal(fileKey: Buffer, contents: KeyringContents): string {
  const sealed = encrypt(fileKey, Buffer.from(JSON.stringify(contents), 'utf8'), Buffer.from(FORMAT, 'utf8'));
  return `${JSON.stringify({ format: FORMAT, sealed }, null, 2)}\n`;
}

function openSealed(fileKey: Buffer, text: string, path: string): KeyringContents {
  let outer: { format?: unknown; sealed?: unknown };
  try {
    outer = JSON.parse(text) as typeof outer;
  } catch (error) {
    throw new Error(`The vault keyring ${path} is not a keyring file`, { cause: error });
  }
  if (outer.format !== FORMAT || typeof outer.sealed !== 'string')
    throw new Error(`The vault keyring ${path} is not a keyring file (${FORMAT})`);
  let plain: Buffer;
  try {
    plain = decrypt(fileKey, outer.sealed, Buffer.from(FORMAT, 'utf8'));
  } catch (error) {
    throw new Error(`The vault keyring ${path} cannot be opened with VAULT_KEY: another key, or the file was altered`, {
      cause: error,
    });
  }
  const contents = JSON.parse(plain.toString('utf8')) as KeyringContents;
  plain.fill(0);
  if (
    typeof contents.current !== 'string' ||
    !Array.isArray(contents.keys) ||
    !Array.isArray(contents.destroyed) ||
    !contents.keys.some((k) => k.id === contents.current)
  ) {
    throw new Error(`The vault keyring ${path} has no current key`);
  }
  return contents;
}

/** AES-256-GCM: iv (12) ‖ tag (16) ‖ ciphertext, base64. */
export function encrypt(key: Buffer, plaintext: Buffer, associated: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(associated);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

export function decrypt(key: Buffer, sealed: string, associated: Buffer): Buffer {
  const raw = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(associated);
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
}

/**
 * Writes the file whole under a temporary name (mode 0600), syncs it, then renames it over the
 * file (`replace`) or links it in place only if there is none (`create`: false when another
 * process did first), and syncs the directory so the rename survives a crash.
 */
function writeDurably(path: string, text: string, mode: 'replace' | 'create'): boolean {
  const directory = dirname(path);
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const draft = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(draft, 'wx', 0o600);
  let placed = false;
  try {
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (mode === 'replace') {
      renameSync(draft, path);
      placed = true;
    } else {
      try {
        linkSync(draft, path);
        placed = true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
  } finally {
    if (mode === 'create' || !placed) unlinkSync(draft);
  }
  const dir = openSync(directory, 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
  return placed;
}
