import { loadConfigOrExit, vaultKeyringFile } from '@app/config';
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  DATABASES,
  EVENT_STORE_FILE,
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  Refusal,
  directoryArgument,
  fileSha256,
  isAbsentOrEmpty,
  keysKeptApart,
  requireEmbeddedStores,
  type BackupManifest,
} from './embedded-backup.js';

/**
 * `npm run restore -- --from DIR`: a backup of `npm run backup` into the configured DATA_DIR, which
 * must be absent or empty. The manifest is checked first (every file there, of its size and
 * digest), then the files are copied and each database is opened once for `PRAGMA integrity_check`.
 * The keys are not in a backup: the vault keyring and the signing key come back from their own.
 */
function main(): void {
  const from = resolve(directoryArgument(process.argv.slice(2), '--from', 'usage: npm run restore -- --from DIR'));
  const config = loadConfigOrExit({ serveApi: false });
  requireEmbeddedStores(config, 'restore');
  const manifest = checkedManifest(from);
  if (!isAbsentOrEmpty(config.dataDir))
    throw new Refusal(
      `DATA_DIR (${config.dataDir}) is not empty: restore goes into a new or empty directory, never over a store`,
    );

  mkdirSync(config.dataDir, { recursive: true });
  for (const { file } of manifest.files) {
    const target = join(config.dataDir, file);
    copyFileSync(join(from, file), `${target}.restoring`);
    renameSync(`${target}.restoring`, target);
  }
  const damaged = manifest.files.filter(({ file }) => integrityProblems(join(config.dataDir, file)).length > 0);
  if (damaged.length > 0)
    throw new Refusal(
      `PRAGMA integrity_check failed on ${damaged.map((f) => f.file).join(', ')} in ${config.dataDir}: do not start on it`,
    );

  const keyring = vaultKeyringFile(config);
  process.stdout.write(
    [
      `Restored ${manifest.files.length} databases from ${from} (backup of ${manifest.createdAt}, version ${manifest.version}) into ${config.dataDir}, the event store up to position ${manifest.eventStoreHead ?? '(empty)'}; every integrity check ok.`,
      existsSync(keyring)
        ? `The vault keyring is at ${keyring}.`
        : `No vault keyring at ${keyring}: put back the one kept apart before starting, or the vault cannot be opened.`,
      'The keys come from their own backups, never from this one:',
      ...keysKeptApart(config).map((line) => `- ${line}`),
      // The witness is never restored: it is what the restored log is checked against (docs/operations.md).
      `Then: npm run audit:verify -- --as-of ${manifest.createdAt}${config.auditWitnessDir === null ? '' : ` (against the witness ${config.auditWitnessDir}: a backup older than its newest anchor shows as a cut there; start with a new AUDIT_WITNESS_DIR)`}, and start the API.`,
      '',
    ].join('\n'),
  );
}

/** The backup's manifest, once every file it lists is there with its size and digest. */
function checkedManifest(from: string): BackupManifest {
  const path = join(from, MANIFEST_FILE);
  if (!existsSync(path))
    throw new Refusal(`No ${MANIFEST_FILE} in ${from}: not a backup of npm run backup, or an unfinished one`);
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as BackupManifest;
  if (manifest.format !== MANIFEST_FORMAT || !Array.isArray(manifest.files))
    throw new Refusal(`${path} is not a backup manifest of format ${MANIFEST_FORMAT}`);
  const known = new Set(DATABASES.map((d) => d.file));
  const problems: string[] = [];
  if (!manifest.files.some((f) => f.file === EVENT_STORE_FILE)) problems.push(`no ${EVENT_STORE_FILE} listed`);
  for (const { file, bytes, sha256 } of manifest.files) {
    const copy = join(from, file);
    if (!known.has(file)) problems.push(`${file} is not a database of the embedded stores`);
    else if (!existsSync(copy)) problems.push(`${file} is missing`);
    else if (statSync(copy).size !== bytes) problems.push(`${file} has ${statSync(copy).size} bytes, not ${bytes}`);
    else if (fileSha256(copy) !== sha256) problems.push(`${file} does not match its digest`);
  }
  if (problems.length > 0) throw new Refusal(`The backup in ${from} is not whole: ${problems.join('; ')}`);
  return manifest;
}

/** What `PRAGMA integrity_check` finds wrong in a database; none when it answers ok. */
function integrityProblems(file: string): string[] {
  const db = new Database(file, { fileMustExist: true });
  try {
    const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
    return rows.map((r) => r.integrity_check).filter((answer) => answer !== 'ok');
  } finally {
    db.close();
  }
}

try {
  main();
} catch (error) {
  if (!(error instanceof Refusal)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = error.exitCode;
}
