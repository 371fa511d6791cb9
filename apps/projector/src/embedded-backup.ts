import { EMBEDDED_DATABASES, projectRoot, vaultKeyringFile, type AppConfig } from '@app/config';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What `npm run backup` and `npm run restore` share: the manifest a backup directory carries, and
 * the checks both make. Only the embedded stores' SQLite files are copied; the keys that open the
 * vault and sign the anchors are never in a backup (docs/operations.md, "Backup and restore").
 */

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_FORMAT = 1;

export interface BackupManifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly tool: string;
  readonly version: string;
  readonly createdAt: string;
  /** The last position of the event store in the copy, `null` for an empty log. */
  readonly eventStoreHead: string | null;
  readonly files: readonly BackedUpFile[];
}

export interface BackedUpFile {
  /** The file's name in DATA_DIR and in the backup directory. */
  readonly file: string;
  readonly holds: string;
  readonly bytes: number;
  readonly sha256: string;
}

/**
 * The embedded databases in the order they are copied, each copy a snapshot of its own moment, so
 * that the restored stores agree as a crash would leave them, never worse:
 * - the read models and the idempotency store before the event store: a read model's checkpoint
 *   and a recorded answer are then never ahead of the log copied after them (a checkpoint ahead
 *   would skip the events written after a restore; an answer ahead would name events not restored).
 *   What they lack, the projector catches up and a retried command finds in the log.
 * - the vault after the event store: every identity an event of the copy refers to is in it (a
 *   record with no event yet is harmless), and an erasure done meanwhile stays done.
 */
export const DATABASES: ReadonlyArray<{ readonly file: string; readonly holds: string }> = [
  { file: EMBEDDED_DATABASES.readModels, holds: 'read models' },
  { file: EMBEDDED_DATABASES.idempotency, holds: 'idempotency store' },
  { file: EMBEDDED_DATABASES.events, holds: 'event store' },
  { file: EMBEDDED_DATABASES.vault, holds: 'personal-data vault (sealed records; its keys are not in it)' },
];

/** The event store's file: a backup without it is none. */
export const EVENT_STORE_FILE = EMBEDDED_DATABASES.events;

/** A command-line refusal: the message on stderr and a non-zero exit code, nothing written. */
export class Refusal extends Error {
  override readonly name = 'Refusal';

  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** The value after `--name` on the command line, or a usage refusal (exit code 2). */
export function directoryArgument(args: readonly string[], name: string, usage: string): string {
  const at = args.indexOf(name);
  const value = at < 0 ? undefined : args[at + 1];
  if (value === undefined || value.startsWith('--') || value.trim() === '') throw new Refusal(usage, 2);
  return value;
}

/** Backup and restore copy SQLite files: with KurrentDB or MongoDB configured, their own tools do it. */
export function requireEmbeddedStores(config: AppConfig, verb: 'back up' | 'restore'): void {
  const servers = [config.kurrentDbUrl ? 'KURRENTDB_URL' : null, config.mongoDbUrl ? 'MONGODB_URL' : null].filter(
    (name) => name !== null,
  );
  if (servers.length > 0)
    throw new Refusal(
      `${servers.join(' and ')} ${servers.length > 1 ? 'are' : 'is'} set: this tool can only ${verb} the embedded (SQLite) stores in DATA_DIR. ` +
        'For KurrentDB and MongoDB use their own tools, in the order docs/operations.md ("Backup and restore") gives.',
    );
}

/** Whether a directory is absent or holds nothing. */
/** A file's SHA-256 in hex, read a megabyte at a time: an event store may be larger than memory. */
export function fileSha256(file: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.alloc(1024 * 1024);
  const fd = openSync(file, 'r');
  try {
    for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer)) hash.update(buffer.subarray(0, read));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

export function isAbsentOrEmpty(dir: string): boolean {
  return !existsSync(dir) || readdirSync(dir).length === 0;
}

/** The product's version (package.json), named in the manifest. */
export function productVersion(): string {
  return (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** Where the secrets a backup does not carry live, for the operator to back up apart. */
export function keysKeptApart(config: AppConfig): string[] {
  const inDataDir = (name: string) => `${join(config.dataDir, name)} (development default, not copied)`;
  return [
    `the vault keyring (key-encryption keys): ${vaultKeyringFile(config)}`,
    `the key sealing it: ${config.vaultKey === null ? inDataDir('vault.key') : 'VAULT_KEY / VAULT_KEY_FILE'}`,
    `the anchors' signing key: ${config.auditSigningKey === null ? inDataDir('audit-signing.key') : 'AUDIT_SIGNING_KEY / AUDIT_SIGNING_KEY_FILE'}`,
  ];
}
