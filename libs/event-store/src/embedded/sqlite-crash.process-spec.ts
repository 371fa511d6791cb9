/**
 * Crash safety: a child process appends in a loop and is killed with SIGKILL at a random moment.
 * After reopening, every acknowledged event is there, no event is torn, positions are contiguous,
 * and stream revisions have no gap; with appends committed on this thread and on the store's writer
 * thread. CRASH_RUNS sets how many kills of each (default 3).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore } from './sqlite-event-store.js';
import { formatPosition } from '../log-position.js';

const RUNS = Number(process.env['CRASH_RUNS'] ?? 3);
const root = process.cwd();
const outDir = resolve(root, 'dist/test-support/crash-writer');
const writerJs = join(outDir, 'libs/event-store/test-support/crash-writer.js');

type Writer = 'inline' | 'thread';
const CASES = (['inline', 'thread'] as const).flatMap((writer) =>
  Array.from({ length: RUNS }, (_, i): [Writer, number] => [writer, i + 1]),
);

/** Runs the writer until it has acknowledged appends, kills it `killAfterMs` after the first; returns what it acknowledged. */
function runAndKill(file: string, writer: Writer, killAfterMs: number): Promise<Map<string, string>> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [writerJs, file, writer], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acknowledged = new Map<string, string>();
    let buffered = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? ''; // a line cut by the kill was never a complete acknowledgement
      for (const line of lines) {
        if (line === 'ready') continue;
        const [, ids, position] = line.split(' ');
        for (const id of ids?.split(',') ?? []) acknowledged.set(id, position ?? '');
        // The random moment counts from the first acknowledgement, not from the start: on a loaded
        // machine a writer thread may take longer than the delay to commit its first batch.
        timer ??= setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited on its own (${signal ?? _code}): ${stderr}`));
      else resolvePromise(acknowledged);
    });
  });
}

describe('embedded event store under SIGKILL', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'crash-'));
    execFileSync(process.execPath, [
      resolve(root, 'node_modules/typescript/bin/tsc'),
      '--outDir',
      outDir,
      '--rootDir',
      root,
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'es2023',
      '--skipLibCheck',
      '--types',
      'node',
      '--esModuleInterop',
      resolve(root, 'libs/event-store/test-support/crash-writer.ts'),
      // Loaded by URL, not imported: compiled beside the store, where the store looks for it.
      resolve(root, 'libs/event-store/src/embedded/sqlite-writer.worker.ts'),
    ]);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(CASES)(
    'writer %s, run %i: every acknowledged event survives, none is torn, positions and revisions have no gap',
    async (writer, run) => {
      const file = join(dir, `events-${writer}-${run}.db`);
      const acknowledged = await runAndKill(file, writer, 100 + Math.floor(Math.random() * 900));
      expect(acknowledged.size).toBeGreaterThan(0);
      if (process.env['CRASH_VERBOSE'])
        console.log(`writer ${writer}, run ${run}: ${acknowledged.size} events acknowledged before SIGKILL`);

      const store = SqliteEventStore.open(file);
      try {
        const events = await store.readAll(); // throws on an event whose JSON is torn
        const positions = events.map((e) => Number(e.position.commit));
        expect(positions).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));

        const found = new Map(events.map((e) => [e.eventId, e]));
        const missing = [...acknowledged.keys()].filter((id) => !found.has(id));
        expect(missing).toEqual([]);

        const revisions = new Map<string, number>();
        for (const event of events) {
          expect(event.revision).toBe((revisions.get(event.stream) ?? -1) + 1);
          revisions.set(event.stream, event.revision);
        }
        // An acknowledgement's position is that of the last event of its append.
        for (const [id, position] of acknowledged) {
          const event = found.get(id)!;
          expect(Number(position)).toBeGreaterThanOrEqual(Number(formatPosition(event.position)));
        }
      } finally {
        await store.close();
      }
      const db = new Database(file, { readonly: true });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();
    },
    60_000,
  );
});
