import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PreparedAppend } from '../append-validation.js';
import { AppendOutcomeUnknownError, EventStoreUnavailableError } from '../event-store.errors.js';
import type { AppendOutcome } from './sqlite-group-commit.js';

/** How the writer's connection is opened: as the store's own. */
export interface WriterSettings {
  readonly file: string;
  readonly durable: boolean;
  readonly busyTimeoutMs: number;
}

/** What the store's thread asks its writer. */
export type ToWriter =
  | { readonly kind: 'commit'; readonly id: number; readonly group: readonly (readonly PreparedAppend[])[] }
  | { readonly kind: 'close' };

/** What the writer answers. */
export type FromWriter =
  | { readonly kind: 'ready'; readonly journalMode: string; readonly synchronous: number }
  | { readonly kind: 'committed'; readonly id: number; readonly outcomes: AppendOutcome[] }
  /** `code`: SQLite's (SQLITE_FULL, SQLITE_IOERR…), when the error had one. */
  | { readonly kind: 'failed'; readonly id: number; readonly message: string; readonly code: string | null }
  | { readonly kind: 'closed' };

/** The writer's script beside this module in the build; null when running from the sources (tests), where none is compiled. */
export function compiledWriterScript(): URL | null {
  const script = new URL('./sqlite-writer.worker.js', import.meta.url);
  return existsSync(fileURLToPath(script)) ? script : null;
}

interface InFlight {
  readonly resolve: (outcomes: AppendOutcome[]) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The store's side of its writer thread (sqlite-writer.worker.ts): one group at a time goes to the
 * thread, which commits it on a connection of its own and answers each append's outcome. The thread
 * is started at the first commit (a store that only reads never starts one) and keeps the process
 * alive only while a group is in flight. A group in flight when the thread dies may have been
 * committed: it fails with AppendOutcomeUnknownError, which the write path resolves by reading the
 * events' ids back; the next commit starts a new thread.
 */
export class SqliteWriterThread {
  private worker: Worker | null = null;
  private ready: Promise<{ journalMode: string; synchronous: number }> | null = null;
  private readonly inFlight = new Map<number, InFlight>();
  /** The answers awaited, so that closing waits for them. */
  private readonly answers = new Set<Promise<unknown>>();
  private nextId = 1;

  constructor(
    private readonly script: URL,
    private readonly settings: WriterSettings,
  ) {}

  async commit(group: readonly (readonly PreparedAppend[])[]): Promise<AppendOutcome[]> {
    const worker = this.started();
    const id = this.nextId++;
    const outcome = new Promise<AppendOutcome[]>((resolve, reject) => this.inFlight.set(id, { resolve, reject }));
    const answered = outcome.then(
      () => undefined,
      () => undefined,
    );
    this.answers.add(answered);
    worker.ref();
    worker.postMessage({ kind: 'commit', id, group } satisfies ToWriter);
    try {
      return await outcome;
    } finally {
      this.answers.delete(answered);
      if (this.inFlight.size === 0) this.worker?.unref();
    }
  }

  /** The writer connection's settings, as it reports them once open. */
  async durability(): Promise<{ journalMode: string; synchronous: number }> {
    this.started();
    return this.ready!;
  }

  /** Ends the thread once what is in flight is answered. */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    await Promise.all(this.answers);
    const exited = once(worker, 'exit');
    worker.postMessage({ kind: 'close' } satisfies ToWriter);
    await exited;
    this.worker = null;
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script, { workerData: this.settings });
    worker.unref();
    this.worker = worker;
    this.ready = new Promise((resolve, reject) => {
      worker.on('message', (message: FromWriter) => {
        if (message.kind === 'ready') return resolve(message);
        if (message.kind === 'closed') return;
        const waiting = this.inFlight.get(message.id);
        if (!waiting) return;
        this.inFlight.delete(message.id);
        if (message.kind === 'committed') waiting.resolve(message.outcomes);
        else
          waiting.reject(
            new EventStoreUnavailableError(`The event store could not write: ${message.message}`, {
              cause: Object.assign(new Error(message.message), { code: message.code }),
            }),
          );
      });
      worker.once('error', (error) => reject(error));
    });
    this.ready.catch(() => undefined);
    worker.once('exit', (code) => {
      if (this.worker === worker) this.worker = null;
      // Whatever was in flight may or may not be on disk.
      for (const [id, waiting] of this.inFlight) {
        this.inFlight.delete(id);
        waiting.reject(
          new AppendOutcomeUnknownError(`The event store's writer thread ended (exit code ${code}) during an append`),
        );
      }
    });
    return worker;
  }
}
