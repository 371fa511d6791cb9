/**
 * The read-model store port: JSON documents in named collections, written by the projector in
 * atomic batches together with each projection's checkpoint, read by the query side. Adapters:
 * embedded (SQLite, the default) and MongoDB. Both pass read-model-store.contract-spec.ts.
 *
 * Documents live in generations, and each projection has its own live generation (the one queries
 * read) built by a version of the projection: a projection whose declared version differs from its
 * live one is rebuilt into a new generation from position 0, which becomes live once it has caught
 * up, so queries keep answering from the old one meanwhile (docs/adr/0025). A projection with no
 * record of its own is live in the store-wide active generation at version 1 (the data of builds
 * that knew no versions).
 *
 * Writers are fenced: a batch names the checkpoint it starts from (compare-and-set) and, under a
 * lease, the lease's epoch; a batch of a writer that lost either is refused and writes nothing.
 * Lease times are the store's own clock, never the caller's.
 */
import { comparePositions, type LogPosition } from '@app/event-store';

export type ReadModelDocument = { readonly [field: string]: unknown };

/** Equality on top-level fields; values are always bound, never interpreted. */
export type Where = Readonly<Record<string, string | number | boolean | null>>;

export interface FindQuery {
  readonly where?: Where;
  readonly orderBy?: ReadonlyArray<{ readonly field: string; readonly direction: 'asc' | 'desc' }>;
  readonly offset?: number;
  readonly limit?: number;
}

/** Where a projection has got to in the global log (commit/prepare as decimal strings). */
export interface Checkpoint {
  readonly commit: string;
  readonly prepare: string;
}

/** A batch's place in the log: the checkpoint it starts from (null: none yet) and the one it ends at. */
export interface CheckpointMove {
  readonly from: Checkpoint | null;
  readonly to: Checkpoint;
}

/** A projection's read of the log is down and being retried (times from the projector's clock, ISO 8601). */
export interface Interruption {
  readonly since: string;
  readonly attempts: number;
  readonly lastError: string;
  readonly nextAttemptAt: string;
}

export interface ProjectionStatus {
  readonly projection: string;
  readonly checkpoint: Checkpoint | null;
  /** Set when the projection stopped on an event it could not decode or apply. */
  readonly failure: { readonly at: Checkpoint; readonly message: string } | null;
  /** Present while its projector is reconnecting to the event store (cleared by its next commit or once it has caught up again). */
  readonly interruption?: Interruption;
}

/** A term of a lease: `epoch` grows by one every time the lease is taken by an owner that did not hold it. */
export interface Lease {
  readonly name: string;
  readonly owner: string;
  readonly epoch: number;
  /** When it lapses unless renewed, by the store's clock. */
  readonly expiresAt: Date;
}

/** What a write under a lease names: the lease and the epoch of the term it was made in. */
export interface Fence {
  readonly lease: string;
  readonly epoch: number;
}

export interface DocumentChange {
  readonly collection: string;
  readonly id: string;
  /** The whole new document; null deletes it. */
  readonly document: ReadModelDocument | null;
}

export interface ReadModelSpace {
  readonly generation: number;
  get(collection: string, id: string): Promise<ReadModelDocument | null>;
  /** The documents of one collection that exist among `ids`, by id, in one read (a projector reads ahead of its events). */
  getMany(collection: string, ids: readonly string[]): Promise<Map<string, ReadModelDocument>>;
  find(collection: string, query?: FindQuery): Promise<ReadModelDocument[]>;
  count(collection: string, where?: Where): Promise<number>;
  /** Every document of a collection, ordered by id (for comparisons and exports). */
  all(collection: string): Promise<Array<{ id: string; document: ReadModelDocument }>>;
  collections(): Promise<string[]>;
  /**
   * The documents and the checkpoint together, or neither, and only if nobody else moved the
   * projection meanwhile: refused with StaleCheckpointError unless `move.from` is the stored
   * checkpoint and `move.to` lies after it (a redelivered batch, or one made from a checkpoint
   * another writer has moved since), and with FencedOutError unless `fence.epoch` is still the
   * lease's epoch (a holder that paused past its lease). A refused batch writes nothing.
   */
  commit(
    projection: string,
    changes: readonly DocumentChange[],
    move: CheckpointMove,
    fence?: Fence | null,
  ): Promise<void>;
  /**
   * The projection's status, taken for the fence's term: refused with FencedOutError unless
   * `fence.epoch` is the lease's epoch; from then on, batches of earlier terms are refused even if
   * they were already under way. A runner under a lease claims its projection before it reads on.
   */
  claim(projection: string, fence: Fence): Promise<ProjectionStatus>;
  status(projection: string): Promise<ProjectionStatus>;
  statuses(): Promise<ProjectionStatus[]>;
  /** The projection stopped on an event: kept with its checkpoint (which does not move) until its next commit. */
  recordFailure(projection: string, at: Checkpoint, message: string, fence?: Fence | null): Promise<void>;
  /** The projection's read of the log is down (or up again: null), for the processes that do not run it. */
  recordInterruption(projection: string, interruption: Interruption | null, fence?: Fence | null): Promise<void>;
}

/** A generation of one projection's read models, and the version of the projection that builds it. */
export interface VersionedGeneration {
  readonly generation: number;
  readonly version: number;
}

