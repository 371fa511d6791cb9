import { Inject, Injectable, Logger, ServiceUnavailableException, type OnApplicationBootstrap } from '@nestjs/common';
import { EVENT_STORE, comparePositions, formatPosition, type EventStore, type LogPosition } from '@app/event-store';
import {
  Projector,
  READ_MODEL_STORE,
  fromCheckpoint,
  liveSpace,
  rebuildReadModels,
  waitForPosition,
  type LiveSpace,
  type Projection,
  type ReadModelSpace,
  type ReadModelStore,
} from '@app/read-models';
import { eventsInThisThread, fundingProjections, projectorOwner, type AppConfig } from '@app/config';
import { APP_CONFIG } from '../infrastructure/app-config.provider.js';
import { ProjectorThread, type RunningProjector } from './projector-thread.js';

/** A projection's rebuild into a new generation for its declared version, while its live generation serves. */
export interface ProjectionRebuild {
  readonly generation: number;
  readonly toVersion: number;
  /** The last event the new generation holds (null: none yet). */
  readonly position: string | null;
  /** How far it is behind the head of the log. */
  readonly lag: string;
  /** Set when the rebuild stopped on an event: the live generation keeps serving, the rebuild retries on restart. */
  readonly failure: { readonly at: string; readonly message: string } | null;
}

export interface ProjectionHealth {
  readonly projection: string;
  readonly state: string;
  readonly checkpoint: string | null;
  /** How far behind the head of the log (in positions: events for the embedded store). */
  readonly lag: string | null;
  readonly failure: { readonly at: string; readonly message: string } | null;
  /** The generation queries read for it, and the version of the projection that built it. */
  readonly generation: number;
  readonly version: number;
  readonly rebuilding: ProjectionRebuild | null;
}

/**
 * The query side's access to the read models: the active generation, the API's projector (in a
 * thread of its own by default, unless it runs as its own process), read-your-writes waits, and rebuilds.
 */
@Injectable()
export class ReadSide implements OnApplicationBootstrap {
  private readonly logger = new Logger('ReadSide');
  readonly projector: RunningProjector | null;
  /** The product's projections at the versions this process runs them at. */
  readonly projections: readonly Projection[];
  private rebuilding: Promise<unknown> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_MODEL_STORE) private readonly store: ReadModelStore,
  ) {
    this.projections = fundingProjections(config);
    this.projector = !config.runProjector
      ? null
      : config.projectorThread === 'worker' && !eventsInThisThread(config)
        ? new ProjectorThread(config, this.logger)
        : new Projector(events, store, this.projections, (message) => this.logger.warn(message), {
            lease: { owner: projectorOwner('api'), ttlMs: config.projectorLeaseMs },
          });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.projector?.start();
  }

  /** Stops the projector and any rebuild, then closes the read-model store (before the event store closes). */
  async stop(): Promise<void> {
    await this.projector?.stop();
    await this.rebuilding?.catch(() => undefined);
    await this.store.close();
  }

  /** Each projection's live generation, as the store has it now. */
  async space(): Promise<LiveSpace> {
    return liveSpace(this.store, this.projections);
  }

  /** The active read models, once they hold every event written so far (a command that reads them needs them whole). */
  async caughtUp(): Promise<ReadModelSpace> {
    const head = await this.events.headPosition();
    if (head !== null && !(await this.waitFor(head))) {
      throw new ServiceUnavailableException({
        code: 'READ_MODELS_BEHIND',
        message: 'The read models are catching up with the log; retry shortly',
      });
    }
    return this.space();
  }

  /**
   * True once the projections named (every one if none is named) have applied the event at
   * `position`; false if that takes longer than the bound.
   */
  async waitFor(
    position: LogPosition,
    projections: readonly string[] = this.projections.map((p) => p.name),
  ): Promise<boolean> {
    const names = new Set(projections);
    return waitForPosition(
      async () => {
        const read = (await (await this.space()).statuses()).filter((s) => names.has(s.projection));
        // A projection with no status yet has applied nothing.
        return read.length === names.size ? read.map((s) => ({ checkpoint: fromCheckpoint(s.checkpoint) })) : [];
      },
      position,
      this.config.minPositionWaitMs,
      this.projector?.progress ?? null,
    );
  }

  async health(): Promise<{ generation: number; projections: ProjectionHealth[]; rebuilding: boolean }> {
    const space = await this.space();
    const stored = await space.statuses();
    const head = await this.events.headPosition();
    const behind = (position: LogPosition | null): bigint =>
      head === null
        ? 0n
        : position === null
          ? head.commit
          : comparePositions(head, position) > 0
            ? head.commit - position.commit
            : 0n;
    const running = new Map((this.projector?.statuses() ?? []).map((s) => [s.projection, s.state]));
    const projections = await Promise.all(
      this.projections.map(async ({ name }): Promise<ProjectionHealth> => {
        const status = stored.find((s) => s.projection === name);
        const checkpoint = fromCheckpoint(status?.checkpoint ?? null);
        const { live, building } = space.layout.get(name)!;
        return {
          projection: name,
          state: status?.failure
            ? 'failed'
            : (running.get(name) ?? (this.projector ? (this.projector.leading ? 'starting' : 'standby') : 'external')),
          checkpoint: checkpoint ? formatPosition(checkpoint) : null,
          lag: behind(checkpoint).toString(),
          failure: status?.failure ? { at: status.failure.at.commit, message: status.failure.message } : null,
          generation: live.generation,
          version: live.version,
          rebuilding: building && (await this.rebuild(name, building.generation, building.version, behind)),
        };
      }),
    );
    return {
      generation: space.generation,
      projections,
      rebuilding: this.rebuilding !== null || projections.some((p) => p.rebuilding !== null),
    };
  }

  /** A rebuild as the store has it (whichever process makes it): how far its generation has got. */
  private async rebuild(
    projection: string,
    generation: number,
    toVersion: number,
    behind: (position: LogPosition | null) => bigint,
  ): Promise<ProjectionRebuild> {
    const status = await this.store.space(generation).status(projection);
    const position = fromCheckpoint(status.checkpoint);
    return {
      generation,
      toVersion,
      position: position ? formatPosition(position) : null,
      lag: behind(position).toString(),
      failure: status.failure ? { at: status.failure.at.commit, message: status.failure.message } : null,
    };
  }

  /**
   * Starts a rebuild into a new generation; queries keep answering from the current one until it is
   * done. `finished` settles when the rebuild under way (this one, or one already running) ends.
   */
  startRebuild(): { started: boolean; finished: Promise<unknown> } {
    if (this.rebuilding) return { started: false, finished: this.rebuilding };
    this.rebuilding = rebuildReadModels(this.events, this.store, this.projections, (m) => this.logger.warn(m))
      .then(({ generation }) => this.logger.log(`Read models rebuilt into generation ${generation}`))
      .catch((error: unknown) => this.logger.error(`Rebuild failed: ${String(error)}`))
      .finally(() => (this.rebuilding = null));
    return { started: true, finished: this.rebuilding };
  }
}
