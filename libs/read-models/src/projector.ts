import { EventEmitter } from 'node:events';
import { comparePositions, type EventStore, type LogPosition } from '@app/event-store';
import { ProjectionRunner, type RunnerStatus } from './projection-runner.js';
import { projectionLayout } from './live-generations.js';
import { collectionsOf, type Projection } from './projections/projection.js';
import {
  FencedOutError,
  type Fence,
  type ProjectionGenerations,
  type ReadModelStore,
} from './read-model-store.port.js';
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
  /** How long after a switch the generation a projection left is dropped (RETIRE_AFTER_MS; tests shorten it). */
  readonly retireAfterMs?: number;
}

/** How long after a switch the generation a projection left is dropped: queries under way finish reading it. */
export const RETIRE_AFTER_MS = 5_000;

/** A projection's rebuild into a new generation for its declared version, as the runner building it reports it. */
export interface RebuildStatus extends RunnerStatus {
  readonly fromVersion: number;
  readonly toVersion: number;
}

interface Built {
  readonly generation: number;
  readonly version: number;
  readonly runner: ProjectionRunner;
}

/** One projection as the projector runs it: its live generation, and the one it builds for another version. */
interface Lane {
  readonly projection: Projection;
  live: Built;
  building: Built | null;
}

/**
 * Every projection on its live generation. A projection whose declared version differs from the
 * one its live generation was built by is rebuilt, meanwhile, into a new generation from position
 * 0 (a build cut short by a restart is resumed from its checkpoint); once that one has caught up
 * with the log, it becomes live in one atomic step and the old one is dropped RETIRE_AFTER_MS
 * later: queries never read a generation being built, and never go without one (docs/adr/0025).
 * A generation made live by another process (a rebuild of every read model) is followed within
 * `generationPollMs`.
 *
 * Given a lease, it runs only while it holds the store's projector lease (renewed every third of
 * its term): a second projector on the same store waits, and takes over when the first stops or
 * stops renewing, resuming any rebuild where the first left it. Its runners write under the
 * lease's term (its epoch): once another projector has taken the lease, the store refuses
 * whatever they still try to commit, or to make live, and this one stands by.
 */
export class Projector {
  readonly progress = new EventEmitter();
  private lanes = new Map<string, Lane>();
  private generation = 0;
  private watcher: NodeJS.Timeout | null = null;
  private leaseTimer: NodeJS.Timeout | null = null;
  /** Drops of generations left behind, and switches to try again. */
  private readonly timers = new Set<NodeJS.Timeout>();
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

  /** The runners of the live generations: what queries read. */
  statuses(): RunnerStatus[] {
    return [...this.lanes.values()].map((lane) => lane.live.runner.status());
  }

  /** The rebuilds under way, one per projection whose declared version is not its live one's. */
  rebuilds(): RebuildStatus[] {
    return [...this.lanes.values()].flatMap((lane) =>
      lane.building
        ? [{ ...lane.building.runner.status(), fromVersion: lane.live.version, toVersion: lane.building.version }]
        : [],
    );
  }

