/**
 * The MongoDB server as the read-model store sees it, without a server: the kind a `hello` reply
 * tells, and the time limits and concerns every operation and transaction carries.
 */
import { describe, expect, it } from '@jest/globals';
import { MongoServerSelectionError, ServerType, WriteConcern, type TransactionOptions } from 'mongodb';
import {
  DEFAULT_OPERATION_TIME_MS,
  operationLimits,
  serverKind,
  serverKindProblem,
  transactionOptions,
  uninitiatedMembers,
} from './mongo-server.js';

describe('server kind', () => {
  // `hello` replies as servers send them (fields the classification does not read left out).
  const primary = { isWritablePrimary: true, secondary: false, setName: 'rs0', hosts: ['mongodb:27017'], ok: 1 };
  const secondary = { isWritablePrimary: false, secondary: true, setName: 'rs0', ok: 1 };
  const mongos = { isWritablePrimary: true, msg: 'isdbgrid', ok: 1 };
  const standalone = { isWritablePrimary: true, maxWireVersion: 25, ok: 1 };
  // mongod --replSet rs0 before rs.initiate(): no setName, and isreplicaset.
  const uninitiated = {
    isWritablePrimary: false,
    secondary: false,
    info: 'Does not have a valid replica set config',
    isreplicaset: true,
    ok: 1,
  };

  it('tells initiated members, mongos, uninitiated members and standalone servers apart', () => {
    expect(serverKind(primary)).toBe('replica-set-member');
    expect(serverKind(secondary)).toBe('replica-set-member');
    expect(serverKind(mongos)).toBe('mongos');
    expect(serverKind(uninitiated)).toBe('uninitiated-replica-set-member');
    expect(serverKind(standalone)).toBe('standalone');
  });

  it('accepts replica-set members and mongos; says to run rs.initiate() for an uninitiated member, refuses a standalone', () => {
    expect(serverKindProblem('replica-set-member', 'mongodb://db/')).toBeNull();
    expect(serverKindProblem('mongos', 'mongodb://db/')).toBeNull();
    const notInitiated = serverKindProblem(serverKind(uninitiated), 'mongodb://db/');
    expect(notInitiated).toMatch(/replica set not initiated: run rs\.initiate\(\)/);
    expect(notInitiated).not.toMatch(/standalone/);
    expect(serverKindProblem(serverKind(standalone), 'mongodb://db/')).toMatch(/is a standalone server/);
  });

  it('finds the uninitiated members a timed-out server selection saw', () => {
    // The driver's reason: the topology it saw, each server described with its type.
    const topology = (types: Record<string, string>) => ({
      type: 'ReplicaSetNoPrimary',
      servers: new Map(Object.entries(types).map(([address, type]) => [address, { address, type }])),
    });
    const selectionFailure = (types: Record<string, string>) =>
      new MongoServerSelectionError('Server selection timed out after 30000 ms', topology(types) as never);
    expect(uninitiatedMembers(selectionFailure({ 'mongodb:27017': ServerType.RSGhost }))).toEqual(['mongodb:27017']);
    expect(
      uninitiatedMembers(selectionFailure({ 'db1:27017': ServerType.RSGhost, 'db2:27017': ServerType.Unknown })),
    ).toEqual(['db1:27017']);
    expect(uninitiatedMembers(selectionFailure({ 'db1:27017': ServerType.Unknown }))).toEqual([]);
    expect(uninitiatedMembers(new Error('connect ECONNREFUSED'))).toEqual([]);
    expect(uninitiatedMembers(undefined)).toEqual([]);
  });
});

describe('time limits', () => {
  it('gives every operation a server-side limit, 10 s unless configured, and the majority as long to acknowledge', () => {
    expect(DEFAULT_OPERATION_TIME_MS).toBe(10_000);
    expect(operationLimits(2_500)).toEqual({ maxTimeMS: 2_500 });
    expect(() => operationLimits(0)).toThrow('Invalid operation time limit');
    const txn: TransactionOptions = transactionOptions(2_500);
    expect(txn.maxCommitTimeMS).toBe(2_500);
    expect(txn.writeConcern).toBeInstanceOf(WriteConcern);
    expect(txn.writeConcern).toMatchObject({ w: 'majority', wtimeoutMS: 2_500 });
  });
});
