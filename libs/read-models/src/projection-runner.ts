import type { EventEmitter } from 'node:events';
import { EventDecodingError, type LogPosition, type RecordedEvent } from '@app/event-store';
import {
  ProjectionDocuments,
  applyPlanned,
  emptyIn,
  planEvent,
  type PlannedEvent,
  type ReadDocuments,
} from './batch-documents.js';
import { collectionsOf, type Projection } from './projections/projection.js';
import { RECONNECT_BACKOFF, backoffDelay, chunksOf, pause, type Backoff, type LogReader } from './resubscription.js';
import {
  FencedOutError,
  StaleCheckpointError,
  checkpointPosition,
  sameCheckpoint,
  type Checkpoint,
  type Fence,
  type Interruption,
  type ReadModelSpace,
} from './read-model-store.port.js';

export const CATCH_UP_BATCH = 1000;
/** Events a runner applies before it lets other work run. */
const EVENTS_PER_TURN = 100;
/** While a store stays down, one log line per this many attempts (and the first). */
const LOG_EVERY_ATTEMPTS = 10;

const NOT_READY = Symbol('not ready');
/** Resolves after the I/O phase of the event loop: whatever the log could give at once has been given by then. */
const nextTurn = () => new Promise<typeof NOT_READY>((resolve) => setImmediate(() => resolve(NOT_READY)));

/**
 * live: caught up and following; reconnecting: a store it needs (the event log, the read models)
 * is down and being retried; failed: stopped on an event it cannot decode or apply; standby: the
 * store refused its batch (another projector has moved on), so it applies nothing more.
 */
export type RunnerState = 'starting' | 'catching-up' | 'live' | 'reconnecting' | 'failed' | 'standby' | 'stopped';

export interface Reconnecting {
  /** When the current outage began. */
  readonly since: Date;
  readonly attempts: number;
  readonly lastError: string;
  readonly nextAttemptAt: Date;
}

export interface RunnerStatus {
  readonly projection: string;
  readonly generation: number;
  readonly state: RunnerState;
  readonly checkpoint: LogPosition | null;
  readonly failure: { readonly at: LogPosition | null; readonly message: string } | null;
  /** Set while `state` is reconnecting. */
  readonly reconnecting: Reconnecting | null;
}

/**
 * One committed batch, emitted as `batch` on the projector's progress emitter (the projector
 * process's metrics and spans are fed from it).
 */
export interface BatchReport {
  readonly projection: string;
  readonly generation: number;
  /** Events read in the batch (those the projection ignores included). */
  readonly events: number;
  /** The checkpoint it started from (null: the beginning of the log) and the one it committed. */
  readonly from: LogPosition | null;
  readonly to: LogPosition;
  /** From its first event applied to its commit made, in seconds. */
  readonly seconds: number;
}

export interface RunnerOptions {
  /** Ends once caught up with the log (a rebuild). */
  readonly stopWhenCaughtUp?: boolean;
  /** The lease term it runs in: its claim and every write are refused once another term has begun. */
  readonly fence?: Fence | null;
  /** Between attempts while the read-model store is down. */
  readonly backoff?: Backoff;
  /** Told when the store refused its claim or a batch: the runner has stood by. */
  readonly onRefused?: (error: Error) => void;
  /** Events of a catch-up batch, at least (CATCH_UP_BATCH; tests vary it). */
  readonly batchEvents?: number;
  /** Documents kept between batches (DOCUMENTS_KEPT; tests vary it). */
  readonly documentsKept?: number;
}

export function toCheckpoint(position: LogPosition): Checkpoint {
  return { commit: position.commit.toString(), prepare: position.prepare.toString() };
}

export function fromCheckpoint(checkpoint: Checkpoint | null): LogPosition | null {
  return checkpoint ? checkpointPosition(checkpoint) : null;
}

/** The store said no to a write: another writer has moved the projection on, or the lease's term is over. Never retried. */
function isRefusal(error: unknown): error is StaleCheckpointError | FencedOutError {
  return error instanceof StaleCheckpointError || error instanceof FencedOutError;
}

