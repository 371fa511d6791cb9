/**
 * A projection's checkpoint record (in `g<generation>_checkpoints`) and the lease that fences its
 * writes (in `leases`), as the documents and updates the MongoDB read-model store sends. Pure:
 * unit-tested in mongo-checkpoints.spec.ts.
 */
import type { Document } from 'mongodb';
import { comparePositions } from '@app/event-store';
import {
  StaleCheckpointError,
  checkpointPosition,
  type Checkpoint,
  type Fence,
  type Interruption,
  type ProjectionStatus,
} from '../read-model-store.port.js';

export type CheckpointRecord = {
  _id: string;
  commit: string | null;
  prepare: string | null;
  failure: { at: Checkpoint; message: string } | null;
  /** The latest lease term that claimed or committed the projection (absent: never written under a lease). */
  epoch?: number;
  interruption?: Interruption | null;
};

/** Leases (the projector's) as documents: `_id` the lease's name, `expiresAt` by the server's clock. */
export type LeaseRecord = { _id: string; owner: string; epoch: number; expiresAt: Date };

const DECIMAL = /^[0-9]+$/;

export function assertCheckpoint(checkpoint: Checkpoint): void {
  if (
    typeof checkpoint.commit !== 'string' ||
    typeof checkpoint.prepare !== 'string' ||
    !DECIMAL.test(checkpoint.commit) ||
    !DECIMAL.test(checkpoint.prepare)
  ) {
    throw new Error(`Invalid checkpoint ${JSON.stringify(checkpoint)}: commit and prepare must be decimal strings`);
  }
}

/** The stored checkpoint of a record, or null when there is none (e.g. only a failure recorded). */
export function storedCheckpoint(record: Partial<CheckpointRecord> | null | undefined): Checkpoint | null {
  return typeof record?.commit === 'string' && typeof record.prepare === 'string'
    ? { commit: record.commit, prepare: record.prepare }
    : null;
}

/** A checkpoint never moves backwards: a batch at or before the stored one is refused. */
export function assertAdvances(projection: string, stored: Checkpoint | null, offered: Checkpoint): void {
  if (stored !== null && comparePositions(checkpointPosition(stored), checkpointPosition(offered)) >= 0)
    throw new StaleCheckpointError(projection, stored, offered);
}

/** The checkpoint record written by a commit: the new position, any failure cleared. */
export function committedCheckpoint(checkpoint: Checkpoint): Omit<CheckpointRecord, '_id'> {
  return { commit: checkpoint.commit, prepare: checkpoint.prepare, failure: null };
}

/** The update recording a failure: the checkpoint (if any) stays where it is. */
export function failureUpdate(at: Checkpoint, message: string): Document {
  return {
    $set: { failure: { at: { commit: at.commit, prepare: at.prepare }, message } },
    $setOnInsert: { commit: null, prepare: null },
  };
}

export function toProjectionStatus(
  projection: string,
  record: Partial<CheckpointRecord> | null | undefined,
): ProjectionStatus {
  const failure = record?.failure;
  const interruption = storedInterruption(record?.interruption);
  return {
    projection,
    checkpoint: storedCheckpoint(record),
    failure:
      failure &&
      typeof failure.message === 'string' &&
      typeof failure.at?.commit === 'string' &&
      typeof failure.at.prepare === 'string'
        ? { at: { commit: failure.at.commit, prepare: failure.at.prepare }, message: failure.message }
        : null,
    ...(interruption ? { interruption } : {}),
  };
}

function storedInterruption(value: Partial<Interruption> | null | undefined): Interruption | null {
  if (
    !value ||
    typeof value.since !== 'string' ||
    typeof value.attempts !== 'number' ||
    typeof value.lastError !== 'string' ||
    typeof value.nextAttemptAt !== 'string'
  )
    return null;
  return {
    since: value.since,
    attempts: value.attempts,
    lastError: value.lastError,
    nextAttemptAt: value.nextAttemptAt,
  };
}

/** The update a commit makes to its checkpoint record: the new position, failure and interruption cleared, the term that wrote it. */
export function commitUpdate(checkpoint: Checkpoint, fence: Fence | null): Document {
  return {
    $set: { ...committedCheckpoint(checkpoint), ...(fence ? { epoch: fence.epoch } : {}) },
    $unset: { interruption: '' },
  };
}

/** Matches a checkpoint record no later term has claimed (or, without a fence, any). */
export function claimableBy(projection: string, fence: Fence | null): Document {
  return fence
    ? { _id: projection, $or: [{ epoch: { $exists: false } }, { epoch: { $lte: fence.epoch } }] }
    : { _id: projection };
}

/** The update recording an interruption (or its end) without touching the position or a failure. */
export function interruptionUpdate(interruption: Interruption | null): Document {
  return interruption === null
    ? { $unset: { interruption: '' } }
    : { $set: { interruption: { ...interruption } }, $setOnInsert: { commit: null, prepare: null, failure: null } };
}

/**
 * The update pipeline that takes or renews a lease in one atomic step, by the server's clock
 * (`$$NOW`), whatever the caller's clock says: the owner renews its unexpired lease (same epoch);
 * anyone takes a lease that is free, lapsed or released (epoch + 1); anyone else's unexpired lease
 * is left as it is. The owner is a literal, never read as a field path or an operator.
 */
export function leaseUpdate(owner: string, ttlMs: number): Document[] {
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) throw new Error(`Invalid lease term ${String(ttlMs)} ms`);
  const me = { $literal: owner };
  return [
    {
      $set: {
        _renew: { $and: [{ $eq: ['$owner', me] }, { $gt: ['$expiresAt', '$$NOW'] }] },
        // A missing expiry (a lease never taken) compares as null, before any date.
        _lapsed: { $lte: [{ $ifNull: ['$expiresAt', null] }, '$$NOW'] },
      },
    },
    {
      $set: {
        epoch: {
          $cond: [
            '$_renew',
            { $ifNull: ['$epoch', 0] },
            { $cond: ['$_lapsed', { $add: [{ $ifNull: ['$epoch', 0] }, 1] }, '$epoch'] },
          ],
        },
        owner: { $cond: [{ $or: ['$_renew', '$_lapsed'] }, me, '$owner'] },
        expiresAt: { $cond: [{ $or: ['$_renew', '$_lapsed'] }, { $add: ['$$NOW', ttlMs] }, '$expiresAt'] },
      },
    },
    { $unset: ['_renew', '_lapsed'] },
  ];
}

/** Ends a lease's term now, by the server's clock, keeping its epoch. */
export function leaseRelease(): Document[] {
  return [{ $set: { expiresAt: { $min: ['$expiresAt', '$$NOW'] } } }];
}
