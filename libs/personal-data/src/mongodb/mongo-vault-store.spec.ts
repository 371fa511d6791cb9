/**
 * The MongoDB vault without a server: how it recognises a replica set that is not initiated, the
 * time limits it sends, and the operations it builds (the contract suite runs it on a server).
 */
import { describe, expect, it } from '@jest/globals';
import { MongoBulkWriteError, MongoServerError, MongoServerSelectionError, ServerType } from 'mongodb';
import type { Rewrap } from '../vault-store.port.js';
import {
  MongoVaultStore,
  VAULT_OPERATION_TIMEOUT_MS,
  duplicateMoves,
  mongoVaultClientOptions,
  replicaSetNotInitiated,
  rewrapOperations,
  toDocument,
  toRecord,
  type VaultCollections,
} from './mongo-vault-store.js';

/** A subject's sealed record under key k1, with one lookup. */
const record = {
  subjectId: 's1',
  keyId: 'k1-aaaaaa',
  wrappedKey: 'w',
  lookups: [{ keyId: 'k1-aaaaaa', value: 'l1' }],
  sealed: 'x',
  createdAt: '2030-01-01T00:00:00.000Z',
};

describe('a replica set that is not initiated', () => {
  it('shows in the hello reply of a member started with --replSet before rs.initiate()', () => {
    expect(
      replicaSetNotInitiated({
        isWritablePrimary: false,
        secondary: false,
        info: 'Does not have a valid replica set config',
        isreplicaset: true,
        ok: 1,
      }),
    ).toBe(true);
    expect(replicaSetNotInitiated({ isWritablePrimary: true, setName: 'rs0', ok: 1 })).toBe(false);
    expect(replicaSetNotInitiated({ isWritablePrimary: true, ok: 1 })).toBe(false);
  });

  it('shows in a server selection that timed out on such a member', () => {
    const selectionFailure = (type: string) =>
      new MongoServerSelectionError('Server selection timed out after 30000 ms', {
        type: 'ReplicaSetNoPrimary',
        servers: new Map([['mongodb:27017', { address: 'mongodb:27017', type }]]),
      } as never);
    expect(replicaSetNotInitiated(selectionFailure(ServerType.RSGhost))).toBe(true);
    expect(replicaSetNotInitiated(selectionFailure(ServerType.Unknown))).toBe(false);
    expect(replicaSetNotInitiated(new Error('connect ECONNREFUSED 127.0.0.1:27017'))).toBe(false);
  });
});

