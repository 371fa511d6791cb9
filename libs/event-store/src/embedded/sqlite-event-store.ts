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
import { EventStoreError, EventStoreUnavailableError } from '../event-store.errors.js';
import type * as port from '../event-store.port.js';
import { comparePositions, sequencePosition } from '../log-position.js';
import { ChainCheck, addMissingLinks } from './hash-chain.js';
import { applyAppend } from './sqlite-append.js';
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
}

interface PendingAppend {
  readonly appends: readonly PreparedAppend[];
  readonly resolve: (results: port.AppendResult[]) => void;
  readonly reject: (error: unknown) => void;
}

const SUBSCRIPTION_BATCH = 512;
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
  private closed = false;

  private readonly statements: EventStatements;
  private readonly applyAtomically: Database.Transaction<(appends: readonly PreparedAppend[]) => port.AppendResult[]>;

  private constructor(file: string, options: SqliteEventStoreOptions) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file, { timeout: 10_000 });
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
    // Nested inside the group-commit transaction, better-sqlite3 runs this as a savepoint.
    this.applyAtomically = this.db.transaction((appends: readonly PreparedAppend[]) =>
      appends.map((a) => applyAppend(this.statements, a)),
    );
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

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.queue.length > 0) this.flush();
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
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Group commit: every append queued since the last flush, in one transaction. */
  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    const outcomes: Array<{ results: port.AppendResult[] } | { error: unknown }> = [];
    try {
      this.db
        .transaction(() => {
          for (const pending of batch) {
            try {
              outcomes.push({ results: this.applyAtomically(pending.appends) });
            } catch (error) {
              if (!(error instanceof EventStoreError)) throw error;
              outcomes.push({ error });
            }
          }
        })
        .immediate();
    } catch (error) {
      const failure = new EventStoreUnavailableError(`The event store could not write: ${String(error)}`, {
        cause: error,
      });
      for (const pending of batch) pending.reject(failure);
      return;
    }
    batch.forEach((pending, i) => {
      const outcome = outcomes[i]!;
      if ('results' in outcome) pending.resolve(outcome.results);
      else pending.reject(outcome.error);
    });
    this.appended.emit('appended');
    this.neighbours?.postMessage(null);
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
