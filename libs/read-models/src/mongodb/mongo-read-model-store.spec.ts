/**
 * The MongoDB read-model store without a server: connection failures that name the URL with its
 * password redacted, and the time limit every operation sends, on a driver that records what it is
 * asked.
 */
import { describe, expect, it } from '@jest/globals';
import type { TransactionOptions } from 'mongodb';
import type { ReadModelStore } from '../read-model-store.port.js';
import { MongoReadModelStore } from './mongo-read-model-store.js';

describe('connection failures', () => {
  it('name the URL with the password redacted (nothing listens on port 1)', async () => {
    const url = 'mongodb://ledger:hunter22secret@127.0.0.1:1/ledger?serverSelectionTimeoutMS=300&connectTimeoutMS=300';
    const failure = MongoReadModelStore.connect(url);
    await expect(failure).rejects.toThrow(
      'Cannot connect to MongoDB at mongodb://ledger:***@127.0.0.1:1/ledger?serverSelectionTimeoutMS=300',
    );
    await expect(failure).rejects.not.toThrow(/hunter22secret/);
  }, 10_000);

  it('name the URL with the password redacted when the driver cannot even parse it', async () => {
    const failure = MongoReadModelStore.connect('mongodb://ledger:s3cr/et@localhost/');
    await expect(failure).rejects.toThrow(
      /^Cannot connect to MongoDB at mongodb:\/\/ledger:\*\*\*@localhost\/: MongoParseError/,
    );
    await expect(failure).rejects.not.toThrow(/s3cr/);
  });

  it('refuse bad index configuration before connecting', async () => {
    await expect(
      MongoReadModelStore.connect('mongodb://127.0.0.1:1/', { indexes: { 'a.b': [['x']] } }),
    ).rejects.toThrow(/Invalid collection name/);
  });
});

describe('time limits', () => {
  it('sends the limit with each operation of the store, reads, writes, leases and transactions alike', async () => {
    const { client, db, calls } = recordingDriver();
    // The store as connect() makes it, on a driver that records what it is asked (no server here).
    const Store = MongoReadModelStore as unknown as new (...args: unknown[]) => ReadModelStore;
    const store = new Store(client, db, new Map([['calls', [{ 'doc.status': 1 }]]]), 2_500);
    const fence = { lease: 'projector', epoch: 1 };
    const space = store.space(1);
    await store.activeGeneration();
    await store.activate(1);
    await store.generations();
    await store.drop(3);
    expect(await store.acquireLease('projector', 'a', 15_000)).toMatchObject({ epoch: 1 });
    await store.releaseLease('projector', 'a');
    await space.get('calls', 'c1');
    await space.getMany('calls', ['c1', 'c2']);
    await space.find('calls', { where: { status: 'open' }, limit: 5 });
    await space.count('calls', { status: 'open' });
    await space.all('calls');
    await space.collections();
    await space.claim('p', fence);
    await space.commit(
      'p',
      [{ collection: 'calls', id: 'c1', document: { status: 'open' } }],
      { from: null, to: { commit: '1', prepare: '1' } },
      fence,
    );
    await space.status('p');
    await space.statuses();
    await space.recordFailure('p', { commit: '2', prepare: '2' }, 'boom', fence);
    await space.recordInterruption('p', null, fence);
    await store.projectionGenerations();
    expect(await store.newGeneration()).toBe(4);
    await store.recordBuilding('p', { generation: 4, version: 2 }, fence);
    await store.makeLive([{ projection: 'p', generation: 4, version: 2 }], fence);
    await store.dropProjection(3, 'p', ['calls']);

    const operations = calls.filter((c) => c.method !== 'withTransaction');
    expect(new Set(operations.map((c) => c.method))).toEqual(
      new Set([
        'findOne',
        'updateOne',
        'listCollections',
        'dropCollection',
        'findOneAndUpdate',
        'find',
        'countDocuments',
        'createIndex',
        'createCollection',
        'bulkWrite',
        'deleteOne',
      ]),
    );
    const unlimited = operations.filter(
      (c) => c.method !== 'createIndex' && (c.options as { maxTimeMS?: number } | undefined)?.maxTimeMS !== 2_500,
    );
    expect(unlimited).toEqual([]);
    const transactions = calls
      .filter((c) => c.method === 'withTransaction')
      .map((c) => c.options as TransactionOptions);
    // The commit, the build recorded and the switch.
    expect(transactions).toHaveLength(3);
    for (const transaction of transactions)
      expect(transaction).toMatchObject({
        maxCommitTimeMS: 2_500,
        writeConcern: { w: 'majority', wtimeoutMS: 2_500 },
      });
  });
});

/** A MongoClient and Db that answer plausibly and record every operation with its options. */
function recordingDriver() {
  const calls: Array<{ target: string; method: string; options: unknown }> = [];
  const record = (target: string, method: string, args: unknown[]) =>
    calls.push({ target, method, options: args.at(-1) });
  const cursor = (rows: unknown[]) => ({ toArray: async () => rows });
  const collection = (name: string) =>
    new Proxy(
      {},
      {
        get:
          (_target, method: string) =>
          (...args: unknown[]) => {
            record(name, method, args);
            switch (method) {
              case 'find':
                return cursor([]);
              case 'findOne':
                return Promise.resolve(name === 'leases' ? { _id: 'projector', owner: 'a', epoch: 1 } : null);
              case 'findOneAndUpdate':
                return Promise.resolve(
                  name === 'leases'
                    ? { _id: 'projector', owner: 'a', epoch: 1, expiresAt: new Date() }
                    : name === 'meta'
                      ? { _id: 'last-generation', generation: 4 }
                      : { _id: 'p', commit: null, prepare: null, failure: null, epoch: 1 },
                );
              case 'countDocuments':
                return Promise.resolve(0);
              default:
                return Promise.resolve({});
            }
          },
      },
    );
  const db = {
    collection,
    listCollections: (...args: unknown[]) => {
      record('db', 'listCollections', args);
      return cursor([{ name: 'g3_calls' }]);
    },
    dropCollection: (...args: unknown[]) => {
      record('db', 'dropCollection', args);
      return Promise.resolve(true);
    },
    createCollection: (...args: unknown[]) => {
      record('db', 'createCollection', args);
      return Promise.resolve({});
    },
  };
  const client = {
    startSession: () => ({
      withTransaction: async (work: (session: unknown) => Promise<void>, options: unknown) => {
        record('session', 'withTransaction', [options]);
        await work({});
      },
      endSession: async () => undefined,
    }),
  };
  return { client, db, calls };
}