describe('the MongoDB vault store without a server', () => {
  const move = (subjectId: string): Rewrap => ({
    subjectId,
    fromKeyId: 'k1-aaaaaa',
    keyId: 'k2-bbbbbb',
    wrappedKey: 'w',
    lookups: [{ keyId: 'k2-bbbbbb', value: `l-${subjectId}` }],
  });

  it('bounds every wait on the server, without the driver option that does nothing', () => {
    const options = mongoVaultClientOptions(VAULT_OPERATION_TIMEOUT_MS);
    expect(options).toMatchObject({
      writeConcern: { w: 'majority', wtimeoutMS: 10_000 },
      readConcern: { level: 'majority' },
      serverSelectionTimeoutMS: 10_000,
    });
    expect(options.socketTimeoutMS).toBeGreaterThan(10_000);
    expect(options).not.toHaveProperty('timeoutMS');
  });

  it('gives up on a server that does not answer within its time limit', async () => {
    const started = Date.now();
    await expect(
      MongoVaultStore.connect('mongodb://127.0.0.1:9/?directConnection=true', { database: 'vault', timeoutMs: 300 }),
    ).rejects.toThrow(/Cannot open the personal-data vault on MongoDB/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('sends every operation with the server-side time limit, and re-wraps each record only under the key it was read under', async () => {
    const calls: { method: string; args: unknown[] }[] = [];
    const cursor = (rows: unknown[]) => ({ toArray: async () => rows });
    const collection = (name: string) =>
      new Proxy(
        {},
        {
          get:
            (_target, method: string) =>
            (...args: unknown[]) => {
              calls.push({ method: `${name}.${method}`, args });
              if (method === 'find' || method === 'aggregate') return cursor([]);
              if (method === 'findOneAndUpdate') return Promise.resolve({ owner: 'me' });
              if (method === 'countDocuments') return Promise.resolve(0);
              if (method === 'dropIndex')
                return Promise.reject(
                  Object.assign(new MongoServerError({ message: 'index not found', code: 27 }), { code: 27 }),
                );
              return Promise.resolve(null);
            },
        },
      );
    const store = new MongoVaultStore(
      {
        subjects: collection('subjects'),
        erasures: collection('erasures'),
        leases: collection('leases'),
      } as unknown as VaultCollections,
      4_321,
    );
    await store.prepare();
    await store.insert(record);
    await store.bySubject('s1');
    await store.byLookup(['l1']);
    await store.rewrap([move('s1')]);
    await store.discard('s1', 'k1-aaaaaa');
    await store.wrappedUnder(['k1-aaaaaa'], 10);
    await store.keyUsage();
    await store.dropLookups(['k2-bbbbbb']);
    await store.erase('s1', '2031-01-01T00:00:00.000Z');
    await store.erasedAt('s1');
    await store.pendingErasures();
    await store.forget(['s1']);
    await store.markShredded(['s1'], '2031-01-01T00:00:00.000Z');
    await store.acquireLease('vault-key-rotation', 'me', 1000, new Date());
    await store.releaseLease('vault-key-rotation', 'me');

    expect(calls.length).toBeGreaterThan(15);
    for (const call of calls) {
      const options = call.args.find(
        (a): a is { maxTimeMS: number } => typeof a === 'object' && a !== null && 'maxTimeMS' in a,
      );
      expect({ call: call.method, maxTimeMS: options?.maxTimeMS }).toEqual({ call: call.method, maxTimeMS: 4_321 });
    }
    const bulk = calls.find((c) => c.method === 'subjects.bulkWrite')!;
    expect(bulk.args[0]).toEqual(rewrapOperations([move('s1')]));
    expect(bulk.args[1]).toMatchObject({ ordered: false });
  });

  it('moves a record only while it is under the key it was read under, adding its lookups', () => {
    expect(rewrapOperations([move('s1')])).toEqual([
      {
        updateOne: {
          filter: { _id: { $eq: 's1' }, keyId: { $eq: 'k1-aaaaaa' } },
          update: {
            $set: { keyId: 'k2-bbbbbb', wrappedKey: 'w' },
            $addToSet: { lookups: { $each: [{ keyId: 'k2-bbbbbb', value: 'l-s1' }] } },
          },
        },
      },
    ]);
  });

  it('names the moves refused for a lookup another subject holds, and throws any other failure', () => {
    const moves = [move('s1'), move('s2'), move('s3')];
    const failed = (codes: number[]) =>
      new MongoBulkWriteError(
        {
          message: 'bulk',
          code: codes[0] ?? 1,
          writeErrors: codes.map((code, i) => ({ index: i * 2, code, errmsg: 'e' })),
        } as never,
        {} as never,
      );
    expect(duplicateMoves(failed([11000, 11000]), moves)).toEqual(['s1', 's3']);
    expect(() => duplicateMoves(failed([11000, 50]), moves)).toThrow(MongoBulkWriteError);
    expect(() => duplicateMoves(new Error('network'), moves)).toThrow('network');
  });

  it('keeps a record as it is, lookups and all', () => {
    expect(toDocument(record)).toEqual({
      _id: 's1',
      keyId: 'k1-aaaaaa',
      wrappedKey: 'w',
      lookups: [{ keyId: 'k1-aaaaaa', value: 'l1' }],
      sealed: 'x',
      createdAt: '2030-01-01T00:00:00.000Z',
    });
    expect(toRecord(toDocument(record))).toEqual(record);
  });
});