/** Where a projection's read models are: the live generation, and the one being built for another version. */
export interface ProjectionGenerations {
  readonly projection: string;
  readonly live: VersionedGeneration;
  /** A rebuild for another version under way (or cut short by a crash, to be resumed); null: none. */
  readonly building: VersionedGeneration | null;
}

/** A projection's generation made live, with the version that built it. */
export interface LiveGeneration extends VersionedGeneration {
  readonly projection: string;
}

export interface ReadModelStore {
  /** The store-wide generation: live for every projection without a record of its own (at version 1). */
  activeGeneration(): Promise<number>;
  activate(generation: number): Promise<void>;
  space(generation: number): ReadModelSpace;
  /** Removes a generation's documents and checkpoints (never the active one, nor one live for a projection). */
  drop(generation: number): Promise<void>;
  generations(): Promise<number[]>;
  /** The projections that have a record of their own (made by beginGeneration or makeLive), by name. */
  projectionGenerations(): Promise<ProjectionGenerations[]>;
  /** A generation number never handed out before, above every generation in the store. */
  newGeneration(): Promise<number>;
  /**
   * Records that `projection` is being built into `building` (null: no longer), so that a restart
   * resumes that build; a projection without a record gets one, live in the active generation at version 1.
   */
  recordBuilding(projection: string, building: VersionedGeneration | null, fence?: Fence | null): Promise<void>;
  /**
   * Makes each generation live for its projection, all in one atomic step: a query reads either
   * the generations before or the ones after. A projection's building record for the same
   * generation is cleared (the build is done); one for another generation stays.
   */
  makeLive(live: readonly LiveGeneration[], fence?: Fence | null): Promise<void>;
  /** One projection's documents (its collections) and checkpoint in one generation, removed; refused for its live generation. */
  dropProjection(generation: number, projection: string, collections: readonly string[]): Promise<void>;
  /**
   * Takes the named lease for `owner`, or renews it, for `ttlMs` from now by the store's clock
   * (callers' clocks may disagree; the store's decides): the term `owner` holds afterwards, or
   * null while another owner's lease has not lapsed. A renewal keeps the epoch; taking a lease
   * that was not the owner's (free, lapsed or released) starts a new term, epoch + 1. One
   * projector per store runs under the lease `projector`; a second one waits for it to lapse.
   */
  acquireLease(name: string, owner: string, ttlMs: number): Promise<Lease | null>;
  /** Ends `owner`'s term at once if it holds the lease (a clean shutdown hands over); the epoch is kept. */
  releaseLease(name: string, owner: string): Promise<void>;
  close(): Promise<void>;
}

/** A batch that does not start at the stored checkpoint, or does not move it forward: nothing of it was written. */
export class StaleCheckpointError extends Error {
  override readonly name = 'StaleCheckpointError';

  constructor(projection: string, stored: Checkpoint | null, offered: Checkpoint, from?: Checkpoint | null) {
    const at = stored ? `${stored.commit}/${stored.prepare}` : 'no checkpoint';
    const batch = from === undefined ? '' : ` from ${from ? `${from.commit}/${from.prepare}` : 'the start'}`;
    super(
      `Projection ${projection} is at ${at}; refusing a batch${batch} ending at ${offered.commit}/${offered.prepare}`,
    );
  }
}

/** A write under a lease term that is no longer the lease's (another owner took it since): nothing of it was written. */
export class FencedOutError extends Error {
  override readonly name = 'FencedOutError';

  /** `now`: what the store has instead, e.g. "the lease is at epoch 5". */
  constructor(fence: Fence, now: string) {
    super(`Lease ${fence.lease}: the term of epoch ${fence.epoch} is over (${now}); refusing the write`);
  }
}

/**
 * A commit's compare-and-set: the batch starts at the stored checkpoint and ends after it. Every
 * adapter checks this inside the transaction that writes the batch.
 */
export function assertMovesFrom(projection: string, stored: Checkpoint | null, move: CheckpointMove): void {
  const forward =
    move.from === null || comparePositions(checkpointPosition(move.to), checkpointPosition(move.from)) > 0;
  if (!forward || !sameCheckpoint(stored, move.from))
    throw new StaleCheckpointError(projection, stored, move.to, move.from);
}

/** What a lease's stored epoch says to a fenced writer whose term it is not. */
export function leaseAt(epoch: number | null | undefined): string {
  return typeof epoch === 'number' ? `the lease is at epoch ${epoch}` : 'the lease has never been taken';
}

/** Whether two checkpoints are the same place (both none, or equal positions). */
export function sameCheckpoint(a: Checkpoint | null, b: Checkpoint | null): boolean {
  if (a === null || b === null) return a === b;
  return BigInt(a.commit) === BigInt(b.commit) && BigInt(a.prepare) === BigInt(b.prepare);
}

/** Collection and field names come from code; this keeps them from ever carrying syntax. */
export function assertName(kind: 'collection' | 'field' | 'projection', name: string): void {
  const pattern = kind === 'projection' ? /^[A-Za-z][A-Za-z0-9_-]{0,63}$/ : /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
  if (!pattern.test(name)) throw new Error(`Invalid ${kind} name ${JSON.stringify(name)}`);
}

/** The log position a checkpoint stands for: compare checkpoints with the log's own comparePositions. */
export function checkpointPosition(checkpoint: Checkpoint): LogPosition {
  return { commit: BigInt(checkpoint.commit), prepare: BigInt(checkpoint.prepare) };
}

export const READ_MODEL_STORE = Symbol('ReadModelStore');
