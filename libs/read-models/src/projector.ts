import { EventEmitter } from 'node:events';
import {
  EventDecodingError,
  comparePositions,
  type EventStore,
  type LogPosition,
  type RecordedEvent,
} from '@app/event-store';
import { collectionsOf, fundingEvent, logPlace, routes, type Projection } from './projections/projection.js';
import { SharedLog } from './shared-log.js';
import { RECONNECT_BACKOFF, backoffDelay, pause, type Backoff, type LogReader } from './resubscription.js';
import {
  FencedOutError,
  StaleCheckpointError,
  checkpointPosition,
  sameCheckpoint,
  type Checkpoint,
  type DocumentChange,
  type Fence,
  type Interruption,
  type ReadModelDocument,
  type ReadModelSpace,
  type ReadModelStore,
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

export interface RunnerOptions {
  /** Ends once caught up with the log (a rebuild). */
  readonly stopWhenCaughtUp?: boolean;
  /** The lease term it runs in: its claim and every write are refused once another term has begun. */
  readonly fence?: Fence | null;
  /** Between attempts while the read-model store is down. */
  readonly backoff?: Backoff;
  /** Told when the store refused its claim or a batch: the runner has stood by. */
  readonly onRefused?: (error: Error) => void;
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

/** One batch's view of a projection's documents: reads through to the space, writes kept until commit. */
class BatchDocuments {
  private readonly cache = new Map<string, ReadModelDocument | null>();
  private readonly dirty = new Map<string, { collection: string; id: string }>();

  constructor(
    private readonly read: (collection: string, id: string) => Promise<ReadModelDocument | null>,
    private readonly owned: readonly string[],
  ) {}

  async get<D extends ReadModelDocument>(collection: string, id: string): Promise<D | null> {
    const key = `${collection}\u0000${id}`;
    if (!this.cache.has(key)) this.cache.set(key, await this.read(collection, id));
    return (this.cache.get(key) ?? null) as D | null;
  }

  put(collection: string, id: string, document: ReadModelDocument | null): void {
    if (!this.owned.includes(collection)) throw new Error(`A projection wrote ${collection}, which it does not own`);
    const key = `${collection}\u0000${id}`;
    this.cache.set(key, document);
    this.dirty.set(key, { collection, id });
  }

  changes(): DocumentChange[] {
    return [...this.dirty.entries()].map(([key, { collection, id }]) => ({ collection, id, document: this.cache.get(key) ?? null }));
  }

  get size(): number {
    return this.dirty.size;
  }
}

/**
 * Runs one projection on one generation: subscribes after its checkpoint, applies events in
 * batches (up to CATCH_UP_BATCH while catching up; once live, whatever arrived together) and commits each
 * batch with its checkpoint in one atomic write. An event it cannot decode or apply stops it,
 * with the failure recorded in the store and logged; it is never skipped.
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
    let current: RecordedEvent | null = null;
    try {
      const stored = await this.persist(() => (fence ? this.space.claim(name, fence) : this.space.status(name)));
      this.checkpoint = fromCheckpoint(stored.checkpoint);
      // Left by a projector that stopped while it was reconnecting: cleared once this one has caught up.
      this.interruptionStored = stored.interruption !== undefined;
      if (stored.failure) {
        this.log(`Projection ${name} previously stopped at ${stored.failure.at.commit}: ${stored.failure.message}; retrying from its checkpoint`);
      }
      this.state = 'catching-up';
      const owned = collectionsOf(this.projection);
      const read = (collection: string, id: string) => this.persist(() => this.space.get(collection, id));
      let batch = new BatchDocuments(read, owned);
      let batchEnd: LogPosition | null = null;
      let pending = 0;
      const flush = async () => {
        if (batchEnd === null) return;
        const move = { from: this.checkpoint ? toCheckpoint(this.checkpoint) : null, to: toCheckpoint(batchEnd) };
        const changes = batch.changes();
        await this.persist(async (retry) => {
          // A commit whose answer was lost may have been made all the same: the stored checkpoint says.
          if (retry && sameCheckpoint((await this.space.status(name)).checkpoint, move.to)) return;
          await this.space.commit(name, changes, move, fence);
        });
        this.checkpoint = batchEnd;
        this.interruptionStored = false;
        batch = new BatchDocuments(read, owned);
        batchEnd = null;
        pending = 0;
        this.progress.emit('progress', this.status());
        // A commit ends a slice of work: let requests waiting on this process run before the next one.
        await nextTurn();
      };
      const iterable = this.events.subscribe({ after: this.checkpoint, signal: this.abort.signal });
      this.subscribed = true;
      const iterator = iterable[Symbol.asyncIterator]();
      this.iterator = iterator;
      for (;;) {
        const pendingNext = iterator.next();
        // Live, commit when the log has nothing more ready right now: a burst of events becomes
        // one batch instead of one commit each, and a lone event is still committed at once.
        if (this.is('live') && pending > 0 && (await Promise.race([pendingNext, nextTurn()])) === NOT_READY) await flush();
        const next = await pendingNext;
        if (next.done || this.stopping) break;
        const item = next.value;
        if (item.kind === 'interrupted') {
          // What was applied is kept; the read resumes after the last event it delivered.
          await flush();
          await this.interrupted(item.error, item.attempt, item.since, item.nextAttemptAt);
          continue;
        }
        if (item.kind === 'caught-up') {
          await flush();
          if (!this.is('live')) {
            this.resumed('live');
            this.resolveCaughtUp();
          }
          if (this.interruptionStored) {
            await this.persist(() => this.space.recordInterruption(name, null, fence));
            this.interruptionStored = false;
          }
          if (this.options.stopWhenCaughtUp) break;
          continue;
        }
        if (this.is('reconnecting')) this.resumed('catching-up');
        current = item.event;
        await apply(this.projection, item.event, batch);
        batchEnd = item.event.position;
        pending += 1;
        if (pending >= CATCH_UP_BATCH) await flush();
        // Reading and applying resolve without I/O: without a turn now and then, a catch-up would hold every request until its batch ends.
        else if (pending % EVENTS_PER_TURN === 0) await nextTurn();
      }
      if (!this.stopping) await flush();
      this.state = 'stopped';
    } catch (error) {
      if (isRefusal(error) && !this.stopping) {
        this.state = 'standby';
        this.reconnecting = null;
        this.log(`Projection ${name} applies nothing more: the store refused its ${error instanceof FencedOutError ? 'lease term' : 'batch'} (${error.message}); another projector has moved on, standing by`);
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
        await this.interrupted(error, attempt, this.reconnecting?.since ?? now, new Date(now.getTime() + delay), 'the read-model store');
        await pause(delay, this.abort.signal);
        if (this.stopping) throw error;
      }
    }
  }

  /** A store it needs is down: says so (state, log, the store's record for other processes) and waits for the next attempt. */
  private async interrupted(error: unknown, attempt: number, since: Date, nextAttemptAt: Date, what = 'the event log'): Promise<void> {
    if (this.state !== 'reconnecting') this.resumeState = this.state;
    this.state = 'reconnecting';
    this.reconnecting = { since, attempts: attempt, lastError: messageOf(error), nextAttemptAt };
    if (attempt === 1 || attempt % LOG_EVERY_ATTEMPTS === 0) {
      this.log(`Projection ${this.projection.name} cannot reach ${what} (attempt ${attempt}): ${this.reconnecting.lastError}; trying again at ${nextAttemptAt.toISOString()}`);
    }
    this.progress.emit('progress', this.status());
    const record: Interruption = { since: since.toISOString(), attempts: attempt, lastError: this.reconnecting.lastError, nextAttemptAt: nextAttemptAt.toISOString() };
    // Only informs other processes: not worth waiting for a store that is down, nor failing for.
    await this.space.recordInterruption(this.projection.name, record, this.fence).then(
      () => (this.interruptionStored = true),
      () => undefined,
    );
  }

  private resumed(state: RunnerState): void {
    if (this.state === 'reconnecting' && this.reconnecting) {
      this.log(`Projection ${this.projection.name} is reading again after ${this.reconnecting.attempts} failed attempt(s) since ${this.reconnecting.since.toISOString()}`);
    }
    this.state = state;
    this.reconnecting = null;
    this.progress.emit('progress', this.status());
  }
}

/** The runner's I/O around a projection's pure evolve: each read model's document, before and after the event. */
async function apply(projection: Projection, recorded: RecordedEvent, batch: BatchDocuments): Promise<void> {
  const event = fundingEvent(recorded);
  for (const { model, id } of routes(projection, event)) {
    const before = await batch.get(model.collection, id);
    const after = model.evolve(before, event, logPlace(recorded));
    if (before !== null || after !== null) batch.put(model.collection, id, after);
  }
}

/** One projector per store: the lease it runs under, and how long it lasts without renewal (by the store's clock). */
export interface ProjectorLease {
  readonly owner: string;
  readonly ttlMs: number;
}

export const PROJECTOR_LEASE = 'projector';

export interface ProjectorOptions {
  readonly generationPollMs?: number;
  readonly lease?: ProjectorLease | null;
  /** Between attempts to read the log or write the read models while either is down. */
  readonly reconnect?: Backoff;
}

/**
 * All projections on the active generation, following a switch of generation made by a rebuild
 * (in this process or another): it then moves its runners to the new generation and drops the
 * older ones. Given a lease, it runs only while it holds the store's projector lease (renewed
 * every third of its term): a second projector on the same store waits, and takes over when the
 * first stops or stops renewing. Its runners write under the lease's term (its epoch): once
 * another projector has taken the lease, the store refuses whatever they still try to commit,
 * and this one stands by.
 */
export class Projector {
  readonly progress = new EventEmitter();
  private runners: ProjectionRunner[] = [];
  private generation = 0;
  private watcher: NodeJS.Timeout | null = null;
  private leaseTimer: NodeJS.Timeout | null = null;
  private switching: Promise<void> = Promise.resolve();
  private running = false;
  /** The lease term the runners write in, while it runs under a lease. */
  private fence: Fence | null = null;

  constructor(
    private readonly events: EventStore,
    private readonly store: ReadModelStore,
    private readonly projections: readonly Projection[],
    private readonly log: (message: string) => void = () => undefined,
    private readonly options: ProjectorOptions = {},
  ) {
    this.progress.setMaxListeners(0);
  }

  async start(): Promise<void> {
    const lease = this.options.lease;
    if (!lease) return this.run();
    await this.serially(() => this.contend(lease));
    this.leaseTimer = setInterval(() => void this.serially(() => this.contend(lease)), Math.max(50, Math.floor(lease.ttlMs / 3)));
    this.leaseTimer.unref();
  }

  /** True while this projector runs its projections (always, once started, without a lease). */
  get leading(): boolean {
    return this.running;
  }

  statuses(): RunnerStatus[] {
    return this.runners.map((r) => r.status());
  }

  get activeGeneration(): number {
    return this.generation;
  }

  async stop(): Promise<void> {
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    await this.serially(async () => {
      const wasRunning = this.running;
      await this.halt();
      const lease = this.options.lease;
      if (lease && wasRunning) await this.store.releaseLease(PROJECTOR_LEASE, lease.owner).catch(() => undefined);
    });
  }

  private serially(work: () => Promise<void>): Promise<void> {
    this.switching = this.switching.then(work).catch((error: unknown) => this.log(`Projector: ${String(error)}`));
    return this.switching;
  }

  private async contend(lease: ProjectorLease): Promise<void> {
    const held = await this.store.acquireLease(PROJECTOR_LEASE, lease.owner, lease.ttlMs).catch((error: unknown) => {
      this.log(`Projector could not renew its lease: ${String(error)}`);
      return null;
    });
    if (held && this.running && this.fence?.epoch !== held.epoch) {
      // Its term lapsed and it took the lease again: what its runners still hold would be refused.
      this.log(`Projector ${lease.owner} holds the projector lease in a new term (epoch ${held.epoch}): restarting from the checkpoints`);
      await this.halt();
    }
    if (held && !this.running) {
      this.fence = { lease: PROJECTOR_LEASE, epoch: held.epoch };
      this.log(`Projector ${lease.owner} holds the projector lease (epoch ${held.epoch}): running`);
      try {
        await this.run();
      } catch (error) {
        // Holding the lease without running would keep every standby out: give it up, try again later.
        this.log(`Projector ${lease.owner} could not start its projections: ${String(error)}; giving the lease up`);
        await this.halt();
        await this.store.releaseLease(PROJECTOR_LEASE, lease.owner).catch(() => undefined);
      }
    } else if (!held && this.running) {
      this.log(`Projector ${lease.owner} lost the projector lease: standing by`);
      await this.halt();
    }
  }

  /** A runner's write was refused: under a lease, every runner stands by until the lease is held again (in a term of its own). */
  private refused(fence: Fence | null): void {
    const lease = this.options.lease;
    if (!lease) return;
    void this.serially(async () => {
      if (!this.running || this.fence !== fence) return;
      this.log(`Projector ${lease.owner} stands by: the store refused a write of its term (epoch ${fence?.epoch ?? '-'})`);
      await this.halt();
    });
  }

  private async run(): Promise<void> {
    this.running = true;
    await this.follow(await this.store.activeGeneration());
    this.watcher = setInterval(() => {
      void this.serially(async () => {
        if (!this.running) return;
        const active = await this.store.activeGeneration();
        if (active !== this.generation) await this.follow(active);
      });
    }, this.options.generationPollMs ?? 500);
    this.watcher.unref();
  }

  private async halt(): Promise<void> {
    this.running = false;
    if (this.watcher) clearInterval(this.watcher);
    this.watcher = null;
    await Promise.all(this.runners.map((r) => r.stop()));
    this.runners = [];
    this.progress.emit('progress');
  }

  private async follow(generation: number): Promise<void> {
    await Promise.all(this.runners.map((r) => r.stop()));
    const previous = this.generation;
    this.generation = generation;
    const space = this.store.space(generation);
    const backoff = this.options.reconnect ?? RECONNECT_BACKOFF;
    const log = new SharedLog(this.events, this.projections.length, { backoff });
    const fence = this.fence;
    this.runners = this.projections.map(
      (p) => new ProjectionRunner(log, space, p, this.progress, this.log, { fence, backoff, onRefused: () => this.refused(fence) }),
    );
    if (previous !== 0 && previous < generation) {
      for (const old of await this.store.generations()) if (old < generation) await this.store.drop(old);
    }
    this.progress.emit('progress');
  }
}

/**
 * Rebuilds every read model from position 0 into a new generation and makes it active once it
 * has caught up with the log; queries answer from the previous generation until then.
 */
export async function rebuildReadModels(
  events: EventStore,
  store: ReadModelStore,
  projections: readonly Projection[],
  log: (message: string) => void = () => undefined,
  options: { onProgress?: (reached: LogPosition | null) => void } = {},
): Promise<{ generation: number }> {
  const generation = Math.max(await store.activeGeneration(), ...(await store.generations())) + 1;
  const space = store.space(generation);
  const progress = new EventEmitter();
  const shared = new SharedLog(events, projections.length);
  const runners = projections.map((p) => new ProjectionRunner(shared, space, p, progress, log, { stopWhenCaughtUp: true }));
  const onProgress = options.onProgress;
  // Where the slowest projection has got to: the rebuild is that far.
  if (onProgress) progress.on('progress', () => onProgress(slowest(runners.map((r) => r.status().checkpoint))));
  await Promise.all(runners.map((r) => r.done));
  // Each runner stops once caught up; any other end (failed, or refused because another writer
  // filled the same generation) leaves the generation incomplete.
  const failed = runners.map((r) => r.status()).filter((s) => s.state !== 'stopped');
  if (failed.length > 0) {
    await store.drop(generation);
    throw new Error(`Rebuild failed: ${failed.map((s) => `${s.projection}: ${s.failure?.message ?? s.state}`).join('; ')}`);
  }
  await store.activate(generation);
  return { generation };
}

function slowest(checkpoints: ReadonlyArray<LogPosition | null>): LogPosition | null {
  let lowest: LogPosition | null = null;
  for (const checkpoint of checkpoints) {
    if (checkpoint === null) return null;
    if (lowest === null || comparePositions(checkpoint, lowest) < 0) lowest = checkpoint;
  }
  return lowest;
}

/** Waits until every projection's checkpoint is at or past `position`, or the time is up. */
export async function waitForPosition(
  statuses: () => Promise<Array<{ checkpoint: LogPosition | null }>>,
  position: LogPosition,
  timeoutMs: number,
  wake: EventEmitter | null,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const all = await statuses();
    if (all.length > 0 && all.every((s) => s.checkpoint !== null && comparePositions(s.checkpoint, position) >= 0)) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wake?.off('progress', done);
        resolve();
      };
      const timer = setTimeout(done, Math.min(left, 25));
      wake?.on('progress', done);
    });
  }
}
