import { FUNDING_PROJECTIONS, withVersions, type Projection } from '@app/read-models';
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
  /**
   * PROJECTION_VERSION_OVERRIDES (`grant-summaries:2,irregularities:3`): versions that replace the
   * declared ones, to rehearse a version bump (and its rebuild) without a change of code. Refused
   * under NODE_ENV=production, where a version is only ever raised in the code.
   */
  readonly projectionVersionOverrides: Readonly<Record<string, number>>;
}

/** The product's projections, at the versions this configuration runs them at. */
export function fundingProjections(
  config: Partial<Pick<ReadModelsConfig, 'projectionVersionOverrides'>>,
): Projection[] {
  // A configuration made by hand (a test's) may leave the overrides out.
  return withVersions(FUNDING_PROJECTIONS, config.projectionVersionOverrides ?? {});
}

function versionOverrides(s: Settings): Record<string, number> {
  const name = 'PROJECTION_VERSION_OVERRIDES';
  const raw = s.text(name);
  if (raw === null) return {};
  if (s.production) {
    s.problems.push(`${name} is for rehearsals and tests; raise a projection's version in its code instead`);
    return {};
  }
  const overrides: Record<string, number> = {};
  for (const entry of raw.split(',')) {
    const match = /^\s*([a-z][a-z0-9-]*):([1-9][0-9]{0,8})\s*$/.exec(entry);
    if (!match?.[1] || !match[2] || !FUNDING_PROJECTIONS.some((p) => p.name === match[1])) {
      s.problems.push(
        `${name} must list projection:version pairs (e.g. grant-summaries:2) of ${FUNDING_PROJECTIONS.map((p) => p.name).join(', ')}; got ${JSON.stringify(entry.trim())}`,
      );
      return {};
    }
    overrides[match[1]] = Number(match[2]);
  }
  return overrides;
}

export function readModelsConfig(s: Settings): ReadModelsConfig {
  return {
    mongoDbUrl: s.url('MONGODB_URL', ['mongodb', 'mongodb+srv']),
    runProjector: s.flag('RUN_PROJECTOR', true),
    projectorThread: s.choice('PROJECTOR_THREAD', ['worker', 'inline'], 'worker'),
    projectorLeaseMs: s.integer('PROJECTOR_LEASE_MS', 15_000, 300, 600_000),
    minPositionWaitMs: s.integer('MIN_POSITION_WAIT_MS', 3000, 0, 30_000),
    projectionVersionOverrides: versionOverrides(s),
  };
}