const messageOf = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/**
 * Runs one projection on one generation: subscribes after its checkpoint, applies events in
 * batches (while catching up, CATCH_UP_BATCH events or a little more: a batch ends with the chunk
 * of the log that filled it; once live, whatever arrived together) and commits each batch with its
 * checkpoint in one atomic write. An event it cannot decode or apply stops it, with the failure
 * recorded in the store and logged; it is never skipped.
 *
 * The log comes in chunks (what arrived together, SharedLog.subscribeChunks). For each chunk the
 * runner works out which documents its events change, reads those it does not hold in one read per
 * collection (none at all when its collections were empty as it started: ProjectionDocuments), then
 * applies the events without further I/O. Documents stay in memory for the batch and, up to
 * DOCUMENTS_KEPT, between batches. The runners of a projector end their batches on the same chunk,
 * and the embedded store writes the commits of one turn in one transaction.
 *
 * Neither store going away stops it: a dropped read of the log is taken again by the log reader
 * (SharedLog), which tells it so; a read-model store that fails an operation is asked again, with
 * the same backoff, for as long as it takes. Meanwhile it is `reconnecting`, with the last error
 * and the time of the next attempt, also recorded in the store for the processes that do not run it.
 * Every commit names the checkpoint it starts from and, under a lease, the lease's term: when the
 * store refuses one (another projector has taken over), the runner applies nothing more and stands by.
 */
export class ProjectionRunner {
  private state: RunnerState = 'starting';
  /** What it was doing before the store it needs went away: where it goes back to. */
  private resumeState: RunnerState = 'catching-up';
  private checkpoint: LogPosition | null = null;
  private failure: RunnerStatus['failure'] = null;
  private reconnecting: Reconnecting | null = null;
  /** The store holds an interruption for this projection that a commit or a clear has not removed yet. */
  private interruptionStored = false;
  private iterator: AsyncIterator<unknown> | null = null;
  private readonly abort = new AbortController();
  private stopping = false;
  readonly done: Promise<void>;
  private resolveCaughtUp!: () => void;
  /** Resolves when the runner first reaches the head of the log (or stops). */
  readonly caughtUp: Promise<void>;

  private subscribed = false;

  constructor(
    /** A read of the log that reconnects by itself, usually shared with the other projections (SharedLog). */
    private readonly events: LogReader,
    private readonly space: ReadModelSpace,
    private readonly projection: Projection,
    private readonly progress: EventEmitter,
    private readonly log: (message: string) => void,
    private readonly options: RunnerOptions = {},
  ) {
    this.caughtUp = new Promise((resolve) => (this.resolveCaughtUp = resolve));
    this.done = this.run().finally(() => {
      // A runner that failed before it subscribed must not hold the others' shared read back.
      if (!this.subscribed) this.events.giveUp?.();
      this.resolveCaughtUp();
    });
  }

  status(): RunnerStatus {
    return {
      projection: this.projection.name,
      generation: this.space.generation,
      state: this.state,
      checkpoint: this.checkpoint,
      failure: this.failure,
      reconnecting: this.state === 'reconnecting' ? this.reconnecting : null,
    };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    await this.done;
  }

  /** The state now (methods awaited meanwhile may have changed it). */
  private is(state: RunnerState): boolean {
    return this.state === state;
  }

  private get fence(): Fence | null {
    return this.options.fence ?? null;
  }

  private async run(): Promise<void> {
    try {
      await this.project();
    } catch (error) {
      // Only reached when the handling in project() itself throws (a progress listener, the log): the runner stops.
      this.state = this.stopping ? 'stopped' : 'failed';
      if (!this.stopping) {
        this.failure = { at: this.checkpoint, message: error instanceof Error ? error.message : String(error) };
        this.log(`Projection ${this.projection.name} STOPPED: ${this.failure.message}`);
        this.progress.emit('progress', this.status());
      }
    }
  }

