import { loadConfigOrExit } from '@app/config';
import { formatPosition, sequencePosition } from '@app/event-store';
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
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
  productVersion,
  requireEmbeddedStores,
  type BackedUpFile,
  type BackupManifest,
} from './embedded-backup.js';

/**
 * `npm run backup -- --to DIR`: a consistent copy of each embedded store's SQLite file in DATA_DIR
 * (the event store, the read models, the idempotency store, the vault), taken with SQLite's online
 * backup while the API runs and writes, and a manifest written last. Never the vault's keyring nor
 * any key: those are backed up apart (docs/operations.md, "Backup and restore").
 */
async function main(): Promise<void> {
  const to = resolve(directoryArgument(process.argv.slice(2), '--to', 'usage: npm run backup -- --to DIR'));
  const config = loadConfigOrExit({ serveApi: false });
  requireEmbeddedStores(config, 'back up');
  if (!isAbsentOrEmpty(to)) throw new Refusal(`${to} is not empty: a backup goes into a new or empty directory`);
  const fromDataDir = relative(config.dataDir, to);
  if (fromDataDir === '' || (!fromDataDir.startsWith('..') && !isAbsolute(fromDataDir)))
    throw new Refusal(`${to} is inside DATA_DIR (${config.dataDir}): a backup goes elsewhere`);
  if (!existsSync(join(config.dataDir, EVENT_STORE_FILE)))
    throw new Refusal(`No event store in DATA_DIR (${config.dataDir}): nothing to back up`);

  mkdirSync(to, { recursive: true });
  const files: BackedUpFile[] = [];
  for (const { file, holds } of DATABASES) {
    const source = join(config.dataDir, file);
    if (!existsSync(source)) continue; // a store no process on this directory has opened yet
    files.push(await copyDatabase(source, join(to, file), holds));
    process.stderr.write(`Copied the ${holds}: ${file}\n`);
  }
  const head = eventStoreHead(join(to, EVENT_STORE_FILE));
  const manifest: BackupManifest = {
    format: MANIFEST_FORMAT,
    tool: 'cohesion-ledger backup',
    version: productVersion(),
    createdAt: new Date().toISOString(),
    eventStoreHead: head,
    files,
  };
  // Last, whole, under its name: a directory with a manifest holds a complete backup.
  writeFileSync(join(to, `${MANIFEST_FILE}.partial`), `${JSON.stringify(manifest, null, 2)}\n`, { flag: 'wx' });
  renameSync(join(to, `${MANIFEST_FILE}.partial`), join(to, MANIFEST_FILE));
  process.stdout.write(
    [
      `Backed up ${files.length} databases of ${config.dataDir} into ${to}, the event store up to position ${head ?? '(empty)'}.`,
      'Not in the backup, back them up apart (never beside it):',
      ...keysKeptApart(config).map((line) => `- ${line}`),
      '',
    ].join('\n'),
  );
}

/**
 * One database copied with SQLite's online backup: the copy is one snapshot of the source, whatever
 * other processes commit meanwhile (a write during the copy makes SQLite start it again). The pages
 * after the first step go in one step, so a busy writer cannot keep restarting it.
 */
async function copyDatabase(source: string, target: string, holds: string): Promise<BackedUpFile> {
  const partial = `${target}.partial`;
  const db = new Database(source, { fileMustExist: true });
  try {
    await db.backup(partial, { progress: () => 0x7fffffff });
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  } finally {
    db.close();
  }
  renameSync(partial, target);
  return {
    file: basename(target),
    holds,
    bytes: statSync(target).size,
    sha256: fileSha256(target),
  };
}

/** The last position of the copied event store (the embedded store's positions are its row ids). */
function eventStoreHead(file: string): string | null {
  const db = new Database(file, { fileMustExist: true });
  try {
    const row = db.prepare<[], { head: number | null }>('SELECT MAX(position) AS head FROM events').get();
    return row?.head == null ? null : formatPosition(sequencePosition(row.head));
  } finally {
    db.close();
  }
}

try {
  await main();
} catch (error) {
  if (!(error instanceof Refusal)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = error.exitCode;
}
