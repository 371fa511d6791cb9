import { EventEmitter, once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { AppConfig } from '@app/config';
import type { RunnerStatus } from '@app/read-models';

/** The projector as the API's read side sees it, whether it runs on the request thread or in a thread of its own. */
export interface RunningProjector {
  /** Emits 'progress' whenever a projection moved or changed state: read-your-writes waits wake on it. */
  readonly progress: EventEmitter;
  /** True while it holds the store's projector lease and runs the projections. */
  readonly leading: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
  statuses(): RunnerStatus[];
}

/** What the projector's thread tells the API's. */
export type FromProjector =
  | { readonly kind: 'started' | 'progress'; readonly statuses: RunnerStatus[]; readonly leading: boolean }
  | { readonly kind: 'warn'; readonly message: string }
  | { readonly kind: 'stopped' };

/** What the API's thread tells the projector's. */
export type ToProjector = { readonly kind: 'stop' };

/** How long a stopping projector may take to close its stores before its thread is ended. */
const STOP_WAIT_MS = 10_000;
/** How long after its thread died a projector is started again. */
const RESTART_AFTER_MS = 1_000;

/**
 * The projector in a worker thread (projector-worker.ts, from the build): HTTP and the projections
 * no longer take turns on one thread. The worker opens its own connections to the stores, as the
 * projector process does; it holds the same lease, so a second projector on the store stands by.
 * Its statuses and progress come back as messages; a thread that dies is started again.
 */
export class ProjectorThread implements RunningProjector {
  readonly progress = new EventEmitter();
  private latest: { statuses: RunnerStatus[]; leading: boolean } = { statuses: [], leading: false };
  private worker: Worker | null = null;
  private stopping = false;
  private restart: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly log: { warn(message: string): void; error(message: string): void },
  ) {
    this.progress.setMaxListeners(0);
  }

  get leading(): boolean {
    return this.latest.leading;
  }

  statuses(): RunnerStatus[] {
    return this.latest.statuses;
  }

  /** Resolves once the projector runs (or stands by for the lease), as Projector.start does. */
  start(): Promise<void> {
    const worker = new Worker(new URL('./projector-worker.js', import.meta.url), {
      workerData: { config: this.config },
    });
    this.worker = worker;
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (message: FromProjector) => {
        if (message.kind === 'warn') return this.log.warn(message.message);
        if (message.kind === 'stopped') return;
        this.latest = { statuses: message.statuses, leading: message.leading };
        this.progress.emit('progress');
        if (message.kind === 'started') resolve();
      });
      worker.on('error', (error) => {
        this.log.error(`The projector's thread failed: ${error instanceof Error ? error.message : String(error)}`);
        reject(error);
      });
      worker.on('exit', (code) => {
        this.worker = null;
        this.latest = { statuses: [], leading: false };
        this.progress.emit('progress');
        if (this.stopping) return;
        this.log.error(`The projector's thread ended (exit code ${code}); starting it again in ${RESTART_AFTER_MS} ms`);
        this.restart = setTimeout(() => void this.start().catch(() => undefined), RESTART_AFTER_MS);
      });
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restart) clearTimeout(this.restart);
    const worker = this.worker;
    if (!worker) return;
    const exited = once(worker, 'exit');
    worker.postMessage({ kind: 'stop' } satisfies ToProjector);
    const timer = setTimeout(() => void worker.terminate(), STOP_WAIT_MS);
    await exited.catch(() => undefined);
    clearTimeout(timer);
  }
}