  private async project(): Promise<void> {
    const name = this.projection.name;
    const fence = this.fence;
    // The event being applied, set by apply() below: where a failure happened.
    let current = null as RecordedEvent | null;
    try {
      const stored = await this.persist(() => (fence ? this.space.claim(name, fence) : this.space.status(name)));
      this.checkpoint = fromCheckpoint(stored.checkpoint);
      // Left by a projector that stopped while it was reconnecting: cleared once this one has caught up.
      this.interruptionStored = stored.interruption !== undefined;
      if (stored.failure) {
        this.log(
          `Projection ${name} previously stopped at ${stored.failure.at.commit}: ${stored.failure.message}; retrying from its checkpoint`,
        );
      }
      this.state = 'catching-up';
      const owned = collectionsOf(this.projection);
      const documents = new ProjectionDocuments(owned, this.options.documentsKept);
      if (stored.checkpoint === null && (await this.persist(() => emptyIn(this.space, owned))))
        documents.startedEmpty();
      const read: ReadDocuments = (collection, ids) => this.persist(() => this.space.getMany(collection, ids));
      let batchEnd: LogPosition | null = null;
      let pending = 0;
      let batchStarted = 0;
      const flush = async () => {
        if (batchEnd === null) return;
        const from = this.checkpoint;
        const move = { from: this.checkpoint ? toCheckpoint(this.checkpoint) : null, to: toCheckpoint(batchEnd) };
        const changes = documents.changes();
        await this.persist(async (retry) => {
          // A commit whose answer was lost may have been made all the same: the stored checkpoint says.
          if (retry && sameCheckpoint((await this.space.status(name)).checkpoint, move.to)) return;
          await this.space.commit(name, changes, move, fence);
        });
        this.checkpoint = batchEnd;
        this.interruptionStored = false;
        documents.committed();
        const report: BatchReport = {
          projection: name,
          generation: this.space.generation,
          events: pending,
          from,
          to: batchEnd,
          seconds: (performance.now() - batchStarted) / 1000,
        };
        batchEnd = null;
        pending = 0;
        this.progress.emit('batch', report);
        this.progress.emit('progress', this.status());
        // A commit ends a slice of work: let requests waiting on this process run before the next one.
        await nextTurn();
      };
      /** Events that came together: where each goes, their documents read in one go, then applied in order. */
      const apply = async (events: readonly RecordedEvent[]) => {
        if (this.is('reconnecting')) this.resumed('catching-up');
        if (pending === 0) batchStarted = performance.now();
        const planned: PlannedEvent[] = [];
        for (const event of events) {
          current = event;
          const plan = planEvent(this.projection, event);
          if (plan) planned.push(plan);
        }
        await documents.load(planned, read);
        for (const plan of planned) {
          current = plan.recorded;
          applyPlanned(plan, documents);
        }
        batchEnd = events.at(-1)?.position ?? batchEnd;
        pending += events.length;
      };
      const iterable = chunksOf(this.events, { after: this.checkpoint, signal: this.abort.signal });
      this.subscribed = true;
      const iterator = iterable[Symbol.asyncIterator]();
      this.iterator = iterator;
      reading: for (;;) {
        const pendingNext = iterator.next();
        // Live, commit when the log has nothing more ready right now: a burst of events becomes
        // one batch instead of one commit each, and a lone event is still committed at once.
        if (this.is('live') && pending > 0 && (await Promise.race([pendingNext, nextTurn()])) === NOT_READY)
          await flush();
        const next = await pendingNext;
        if (next.done || this.stopping) break;
        const items = next.value;
        for (let i = 0; i < items.length;) {
          if (this.stopping) break reading;
          // The events up to the next mark are applied together.
          let end = i;
          while (end < items.length && items[end]!.kind === 'event') end += 1;
          if (end > i) {
            await apply(items.slice(i, end).map((item) => (item as { readonly event: RecordedEvent }).event));
            i = end;
            continue;
          }
          const item = items[i++]!;
          if (item.kind === 'interrupted') {
            // What was applied is kept; the read resumes after the last event it delivered.
            await flush();
            await this.interrupted(item.error, item.attempt, item.since, item.nextAttemptAt);
          } else if (item.kind === 'caught-up') {
            await flush();
            if (!this.is('live')) {
              this.resumed('live');
              this.resolveCaughtUp();
            }
            if (this.interruptionStored) {
              await this.persist(() => this.space.recordInterruption(name, null, fence));
              this.interruptionStored = false;
            }
            if (this.options.stopWhenCaughtUp) break reading;
          }
        }
        if (pending >= (this.options.batchEvents ?? CATCH_UP_BATCH)) await flush();
        // Applying resolves without I/O: without a turn now and then, a catch-up would hold every request until its batch ends.
        else if (items.length >= EVENTS_PER_TURN) await nextTurn();
      }
      if (!this.stopping) await flush();
      this.state = 'stopped';
    } catch (error) {
      if (isRefusal(error) && !this.stopping) {
        this.state = 'standby';
        this.reconnecting = null;
        this.log(
          `Projection ${name} applies nothing more: the store refused its ${error instanceof FencedOutError ? 'lease term' : 'batch'} (${error.message}); another projector has moved on, standing by`,
        );
        this.progress.emit('progress', this.status());
        this.options.onRefused?.(error);
        return;
      }
      if (this.stopping && !(error instanceof EventDecodingError)) {
        this.state = 'stopped';
        return;
      }
      const at = error instanceof EventDecodingError ? error.position : (current?.position ?? null);
      const message = `${error instanceof Error ? error.message : String(error)}`;
      this.failure = { at, message };
      this.state = 'failed';
      this.reconnecting = null;
      const where = at ? toCheckpoint(at) : { commit: '0', prepare: '0' };
      await this.space.recordFailure(name, where, message, fence).catch(() => undefined);
      this.log(`Projection ${name} STOPPED at position ${where.commit}: ${message}`);
      this.progress.emit('progress', this.status());
    } finally {
      await this.iterator?.return?.().catch(() => undefined);
    }
  }

