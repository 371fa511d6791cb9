import type { Settings } from './settings.js';

/** Where read models are kept, and how the projector runs and is waited for. */
export interface ReadModelsConfig {
  /** When set, read models (and the idempotency store and the vault) go to MongoDB instead of the embedded stores. */
  readonly mongoDbUrl: string | null;
  /** Run the projector inside the API process (the default); false when it runs as its own process. */
  readonly runProjector: boolean;
  /**
   * Where the API runs its projector: `worker` (the default), a thread of its own, so HTTP and the
   * projections never wait on each other; `inline`, on the request thread (for tests that load the
   * API from its sources, where no compiled worker exists). On the KurrentDB simulator, whose log
   * lives in the API thread's memory, it runs inline whatever this says.
   */
  readonly projectorThread: 'worker' | 'inline';
  /** How long the projector's lease on the read-model store lasts without renewal: a standby projector takes over after it. */
  readonly projectorLeaseMs: number;
  /** How long a query carrying X-Min-Position waits for the read models before answering 503. */
  readonly minPositionWaitMs: number;
}

export function readModelsConfig(s: Settings): ReadModelsConfig {
  return {
    mongoDbUrl: s.url('MONGODB_URL', ['mongodb', 'mongodb+srv']),
    runProjector: s.flag('RUN_PROJECTOR', true),
    projectorThread: s.choice('PROJECTOR_THREAD', ['worker', 'inline'], 'worker'),
    projectorLeaseMs: s.integer('PROJECTOR_LEASE_MS', 15_000, 300, 600_000),
    minPositionWaitMs: s.integer('MIN_POSITION_WAIT_MS', 3000, 0, 30_000),
  };
}
