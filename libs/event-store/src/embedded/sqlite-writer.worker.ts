/**
 * The embedded store's writer thread: its own connection to the file, and the group commit on it
 * (sqlite-group-commit.ts), so the transaction and its fsync never hold the event loop of the
 * process that serves requests. Loaded by SqliteWriterThread, from the build.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { groupCommitter } from './sqlite-group-commit.js';
import { prepareStatements } from './sqlite-events-table.js';
import type { FromWriter, ToWriter, WriterSettings } from './sqlite-writer-thread.js';

const port = parentPort!;
const settings = workerData as WriterSettings;
const tell = (message: FromWriter) => port.postMessage(message);

const db = new Database(settings.file, { timeout: settings.busyTimeoutMs });
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${settings.durable ? 'FULL' : 'NORMAL'}`);
const commit = groupCommitter(db, prepareStatements(db));

port.on('message', (message: ToWriter) => {
  if (message.kind === 'close') {
    db.close();
    tell({ kind: 'closed' });
    process.exit(0);
  }
  try {
    tell({ kind: 'committed', id: message.id, outcomes: commit(message.group) });
  } catch (error) {
    const code = typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : null;
    tell({ kind: 'failed', id: message.id, message: String(error), code });
  }
});

tell({
  kind: 'ready',
  journalMode: String(db.pragma('journal_mode', { simple: true })),
  synchronous: Number(db.pragma('synchronous', { simple: true })),
});
