/**
 * The projector process killed with SIGKILL in the middle of a catch-up, then restarted, ends
 * with read models equal, document by document, to a rebuild from zero.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore, UpcastingEventStore } from '@app/event-store';
import { fundingEventRegistry } from '@app/config';
import { FUNDING_PROJECTIONS, SqliteReadModelStore, rebuildReadModels, type ReadModelStore } from '@app/read-models';
import { PROJECTOR_MAIN, removeDataDir, tempDataDir } from './support/api-process.js';
import { writeSyntheticLog } from './support/synthetic-log.js';

const dirs: string[] = [];
/** Every projector started, killed at the end whatever happened: one left running would keep Jest from exiting. */
const started: ChildProcess[] = [];
afterAll(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  dirs.forEach(removeDataDir);
});

function startProjector(dataDir: string): ChildProcess {
  const child = spawn(process.execPath, [PROJECTOR_MAIN], {
    // No anchors: they are events in the log, and this test waits for the checkpoints to reach its head.
    env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'test', DATA_DIR: dataDir, AUDIT_ANCHOR_INTERVAL_MS: '0' },
    stdio: 'ignore',
  });
  started.push(child);
  return child;
}

/** The projections' checkpoints as the projector last committed them (commit positions). */
function checkpoints(file: string): number[] {
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return db
        .prepare<[], { c: string | null }>('SELECT commit_pos AS c FROM checkpoints WHERE generation = 1')
        .all()
        .map((r) => Number(r.c ?? 0));
    } finally {
      db.close();
    }
  } catch {
    return [];
  }
}

async function until(condition: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function documents(store: ReadModelStore) {
  const space = store.space(await store.activeGeneration());
  const result: Record<string, unknown> = {};
  for (const collection of await space.collections()) result[collection] = await space.all(collection);
  return result;
}

describe('projector crash during catch-up', () => {
  it('resumes after SIGKILL and ends equal to a rebuild from zero', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const head = await writeSyntheticLog(join(dataDir, 'events.db'), Number(process.env['CRASH_LOG_BLOCKS'] ?? 600));
    const readModelsFile = join(dataDir, 'read-models.db');

    const first = startProjector(dataDir);
    await until(() => checkpoints(readModelsFile).some((c) => c > 0), 'the projector committed a first batch');
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const atKill = checkpoints(readModelsFile);
    expect(Math.min(...atKill, head)).toBeLessThan(head); // it really was in the middle of the catch-up

    const second = startProjector(dataDir);
    await until(() => {
      const c = checkpoints(readModelsFile);
      return c.length === FUNDING_PROJECTIONS.length && c.every((p) => p === head);
    }, 'the restarted projector caught up');
    second.kill('SIGTERM');
    await new Promise((r) => second.once('exit', r));

    const events = new UpcastingEventStore(SqliteEventStore.open(join(dataDir, 'events.db')), fundingEventRegistry());
    const live = SqliteReadModelStore.open(readModelsFile);
    const scratch = SqliteReadModelStore.open(join(dataDir, 'scratch.db'));
    try {
      await rebuildReadModels(events, scratch, FUNDING_PROJECTIONS);
      const rebuilt = await documents(scratch);
      expect(Object.keys(rebuilt).sort()).toEqual([
        'accounting_dashboards',
        'bids',
        'calls',
        'expenditure_claims',
        'grants',
        'open_data_calls',
        'open_data_operations',
        'open_data_programmes',
        'programme_dashboards',
      ]);
      expect(await documents(live)).toEqual(rebuilt);
    } finally {
      await events.close();
      await live.close();
      await scratch.close();
    }
  }, 300_000);
});