  /**
   * A read-model store operation, asked again until it succeeds: a store that is down is waited
   * for (reconnecting); a refusal is not retried, and neither is anything once the runner stops.
   */
  private async persist<T>(operation: (retry: boolean) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await operation(attempt > 1);
        if (attempt > 1 && this.state === 'reconnecting') this.resumed(this.resumeState);
        return result;
      } catch (error) {
        if (this.stopping || isRefusal(error)) throw error;
        const delay = backoffDelay(attempt, this.options.backoff ?? RECONNECT_BACKOFF);
        const now = new Date();
        await this.interrupted(
          error,
          attempt,
          this.reconnecting?.since ?? now,
          new Date(now.getTime() + delay),
          'the read-model store',
        );
        await pause(delay, this.abort.signal);
        if (this.stopping) throw error;
      }
    }
  }

  /** A store it needs is down: says so (state, log, the store's record for other processes) and waits for the next attempt. */
  private async interrupted(
    error: unknown,
    attempt: number,
    since: Date,
    nextAttemptAt: Date,
    what = 'the event log',
  ): Promise<void> {
    if (this.state !== 'reconnecting') this.resumeState = this.state;
    this.state = 'reconnecting';
    this.reconnecting = { since, attempts: attempt, lastError: messageOf(error), nextAttemptAt };
    if (attempt === 1 || attempt % LOG_EVERY_ATTEMPTS === 0) {
      this.log(
        `Projection ${this.projection.name} cannot reach ${what} (attempt ${attempt}): ${this.reconnecting.lastError}; trying again at ${nextAttemptAt.toISOString()}`,
      );
    }
    this.progress.emit('progress', this.status());
    const record: Interruption = {
      since: since.toISOString(),
      attempts: attempt,
      lastError: this.reconnecting.lastError,
      nextAttemptAt: nextAttemptAt.toISOString(),
    };
    // Only informs other processes: not worth waiting for a store that is down, nor failing for.
    await this.space.recordInterruption(this.projection.name, record, this.fence).then(
      () => (this.interruptionStored = true),
      () => undefined,
    );
  }

  private resumed(state: RunnerState): void {
    if (this.state === 'reconnecting' && this.reconnecting) {
      this.log(
        `Projection ${this.projection.name} is reading again after ${this.reconnecting.attempts} failed attempt(s) since ${this.reconnecting.since.toISOString()}`,
      );
    }
    this.state = state;
    this.reconnecting = null;
    this.progress.emit('progress', this.status());
  }
}
