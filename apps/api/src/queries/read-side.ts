import { Inject, Injectable, Logger, ServiceUnavailableException, type OnApplicationBootstrap } from '@nestjs/common';
import { EVENT_STORE, comparePositions, formatPosition, type EventStore, type LogPosition } from '@app/event-store';
import {
  FUNDING_PROJECTIONS,
  Projector,
  READ_MODEL_STORE,
  fromCheckpoint,
  rebuildReadModels,
  waitForPosition,
  type ReadModelSpace,
  type ReadModelStore,
} from '@app/read-models';
import { eventsInThisThread, projectorOwner, type AppConfig } from '@app/config';
import { APP_CONFIG } from '../infrastructure/app-config.provider.js';
import { ProjectorThread, type RunningProjector } from './projector-thread.js';

export interface ProjectionHealth {
  readonly projection: string;
  readonly state: string;
  readonly checkpoint: string | null;
  /** How far behind the head of the log (in positions: events for the embedded store). */
  readonly lag: string | null;
  readonly failure: { readonly at: string; readonly message: string } | null;
}

/**
 * The query side's access to the read models: the active generation, the API's projector (in a
 * thread of its own by default, unless it runs as its own process), read-your-writes waits, and rebuilds.
 */
@Injectable()
export class ReadSide implements OnApplicationBootstrap {
  private readonly logger = new Logger('ReadSide');
  readonly projector: RunningProjector | null;
  private rebuilding: Promise<unknown> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_MODEL_STORE) private readonly store: ReadModelStore,
  ) {
    this.projector = !config.runProjector
      ? null
      : config.projectorThread === 'worker' && !eventsInThisThread(config)
        ? new ProjectorThread(config, this.logger)
        : new Projector(events, store, FUNDING_PROJECTIONS, (message) => this.logger.warn(message), {
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

  async space(): Promise<ReadModelSpace> {
    return this.store.space(await this.store.activeGeneration());
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
    projections: readonly string[] = FUNDING_PROJECTIONS.map((p) => p.name),
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
    const generation = await this.store.activeGeneration();
    const stored = await this.store.space(generation).statuses();
    const head = await this.events.headPosition();
    const running = new Map((this.projector?.statuses() ?? []).map((s) => [s.projection, s.state]));
    const projections = FUNDING_PROJECTIONS.map(({ name }): ProjectionHealth => {
      const status = stored.find((s) => s.projection === name);
      const checkpoint = fromCheckpoint(status?.checkpoint ?? null);
      const behind =
        head === null
          ? 0n
          : checkpoint === null
            ? head.commit
            : comparePositions(head, checkpoint) > 0
              ? head.commit - checkpoint.commit
              : 0n;
      return {
        projection: name,
        state: status?.failure
          ? 'failed'
          : (running.get(name) ?? (this.projector ? (this.projector.leading ? 'starting' : 'standby') : 'external')),
        checkpoint: checkpoint ? formatPosition(checkpoint) : null,
        lag: behind.toString(),
        failure: status?.failure ? { at: status.failure.at.commit, message: status.failure.message } : null,
      };
    });
    return { generation, projections, rebuilding: this.rebuilding !== null };
  }

  /**
   * Starts a rebuild into a new generation; queries keep answering from the current one until it is
   * done. `finished` settles when the rebuild under way (this one, or one already running) ends.
   */
  startRebuild(): { started: boolean; finished: Promise<unknown> } {
    if (this.rebuilding) return { started: false, finished: this.rebuilding };
    this.rebuilding = rebuildReadModels(this.events, this.store, FUNDING_PROJECTIONS, (m) => this.logger.warn(m))
      .then(({ generation }) => this.logger.log(`Read models rebuilt into generation ${generation}`))
      .catch((error: unknown) => this.logger.error(`Rebuild failed: ${String(error)}`))
      .finally(() => (this.rebuilding = null));
    return { started: true, finished: this.rebuilding };
  }
}
