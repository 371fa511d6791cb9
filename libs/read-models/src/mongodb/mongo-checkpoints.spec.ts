/**
 * Checkpoint records and the lease that fences them, as the MongoDB read-model store writes them:
 * the checkpoint guard, failures and interruptions, and leases on the server's clock.
 */
import { describe, expect, it } from '@jest/globals';
import { StaleCheckpointError } from '../read-model-store.port.js';
import {
  assertAdvances,
  assertCheckpoint,
  claimableBy,
  commitUpdate,
  committedCheckpoint,
  failureUpdate,
  interruptionUpdate,
  leaseRelease,
  leaseUpdate,
  storedCheckpoint,
  toProjectionStatus,
} from './mongo-checkpoints.js';

describe('checkpoints', () => {
  const at = (commit: string, prepare: string) => ({ commit, prepare });

  it('accepts any advance and refuses a batch at or before the stored checkpoint', () => {
    expect(() => assertAdvances('p', null, at('0', '0'))).not.toThrow();
    expect(() => assertAdvances('p', at('10', '5'), at('10', '6'))).not.toThrow();
    expect(() => assertAdvances('p', at('10', '5'), at('11', '0'))).not.toThrow();
    expect(() => assertAdvances('p', at('10', '5'), at('10', '5'))).toThrow(StaleCheckpointError);
    expect(() => assertAdvances('p', at('10', '5'), at('10', '4'))).toThrow(StaleCheckpointError);
    expect(() => assertAdvances('p', at('10', '5'), at('9', '99'))).toThrow(StaleCheckpointError);
  });

  it('compares positions as integers, not as strings or doubles', () => {
    expect(() => assertAdvances('p', at('9', '9'), at('10', '10'))).not.toThrow();
    expect(() => assertAdvances('p', at('9007199254740993', '0'), at('9007199254740992', '0'))).toThrow(
      StaleCheckpointError,
    );
  });

  it('names the projection and both positions when refusing', () => {
    expect(() => assertAdvances('bidSummaries', at('7', '7'), at('3', '3'))).toThrow(
      'Projection bidSummaries is at 7/7; refusing a batch ending at 3/3',
    );
  });

  it('accepts only decimal checkpoints', () => {
    expect(() => assertCheckpoint(at('0', '18446744073709551615'))).not.toThrow();
    for (const bad of [at('', '1'), at('1', ' 2'), at('0x1', '1'), at('-1', '1'), at('1.5', '1')]) {
      expect(() => assertCheckpoint(bad)).toThrow(/Invalid checkpoint/);
    }
  });

  it('reads a record without a position (only a failure) as no checkpoint', () => {
    expect(storedCheckpoint(null)).toBeNull();
    expect(storedCheckpoint({ _id: 'p', commit: null, prepare: null, failure: null })).toBeNull();
    expect(storedCheckpoint({ _id: 'p', commit: '4', prepare: '3', failure: null })).toEqual(at('4', '3'));
  });

  it('writes the new position and clears any failure on commit', () => {
    expect(committedCheckpoint(at('12', '11'))).toEqual({ commit: '12', prepare: '11', failure: null });
  });

  it('records a failure without touching an existing position', () => {
    const update = failureUpdate(at('5', '5'), 'cannot decode');
    expect(update).toEqual({
      $set: { failure: { at: { commit: '5', prepare: '5' }, message: 'cannot decode' } },
      $setOnInsert: { commit: null, prepare: null },
    });
    expect(Object.keys(update['$set'] as object)).toEqual(['failure']);
  });

  it('maps records to statuses', () => {
    expect(toProjectionStatus('p', null)).toEqual({ projection: 'p', checkpoint: null, failure: null });
    expect(toProjectionStatus('p', { _id: 'p', commit: '3', prepare: '2', failure: null })).toEqual({
      projection: 'p',
      checkpoint: at('3', '2'),
      failure: null,
    });
    expect(
      toProjectionStatus('p', {
        _id: 'p',
        commit: null,
        prepare: null,
        failure: { at: at('4', '4'), message: 'boom' },
      }),
    ).toEqual({ projection: 'p', checkpoint: null, failure: { at: at('4', '4'), message: 'boom' } });
  });
});

describe('leases on the server clock', () => {
  it('takes, renews or leaves a lease in one pipeline on $$NOW, with the owner as a literal, never a path or an operator', () => {
    const pipeline = leaseUpdate('$where', 15_000);
    const text = JSON.stringify(pipeline);
    expect(text).toContain('"$$NOW"');
    expect(text).toContain('{"$add":["$$NOW",15000]}');
    expect(text.match(/"\$where"/g)).toHaveLength(2);
    expect(text.match(/\{"\$literal":"\$where"\}/g)).toHaveLength(2);
    // A renewal keeps the epoch; a lapsed, released or never-taken lease gets the next one.
    expect(pipeline[1]).toMatchObject({
      $set: {
        epoch: {
          $cond: [
            '$_renew',
            { $ifNull: ['$epoch', 0] },
            { $cond: ['$_lapsed', { $add: [{ $ifNull: ['$epoch', 0] }, 1] }, '$epoch'] },
          ],
        },
      },
    });
    expect(pipeline.at(-1)).toEqual({ $unset: ['_renew', '_lapsed'] });
    expect(() => leaseUpdate('a', 0)).toThrow('Invalid lease term');
    expect(() => leaseUpdate('a', 1.5)).toThrow('Invalid lease term');
    expect(leaseRelease()).toEqual([{ $set: { expiresAt: { $min: ['$expiresAt', '$$NOW'] } } }]);
  });

  it('stamps a commit under a lease with its term, and lets only the same or a later term write a claimed record', () => {
    const at = { commit: '9', prepare: '9' };
    expect(commitUpdate(at, { lease: 'projector', epoch: 4 })).toEqual({
      $set: { commit: '9', prepare: '9', failure: null, epoch: 4 },
      $unset: { interruption: '' },
    });
    expect(commitUpdate(at, null)).toEqual({
      $set: { commit: '9', prepare: '9', failure: null },
      $unset: { interruption: '' },
    });
    expect(claimableBy('p', { lease: 'projector', epoch: 4 })).toEqual({
      _id: 'p',
      $or: [{ epoch: { $exists: false } }, { epoch: { $lte: 4 } }],
    });
    expect(claimableBy('p', null)).toEqual({ _id: 'p' });
  });

  it('records an interruption beside the position, and reads it back only when whole', () => {
    const interruption = {
      since: '2026-11-25T10:00:00.000Z',
      attempts: 2,
      lastError: 'EventStoreUnavailableError: reset',
      nextAttemptAt: '2026-11-25T10:00:00.300Z',
    };
    expect(interruptionUpdate(interruption)).toEqual({
      $set: { interruption },
      $setOnInsert: { commit: null, prepare: null, failure: null },
    });
    expect(interruptionUpdate(null)).toEqual({ $unset: { interruption: '' } });
    expect(toProjectionStatus('p', { _id: 'p', commit: '3', prepare: '3', failure: null, interruption })).toEqual({
      projection: 'p',
      checkpoint: { commit: '3', prepare: '3' },
      failure: null,
      interruption,
    });
    expect(
      toProjectionStatus('p', {
        _id: 'p',
        commit: '3',
        prepare: '3',
        failure: null,
        interruption: { ...interruption, attempts: 'two' as unknown as number },
      }),
    ).toEqual({ projection: 'p', checkpoint: { commit: '3', prepare: '3' }, failure: null });
  });
});
