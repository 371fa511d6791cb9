import { EventEmitter } from 'node:events';
import { comparePositions, type EventStore, type LogPosition } from '@app/event-store';
import { ProjectionRunner, type RunnerStatus } from './projection-runner.js';
import type { Projection } from './projections/projection.js';
import type { Fence, ReadModelStore } from './read-model-store.port.js';
import { SharedLog } from './shared-log.js';
import { RECONNECT_BACKOFF, type Backoff } from './resubscription.js';

/** The runner of one projection, which the projector starts for each of them (projection-runner.ts). */
export {
  CATCH_UP_BATCH,
  ProjectionRunner,
  fromCheckpoint,
  toCheckpoint,
  type BatchReport,
  type Reconnecting,
  type RunnerOptions,
  type RunnerState,
  type RunnerStatus,
} from './projection-runner.js';

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
    this.leaseTimer = setInterval(
      () => void this.serially(() => this.contend(lease)),
      Math.max(50, Math.floor(lease.ttlMs / 3)),
    );
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
      this.log(
        `Projector ${lease.owner} holds the projector lease in a new term (epoch ${held.epoch}): restarting from the checkpoints`,
      );
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
      this.log(
        `Projector ${lease.owner} stands by: the store refused a write of its term (epoch ${fence?.epoch ?? '-'})`,
      );
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
      (p) =>
        new ProjectionRunner(log, space, p, this.progress, this.log, {
          fence,
          backoff,
          onRefused: () => this.refused(fence),
        }),
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
  const runners = projections.map(
    (p) => new ProjectionRunner(shared, space, p, progress, log, { stopWhenCaughtUp: true }),
  );
  const onProgress = options.onProgress;
  // Where the slowest projection has got to: the rebuild is that far.
  if (onProgress) progress.on('progress', () => onProgress(slowest(runners.map((r) => r.status().checkpoint))));
  await Promise.all(runners.map((r) => r.done));
  // Each runner stops once caught up; any other end (failed, or refused because another writer
  // filled the same generation) leaves the generation incomplete.
  const failed = runners.map((r) => r.status()).filter((s) => s.state !== 'stopped');
  if (failed.length > 0) {
    await store.drop(generation);
    throw new Error(
      `Rebuild failed: ${failed.map((s) => `${s.projection}: ${s.failure?.message ?? s.state}`).join('; ')}`,
    );
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
    if (all.length > 0 && all.every((s) => s.checkpoint !== null && comparePositions(s.checkpoint, position) >= 0))
      return true;
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