  /** The newest live generation (each projection has its own). */
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
    const layout = await projectionLayout(this.store, this.projections);
    // The live runners share one read of the log; each rebuild reads the log from 0 on its own.
    const shared = new SharedLog(this.events, this.projections.length, { backoff: this.backoff });
    for (const projection of this.projections) {
      const { live } = layout.get(projection.name)!;
      this.lanes.set(projection.name, {
        projection,
        live: { ...live, runner: this.runner(shared, live.generation, projection) },
        building: null,
      });
    }
    for (const lane of this.lanes.values()) {
      const recorded = layout.get(lane.projection.name)!;
      await this.sweep(lane, recorded.building?.generation ?? null);
      await this.settle(lane, recorded);
    }
    this.noteGeneration();
    this.watcher = setInterval(() => {
      void this.serially(async () => {
        if (this.running) await this.follow(await projectionLayout(this.store, this.projections));
      });
    }, this.options.generationPollMs ?? 500);
    this.watcher.unref();
  }

  private get backoff(): Backoff {
    return this.options.reconnect ?? RECONNECT_BACKOFF;
  }

  private runner(log: SharedLog, generation: number, projection: Projection): ProjectionRunner {
    const fence = this.fence;
    return new ProjectionRunner(log, this.store.space(generation), projection, this.progress, this.log, {
      fence,
      backoff: this.backoff,
      onRefused: () => this.refused(fence),
    });
  }

  private async halt(): Promise<void> {
    this.running = false;
    if (this.watcher) clearInterval(this.watcher);
    this.watcher = null;
    // The next start drops what was left to drop, and resumes a rebuild left to switch.
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all(
      [...this.lanes.values()].flatMap((lane) => [lane.live.runner.stop(), lane.building?.runner.stop()]),
    );
    this.lanes = new Map();
    this.progress.emit('progress');
  }

  /**
   * Generations made live by another process (a rebuild of every read model): each projection's
   * runner moves to its new live generation, and the one it leaves is dropped a while later.
   */
  private async follow(layout: ReadonlyMap<string, ProjectionGenerations>): Promise<void> {
    for (const lane of this.lanes.values()) {
      const recorded = layout.get(lane.projection.name)!;
      if (recorded.live.generation !== lane.live.generation) {
        const left = lane.live;
        await left.runner.stop();
        if (lane.building?.generation === recorded.live.generation) {
          // Its own build was made live by someone else: the live runner takes over that generation.
          await lane.building.runner.stop();
          lane.building = null;
        }
        const log = new SharedLog(this.events, 1, { backoff: this.backoff });
        lane.live = { ...recorded.live, runner: this.runner(log, recorded.live.generation, lane.projection) };
        this.log(
          `Projection ${lane.projection.name} follows generation ${recorded.live.generation} (version ${recorded.live.version}), made live elsewhere`,
        );
        this.retire(lane.projection, left.generation);
      }
      await this.settle(lane, recorded);
    }
    this.noteGeneration();
  }

  /**
   * Rebuilds toward the declared version while the live generation has another one (resuming the
   * recorded build of that version); ends a build that is no longer needed.
   */
  private async settle(lane: Lane, recorded: ProjectionGenerations): Promise<void> {
    const { projection } = lane;
    const name = projection.name;
    const collections = collectionsOf(projection);
    if (lane.live.version === projection.version) {
      if (lane.building) {
        await lane.building.runner.stop();
        await this.store.dropProjection(lane.building.generation, name, collections);
        lane.building = null;
      }
      if (recorded.building) {
        await this.store.recordBuilding(name, null, this.fence);
        if (recorded.building.generation !== lane.live.generation)
          await this.store.dropProjection(recorded.building.generation, name, collections);
      }
      return;
    }
    if (lane.building) return;
    let target = recorded.building?.version === projection.version ? recorded.building : null;
    if (recorded.building && target === null)
      await this.store.dropProjection(recorded.building.generation, name, collections);
    if (target === null) {
      target = { generation: await this.store.newGeneration(), version: projection.version };
      await this.store.recordBuilding(name, target, this.fence);
    }
    const runner = this.runner(new SharedLog(this.events, 1, { backoff: this.backoff }), target.generation, projection);
    lane.building = { ...target, runner };
    this.log(
      `Projection ${name} is declared at version ${projection.version}, its live generation ${lane.live.generation} at version ${lane.live.version}: ` +
        `${recorded.building === target ? 'resuming its rebuild' : 'rebuilding it'} into generation ${target.generation}; queries read generation ${lane.live.generation} until that one has caught up`,
    );
    void runner.caughtUp.then(() => this.serially(() => this.switchOver(lane, runner)));
  }

  /** The generation a rebuild has filled, made live once it has caught up with the log; the old one is dropped later. */
  private async switchOver(lane: Lane, runner: ProjectionRunner): Promise<void> {
    const built = lane.building;
    if (!this.running || built?.runner !== runner) return;
    const name = lane.projection.name;
    const again = () => {
      const retry = setTimeout(() => {
        this.timers.delete(retry);
        void this.serially(() => this.switchOver(lane, runner));
      }, 1_000);
      retry.unref();
      this.timers.add(retry);
    };
    const state = runner.status().state;
    // Caught up, then cut off from a store: switched once it reads again. Failed or refused: never.
    if (state === 'reconnecting') return again();
    if (state !== 'live') return;
    const fence = this.fence;
    try {
      await this.store.makeLive([{ projection: name, generation: built.generation, version: built.version }], fence);
    } catch (error) {
      if (error instanceof FencedOutError) return this.refused(fence);
      this.log(`Projection ${name} could not make generation ${built.generation} live: ${String(error)}; trying again`);
      return again();
    }
    const left = lane.live;
    lane.live = built;
    lane.building = null;
    await left.runner.stop();
    this.log(
      `Projection ${name} rebuilt at version ${built.version}: queries now read generation ${built.generation} (generation ${left.generation}, version ${left.version}, is dropped in ${this.options.retireAfterMs ?? RETIRE_AFTER_MS} ms)`,
    );
    this.retire(lane.projection, left.generation);
    this.noteGeneration();
    this.progress.emit('progress', runner.status());
  }

  /** Drops a projection's data in a generation it has left, once queries that read it have had time to end. */
  private retire(projection: Projection, generation: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.serially(async () => {
        if (!this.running || this.lanes.get(projection.name)?.live.generation === generation) return;
        await this.store.dropProjection(generation, projection.name, collectionsOf(projection));
      });
    }, this.options.retireAfterMs ?? RETIRE_AFTER_MS);
    timer.unref();
    this.timers.add(timer);
  }

  /** Drops what a projection left in generations older than its live one (but the one it is building). */
  private async sweep(lane: Lane, building: number | null): Promise<void> {
    for (const generation of await this.store.generations()) {
      if (generation >= lane.live.generation || generation === building) continue;
      await this.store.dropProjection(generation, lane.projection.name, collectionsOf(lane.projection));
    }
  }

  private noteGeneration(): void {
    this.generation = Math.max(0, ...[...this.lanes.values()].map((lane) => lane.live.generation));
  }
}

/**
 * Rebuilds every read model from position 0 into a new generation and makes it live for every
 * projection at once when all have caught up with the log; queries answer from the previous
 * generations until then, and a running projector follows the switch (and drops what they leave).
 */
export async function rebuildReadModels(
  events: EventStore,
  store: ReadModelStore,
  projections: readonly Projection[],
  log: (message: string) => void = () => undefined,
  options: { onProgress?: (reached: LogPosition | null) => void } = {},
): Promise<{ generation: number }> {
  const generation = await store.newGeneration();
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
  // Every projection at once, each with the version it was built by: queries switch in one step.
  await store.makeLive(projections.map((p) => ({ projection: p.name, generation, version: p.version })));
  // The store-wide generation follows: what tools that read one generation (and projections it does not know) read.
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
