import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BroadcastChannel } from 'node:worker_threads';
import Database from 'better-sqlite3';
import {
  DEFAULT_MAX_EVENT_BYTES,
  prepareAppends,
  assertStreamName,
  type PreparedAppend,
} from '../append-validation.js';
import { EventStoreUnavailableError } from '../event-store.errors.js';
import type * as port from '../event-store.port.js';
import { comparePositions, sequencePosition } from '../log-position.js';
import { ChainCheck, addMissingLinks } from './hash-chain.js';
import { groupCommitter, refusalError, type AppendOutcome } from './sqlite-group-commit.js';
import { SqliteWriterThread } from './sqlite-writer-thread.js';
import {
  SCHEMA,
  prepareStatements,
  toRecordedEvent,
  type EventRow,
  type EventStatements,
} from './sqlite-events-table.js';

export interface SqliteEventStoreOptions {
  /** Refuse events whose data and metadata together exceed this many bytes. Default 1 MiB. */
  readonly maxEventBytes?: number;
  /**
   * true (default): an append resolves only after its transaction is on disk (WAL, synchronous=FULL).
   * false: synchronous=NORMAL, survives a process crash but not a power loss. For scratch stores only.
   */
  readonly durable?: boolean;
  /**
   * How often an idle subscription looks for events written by another process. Default 250 ms.
   * Events appended by another store on the same file in this process (another thread) wake it at once.
   */
  readonly pollIntervalMs?: number;
  /**
   * The writer thread's compiled script (compiledWriterScript()): appends are committed there, on a
   * connection of its own, and the event loop never waits on the disk. Without it, on this thread.
   */
  readonly writerThread?: URL | null;
}

interface PendingAppend {
  readonly appends: readonly PreparedAppend[];
  readonly resolve: (results: port.AppendResult[]) => void;
  readonly reject: (error: unknown) => void;
}

const SUBSCRIPTION_BATCH = 512;
/** How long a connection waits for another one's write lock (another process on the file) before it fails. */
const BUSY_TIMEOUT_MS = 10_000;
/** Events whose links one slice of a verification recomputes before it yields. */
const VERIFY_PAGE = 2000;

/**
 * The embedded event store: one SQLite file in WAL mode. Global positions are 1, 2, 3… with no
 * gaps: each is max(position) + 1 inside the writing transaction. Appends that arrive together
 * are committed together (group commit): one transaction and one fsync for all of them, each in
 * its own savepoint so one's conflict does not fail the others.
 */
export class SqliteEventStore implements port.EventStore, port.TamperEvidentLog {
  private readonly db: Database.Database;
  private readonly maxEventBytes: number;
  private readonly pollIntervalMs: number;
  private readonly appended = new EventEmitter();
  /** Tells the other stores on the same file in this process (any thread: the projector's) that events were appended. */
  private readonly neighbours: BroadcastChannel | null;
  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  /** The group the writer thread is committing, if any: the next one waits for it. */
  private committing: Promise<void> | null = null;
  private closed = false;

  private readonly statements: EventStatements;
  private readonly commitHere: (group: readonly (readonly PreparedAppend[])[]) => AppendOutcome[];
  private readonly writer: SqliteWriterThread | null;

