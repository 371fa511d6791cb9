/**
 * The read-model store port: JSON documents in named collections, written by the projector in
 * atomic batches together with each projection's checkpoint, read by the query side. Adapters:
 * embedded (SQLite, the default) and MongoDB. Both pass read-model-store.contract-spec.ts.
 *
 * Documents live in generations: the projector writes the active one; a rebuild fills the next
 * generation from position 0 and then makes it active, so queries keep answering meanwhile.
 */
import type { LogPosition } from '@app/event-store';

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

export interface ProjectionStatus {
  readonly projection: string;
  readonly checkpoint: Checkpoint | null;
  /** Set when the projection stopped on an event it could not decode or apply. */
  readonly failure: { readonly at: Checkpoint; readonly message: string } | null;
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
  find(collection: string, query?: FindQuery): Promise<ReadModelDocument[]>;
  count(collection: string, where?: Where): Promise<number>;
  /** Every document of a collection, ordered by id (for comparisons and exports). */
  all(collection: string): Promise<Array<{ id: string; document: ReadModelDocument }>>;
  collections(): Promise<string[]>;
  /**
   * The documents and the checkpoint together, or neither. A checkpoint never moves backwards:
   * a batch at or before the stored checkpoint (a redelivery) is refused with StaleCheckpointError.
   */
  commit(projection: string, changes: readonly DocumentChange[], checkpoint: Checkpoint): Promise<void>;
  status(projection: string): Promise<ProjectionStatus>;
  statuses(): Promise<ProjectionStatus[]>;
  recordFailure(projection: string, at: Checkpoint, message: string): Promise<void>;
}

export interface ReadModelStore {
  activeGeneration(): Promise<number>;
  activate(generation: number): Promise<void>;
  space(generation: number): ReadModelSpace;
  /** Removes a generation's documents and checkpoints (never the active one). */
  drop(generation: number): Promise<void>;
  generations(): Promise<number[]>;
  /**
   * Takes the named lease for `owner`, or renews it, until `now + ttlMs`: true when `owner` holds
   * it afterwards, false while another owner's lease has not expired. One projector per store runs
   * under the lease `projector`; a second one waits for it to lapse.
   */
  acquireLease(name: string, owner: string, ttlMs: number, now: Date): Promise<boolean>;
  /** Gives the lease up if `owner` holds it (a clean shutdown hands over at once). */
  releaseLease(name: string, owner: string): Promise<void>;
  close(): Promise<void>;
}

export class StaleCheckpointError extends Error {
  override readonly name = 'StaleCheckpointError';

  constructor(projection: string, stored: Checkpoint, offered: Checkpoint) {
    super(`Projection ${projection} is at ${stored.commit}/${stored.prepare}; refusing a batch ending at ${offered.commit}/${offered.prepare}`);
  }
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
