import { collectionsOf, type Projection } from './projections/projection.js';
import type {
  Checkpoint,
  CheckpointMove,
  DocumentChange,
  Fence,
  FindQuery,
  Interruption,
  ProjectionGenerations,
  ProjectionStatus,
  ReadModelDocument,
  ReadModelSpace,
  ReadModelStore,
  Where,
} from './read-model-store.port.js';

/** The version a projection's data has when the store has no record of it: data of builds that knew no versions. */
export const UNRECORDED_VERSION = 1;

/**
 * Each projection's generations as the store records them; a projection without a record is live
 * in the store-wide active generation at version 1 (docs/adr/0025).
 */
export async function projectionLayout(
  store: ReadModelStore,
  projections: readonly Projection[],
): Promise<Map<string, ProjectionGenerations>> {
  const [active, recorded] = await Promise.all([store.activeGeneration(), store.projectionGenerations()]);
  const byName = new Map(recorded.map((r) => [r.projection, r]));
  return new Map(
    projections.map((p) => [
      p.name,
      byName.get(p.name) ?? {
        projection: p.name,
        live: { generation: active, version: UNRECORDED_VERSION },
        building: null,
      },
    ]),
  );
}

/** What queries read: each projection's live generation, read from the store at once (one layout per request). */
export async function liveSpace(store: ReadModelStore, projections: readonly Projection[]): Promise<LiveSpace> {
  const [active, layout] = await Promise.all([store.activeGeneration(), projectionLayout(store, projections)]);
  return new LiveSpace(store, projections, layout, active);
}

/**
 * The read models as queries see them: each collection read from the live generation of the
 * projection that owns it (a collection no projection owns, from the active generation). A
 * projection's status is the one of its live generation. Made per request: a switch made after it
 * was made is seen by the next one, and the generation it leaves is dropped only a while later
 * (Projector, RETIRE_AFTER_MS), so a request under way keeps reading whole documents.
 */
export class LiveSpace implements ReadModelSpace {
  /** The newest live generation (health shows it; each projection has its own). */
  readonly generation: number;
  private readonly byCollection = new Map<string, ReadModelSpace>();
  private readonly byProjection = new Map<string, ReadModelSpace>();
  private readonly fallback: ReadModelSpace;

  constructor(
    store: ReadModelStore,
    projections: readonly Projection[],
    readonly layout: ReadonlyMap<string, ProjectionGenerations>,
    active: number,
  ) {
    const spaces = new Map<number, ReadModelSpace>();
    const spaceOf = (generation: number) => {
      let space = spaces.get(generation);
      if (!space) spaces.set(generation, (space = store.space(generation)));
      return space;
    };
    this.fallback = spaceOf(active);
    let newest = 0;
    for (const p of projections) {
      const generation = layout.get(p.name)?.live.generation ?? active;
      newest = Math.max(newest, generation);
      const space = spaceOf(generation);
      this.byProjection.set(p.name, space);
      for (const collection of collectionsOf(p)) this.byCollection.set(collection, space);
    }
    this.generation = newest || active;
  }

  private of(collection: string): ReadModelSpace {
    return this.byCollection.get(collection) ?? this.fallback;
  }

  private ofProjection(projection: string): ReadModelSpace {
    return this.byProjection.get(projection) ?? this.fallback;
  }

  get(collection: string, id: string): Promise<ReadModelDocument | null> {
    return this.of(collection).get(collection, id);
  }

  getMany(collection: string, ids: readonly string[]): Promise<Map<string, ReadModelDocument>> {
    return this.of(collection).getMany(collection, ids);
  }

  find(collection: string, query?: FindQuery): Promise<ReadModelDocument[]> {
    return this.of(collection).find(collection, query);
  }

  count(collection: string, where?: Where): Promise<number> {
    return this.of(collection).count(collection, where);
  }

  all(collection: string): Promise<Array<{ id: string; document: ReadModelDocument }>> {
    return this.of(collection).all(collection);
  }

  async collections(): Promise<string[]> {
    const found = new Set<string>();
    for (const space of new Set([...this.byCollection.values(), this.fallback]))
      for (const collection of await space.collections()) if (this.of(collection) === space) found.add(collection);
    return [...found].sort();
  }

  commit(projection: string, changes: readonly DocumentChange[], move: CheckpointMove, fence?: Fence | null) {
    return this.ofProjection(projection).commit(projection, changes, move, fence);
  }

  claim(projection: string, fence: Fence): Promise<ProjectionStatus> {
    return this.ofProjection(projection).claim(projection, fence);
  }

  status(projection: string): Promise<ProjectionStatus> {
    return this.ofProjection(projection).status(projection);
  }

  /** Each projection's status in its live generation (one read per generation, usually one in all). */
  async statuses(): Promise<ProjectionStatus[]> {
    const projectionsOf = new Map<ReadModelSpace, Set<string>>();
    for (const [projection, space] of this.byProjection) {
      const names = projectionsOf.get(space) ?? new Set<string>();
      projectionsOf.set(space, names.add(projection));
    }
    const found = await Promise.all(
      [...projectionsOf].map(async ([space, names]) => (await space.statuses()).filter((s) => names.has(s.projection))),
    );
    return found.flat().sort((a, b) => (a.projection < b.projection ? -1 : a.projection > b.projection ? 1 : 0));
  }

  recordFailure(projection: string, at: Checkpoint, message: string, fence?: Fence | null): Promise<void> {
    return this.ofProjection(projection).recordFailure(projection, at, message, fence);
  }

  recordInterruption(projection: string, interruption: Interruption | null, fence?: Fence | null): Promise<void> {
    return this.ofProjection(projection).recordInterruption(projection, interruption, fence);
  }
}