  private constructor(file: string, options: SqliteEventStoreOptions) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.durable === false ? 'NORMAL' : 'FULL'}`);
    this.db.exec(SCHEMA);
    addMissingLinks(this.db);
    this.maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.appended.setMaxListeners(0);
    this.neighbours = file === ':memory:' ? null : new BroadcastChannel(`sqlite-event-store:${resolve(file)}`);
    this.neighbours?.unref();
    if (this.neighbours) this.neighbours.onmessage = () => this.appended.emit('appended');
    this.statements = prepareStatements(this.db);
    this.commitHere = groupCommitter(this.db, this.statements);
    this.writer =
      options.writerThread && file !== ':memory:'
        ? new SqliteWriterThread(options.writerThread, {
            file: resolve(file),
            durable: options.durable !== false,
            busyTimeoutMs: BUSY_TIMEOUT_MS,
          })
        : null;
  }

  /** Opens (creating if needed) the store in `file`. */
  static open(file: string, options: SqliteEventStoreOptions = {}): SqliteEventStore {
    return new SqliteEventStore(file, options);
  }

  async append(request: port.AppendRequest): Promise<port.AppendResult> {
    const [result] = await this.enqueue(prepareAppends([request], this.maxEventBytes));
    return result as port.AppendResult;
  }

  async appendMulti(requests: readonly port.AppendRequest[]): Promise<port.MultiAppendResult> {
    const streams = await this.enqueue(prepareAppends(requests, this.maxEventBytes));
    const position = streams.map((s) => s.position).reduce((last, p) => (comparePositions(p, last) > 0 ? p : last));
    return { streams, position };
  }

  async readStream(stream: string, options: port.ReadStreamOptions = {}): Promise<port.RecordedEvent[]> {
    assertStreamName(stream);
    const limit = boundedLimit(options.limit);
    return this.statements.readForwards.all(stream, options.fromRevision ?? 0, limit).map(toRecordedEvent);
  }

  async readAll(options: port.ReadAllOptions = {}): Promise<port.RecordedEvent[]> {
    return this.readAllNow(options.after ?? null, boundedLimit(options.limit)).map(toRecordedEvent);
  }

  async *subscribe(options: port.SubscribeOptions = {}): AsyncGenerator<port.SubscriptionItem> {
    let cursor: port.LogPosition | null = options.after ?? null;
    let caughtUp = false;
    const signal = options.signal;
    while (!this.closed && !signal?.aborted) {
      // One read transaction: the batch and the head come from the same snapshot of the log.
      const { rows, head } = this.db.transaction(() => ({
        rows: this.readAllNow(cursor, SUBSCRIPTION_BATCH),
        head: this.statements.head.get()?.position ?? null,
      }))();
      for (const row of rows) {
        if (signal?.aborted) return;
        const event = toRecordedEvent(row);
        cursor = event.position;
        yield { kind: 'event', event };
      }
      if (rows.length < SUBSCRIPTION_BATCH) {
        if (!caughtUp) {
          caughtUp = true;
          const headPosition = head === null ? null : sequencePosition(head);
          yield { kind: 'caught-up', position: laterOf(cursor, headPosition) };
        }
        await this.nextAppendOrPoll(signal);
      }
    }
  }

  async headPosition(): Promise<port.LogPosition | null> {
    const head = this.statements.head.get()?.position ?? null;
    return head === null ? null : sequencePosition(head);
  }

  /**
   * Recomputes the hash chain over the whole log, in order, in constant memory. A changed byte of
   * any event breaks its link; a removed event leaves a gap in the positions; both are reported
   * at the first position where the log stops matching.
   */
  /** The whole chain, a page at a time, letting other work run between pages. */
  async verifyChain(): Promise<port.ChainVerification> {
    const check = new ChainCheck();
    const page = this.db.prepare<[number, number], EventRow>(
      'SELECT position, event_id, stream, revision, type, schema_version, data, metadata, link FROM events WHERE position > ? ORDER BY position LIMIT ?',
    );
    for (let after = 0; ;) {
      const rows = page.all(after, VERIFY_PAGE);
      for (const row of rows) {
        const broken = check.feed(row);
        if (broken) return broken;
      }
      if (rows.length < VERIFY_PAGE) return check.result();
      after = rows[rows.length - 1]!.position;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** The settings that make an acknowledged append durable, as the connection reports them. */
  durability(): { journalMode: string; synchronous: 'FULL' | 'NORMAL' | 'OTHER' } {
    const synchronous = this.db.pragma('synchronous', { simple: true });
    return {
      journalMode: String(this.db.pragma('journal_mode', { simple: true })),
      synchronous: synchronous === 2 ? 'FULL' : synchronous === 1 ? 'NORMAL' : 'OTHER',
    };
  }

  /** The writer thread's connection settings, as it reports them (null: appends are committed on this thread). */
  async writerDurability(): Promise<{ journalMode: string; synchronous: 'FULL' | 'NORMAL' | 'OTHER' } | null> {
    if (!this.writer) return null;
    const { journalMode, synchronous } = await this.writer.durability();
    return { journalMode, synchronous: synchronous === 2 ? 'FULL' : synchronous === 1 ? 'NORMAL' : 'OTHER' };
  }

  /** Commits what is queued and waits for what is being committed, then closes. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.committing || this.queue.length > 0) {
      if (this.committing) await this.committing;
      else this.flush();
    }
    await this.writer?.close();
    this.appended.emit('appended');
    this.neighbours?.close();
    this.db.close();
  }

  private readAllNow(after: port.LogPosition | null, limit: number): EventRow[] {
    return this.statements.readAll.all(after === null ? 0 : Number(after.commit), limit);
  }

  private enqueue(appends: PreparedAppend[]): Promise<port.AppendResult[]> {
    if (this.closed) return Promise.reject(new EventStoreUnavailableError('The event store is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ appends, resolve, reject });
      if (!this.flushScheduled && !this.committing) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /**
   * Group commit: every append queued since the last group, in one transaction, on the writer
   * thread when there is one (while it commits, the next group gathers here), else on this one.
   */
  private flush(): void {
    this.flushScheduled = false;
    const group = this.queue;
    this.queue = [];
    if (group.length === 0) return;
    const appends = group.map((pending) => pending.appends);
    if (!this.writer) {
      let outcomes: AppendOutcome[];
      try {
        outcomes = this.commitHere(appends);
      } catch (error) {
        return this.failed(group, error);
      }
      return this.settle(group, outcomes);
    }
    this.committing = this.writer.commit(appends).then(
      (outcomes) => this.settle(group, outcomes),
      (error: unknown) => this.failed(group, error),
    );
    void this.committing.finally(() => {
      this.committing = null;
      if (this.queue.length > 0 && !this.flushScheduled) this.flush();
    });
  }

  private settle(group: readonly PendingAppend[], outcomes: readonly AppendOutcome[]): void {
    group.forEach((pending, i) => {
      const outcome = outcomes[i]!;
      if ('results' in outcome) pending.resolve(outcome.results);
      else pending.reject(refusalError(outcome.refused));
    });
    this.appended.emit('appended');
    this.neighbours?.postMessage(null);
  }

  /** Nothing of the group was written (or, for a writer thread that died, perhaps it was: AppendOutcomeUnknownError). */
  private failed(group: readonly PendingAppend[], error: unknown): void {
    const failure =
      error instanceof EventStoreUnavailableError
        ? error
        : new EventStoreUnavailableError(`The event store could not write: ${String(error)}`, { cause: error });
    for (const pending of group) pending.reject(failure);
  }

  private nextAppendOrPoll(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.appended.off('appended', done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, this.pollIntervalMs);
      this.appended.on('appended', done);
      signal?.addEventListener('abort', done);
    });
  }
}

function boundedLimit(limit: number | undefined): number {
  if (limit === undefined) return Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(limit) || limit < 0)
    throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
  return limit;
}

function laterOf(a: port.LogPosition | null, b: port.LogPosition | null): port.LogPosition | null {
  if (a === null) return b;
  if (b === null) return a;
  return a.commit >= b.commit ? a : b;
}
