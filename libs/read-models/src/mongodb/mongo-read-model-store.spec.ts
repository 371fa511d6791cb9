/**
 * The MongoDB read-model store without a server: naming, query translation, the checkpoint guard
 * and the document mapping (including a round trip through the driver's own BSON codec).
 */
import { describe, expect, it } from '@jest/globals';
import { BSON, MongoServerSelectionError, ServerType, WriteConcern, type TransactionOptions } from 'mongodb';
import { StaleCheckpointError, type ReadModelStore } from '../read-model-store.port.js';
import {
  CHECKPOINTS,
  DEFAULT_OPERATION_TIME_MS,
  claimableBy,
  commitUpdate,
  interruptionUpdate,
  leaseRelease,
  leaseUpdate,
  operationLimits,
  transactionOptions,
  assertAdvances,
  assertCheckpoint,
  assertGeneration,
  checkpointsCollectionName,
  committedCheckpoint,
  databaseNameFromUrl,
  failureUpdate,
  fromStoredDocument,
  groupChanges,
  parsePhysicalCollectionName,
  physicalCollectionName,
  redactUrl,
  serverKind,
  serverKindProblem,
  storedCheckpoint,
  toIndexKeys,
  toMongoFilter,
  toMongoFind,
  toProjectionStatus,
  toStoredDocument,
  toWriteModels,
  uninitiatedMembers,
} from './mongo-mapping.js';
import { MongoReadModelStore } from './mongo-read-model-store.js';

describe('physical collection names', () => {
  it('puts the generation in front of the logical name', () => {
    expect(physicalCollectionName(1, 'bidSummaries')).toBe('g1_bidSummaries');
    expect(physicalCollectionName(12, 'call_summaries')).toBe('g12_call_summaries');
    expect(checkpointsCollectionName(3)).toBe('g3_checkpoints');
  });

  it('refuses names that could carry syntax, and the reserved checkpoints name', () => {
    for (const bad of ['', 'a.b', '$where', 'a b', '1abc', 'system.users', '_x', 'a'.repeat(65)]) {
      expect(() => physicalCollectionName(1, bad)).toThrow(/Invalid collection name/);
    }
    expect(() => physicalCollectionName(1, CHECKPOINTS)).toThrow(/reserved/);
  });

  it('refuses generations that are not non-negative integers', () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      expect(() => assertGeneration(bad)).toThrow(/Invalid generation/);
      expect(() => physicalCollectionName(bad, 'x')).toThrow(/Invalid generation/);
    }
    expect(() => assertGeneration(0)).not.toThrow();
  });

  it('parses names back, telling documents from checkpoints and ignoring anything else', () => {
    expect(parsePhysicalCollectionName('g1_bidSummaries')).toEqual({ generation: 1, kind: 'documents', collection: 'bidSummaries' });
    expect(parsePhysicalCollectionName('g10_a_b')).toEqual({ generation: 10, kind: 'documents', collection: 'a_b' });
    expect(parsePhysicalCollectionName('g2_checkpoints')).toEqual({ generation: 2, kind: 'checkpoints' });
    for (const other of ['meta', 'g_x', 'gx_y', 'g01_x', 'g1_', 'g1__x', 'g1_x.y', 'G1_x', 'g-1_x']) {
      expect(parsePhysicalCollectionName(other)).toBeNull();
    }
  });

  it('round-trips every valid name', () => {
    for (const [generation, collection] of [[0, 'a'], [7, 'bidSummaries'], [123, 'x_1_y']] as const) {
      expect(parsePhysicalCollectionName(physicalCollectionName(generation, collection))).toEqual({ generation, kind: 'documents', collection });
    }
  });
});

describe('query translation', () => {
  it('matches top-level document fields under doc, always through $eq', () => {
    expect(toMongoFilter({ status: 'open', amount: 5, paid: false, closedAt: null })).toEqual({
      'doc.status': { $eq: 'open' },
      'doc.amount': { $eq: 5 },
      'doc.paid': { $eq: false },
      'doc.closedAt': { $eq: null },
    });
    expect(toMongoFilter(undefined)).toEqual({});
    expect(toMongoFilter({})).toEqual({});
  });

  it('binds values that look like operators or paths as plain strings', () => {
    expect(toMongoFilter({ status: '$ne' })).toEqual({ 'doc.status': { $eq: '$ne' } });
  });

  it('refuses field names that are not plain names', () => {
    for (const bad of ['a.b', '$where', '_id', 'doc.x', '']) {
      expect(() => toMongoFilter({ [bad]: 1 })).toThrow(/Invalid field name/);
    }
  });

  it('refuses non-scalar values smuggled past the types', () => {
    const where = { status: { $ne: null } } as unknown as Record<string, string>;
    expect(() => toMongoFilter(where)).toThrow(/Invalid value/);
  });

  it('sorts on doc fields then _id, so ties come back in a stable order', () => {
    const find = toMongoFind({
      where: { callId: 'c1' },
      orderBy: [
        { field: 'score', direction: 'desc' },
        { field: 'submittedAt', direction: 'asc' },
      ],
      offset: 20,
      limit: 10,
    });
    expect(find).toEqual({
      filter: { 'doc.callId': { $eq: 'c1' } },
      sort: [
        ['doc.score', -1],
        ['doc.submittedAt', 1],
        ['_id', 1],
      ],
      skip: 20,
      limit: 10,
    });
  });

  it('orders by _id alone without orderBy, and keeps the first of a repeated field', () => {
    expect(toMongoFind()).toEqual({ filter: {}, sort: [['_id', 1]], skip: undefined, limit: undefined });
    expect(
      toMongoFind({
        orderBy: [
          { field: 'a', direction: 'desc' },
          { field: 'a', direction: 'asc' },
        ],
      })?.sort,
    ).toEqual([
      ['doc.a', -1],
      ['_id', 1],
    ]);
  });

  it('gives LIMIT/OFFSET their SQL meaning: limit 0 is nothing, negatives are no limit / no offset', () => {
    expect(toMongoFind({ limit: 0 })).toBeNull();
    expect(toMongoFind({ limit: -1, offset: -5 })).toMatchObject({ skip: undefined, limit: undefined });
    expect(toMongoFind({ offset: 0 })).toMatchObject({ skip: undefined });
    expect(() => toMongoFind({ limit: 2.5 })).toThrow(/Invalid limit/);
    expect(() => toMongoFind({ offset: Number.NaN })).toThrow(/Invalid offset/);
  });

  it('checks order-by field names and directions', () => {
    expect(() => toMongoFind({ orderBy: [{ field: 'a.b', direction: 'asc' }] })).toThrow(/Invalid field name/);
    expect(() => toMongoFind({ orderBy: [{ field: 'a', direction: 'up' as 'asc' }] })).toThrow(/Invalid direction/);
  });
});

describe('document mapping', () => {
  it('keeps the port document whole under doc, whatever its keys', () => {
    const document = { _id: 'not-the-key', $set: { x: 1 }, 'a.b': 2, status: 'open' };
    const stored = toStoredDocument('bid-1', document);
    expect(stored).toEqual({ _id: 'bid-1', doc: document });
    expect(Object.keys(stored)).toEqual(['_id', 'doc']);
    expect(fromStoredDocument(stored)).toEqual(document);
  });

  it('stores what JSON keeps: undefined dropped, dates as strings, a copy not the caller object', () => {
    const source = { a: 1, b: undefined, at: new Date('2024-01-02T03:04:05.000Z'), list: [1, undefined] };
    const stored = toStoredDocument('x', source);
    expect(stored.doc).toEqual({ a: 1, at: '2024-01-02T03:04:05.000Z', list: [1, null] });
    expect(Object.hasOwn(stored.doc, 'b')).toBe(false);
    expect(stored.doc).not.toBe(source);
  });

  it('refuses values JSON cannot carry and documents that are not objects', () => {
    expect(() => toStoredDocument('x', { n: 1n })).toThrow(TypeError);
    expect(() => toStoredDocument('x', null as unknown as Record<string, unknown>)).toThrow(/JSON object/);
  });

  it('survives the driver BSON codec unchanged: numbers stay numbers, nested $ and dotted keys stay put', () => {
    const document = {
      int: 42,
      big: 2 ** 40,
      fraction: 0.1,
      negative: -7,
      text: 'été',
      flag: true,
      nothing: null,
      list: [1, 'two', { three: 3 }],
      nested: { $weird: 1, 'dot.ted': 2, _id: 'inner' },
    };
    const stored = toStoredDocument('id-1', document);
    const back = BSON.deserialize(BSON.serialize(stored));
    expect(back).toEqual({ _id: 'id-1', doc: document });
    expect(fromStoredDocument(back)).toEqual(document);
    expect(typeof fromStoredDocument(back)?.['big']).toBe('number');
  });

  it('reads a missing document as null and a malformed one as an error', () => {
    expect(fromStoredDocument(null)).toBeNull();
    expect(() => fromStoredDocument({ doc: 'x' })).toThrow(/Malformed/);
  });
});

describe('batches', () => {
  it('groups changes by collection in first-appearance order, keeping each collection in order', () => {
    const batches = groupChanges(2, [
      { collection: 'bids', id: 'b1', document: { v: 1 } },
      { collection: 'calls', id: 'c1', document: { v: 1 } },
      { collection: 'bids', id: 'b1', document: null },
      { collection: 'bids', id: 'b1', document: { v: 3 } },
    ]);
    expect(batches.map((b) => [b.collection, b.physical])).toEqual([
      ['bids', 'g2_bids'],
      ['calls', 'g2_calls'],
    ]);
    expect(batches[0]?.changes).toEqual([
      { id: 'b1', stored: { _id: 'b1', doc: { v: 1 } } },
      { id: 'b1', stored: null },
      { id: 'b1', stored: { _id: 'b1', doc: { v: 3 } } },
    ]);
  });

  it('turns documents into whole-document upserts and null into deletes, by _id', () => {
    const [batch] = groupChanges(1, [
      { collection: 'bids', id: 'b1', document: { status: 'open' } },
      { collection: 'bids', id: 'b2', document: null },
    ]);
    expect(batch && toWriteModels(batch)).toEqual([
      { replaceOne: { filter: { _id: 'b1' }, replacement: { doc: { status: 'open' } }, upsert: true } },
      { deleteOne: { filter: { _id: 'b2' } } },
    ]);
  });

  it('checks every collection name before anything is written', () => {
    expect(() =>
      groupChanges(1, [
        { collection: 'bids', id: 'b1', document: {} },
        { collection: 'bad.name', id: 'x', document: {} },
      ]),
    ).toThrow(/Invalid collection name/);
    expect(groupChanges(1, [])).toEqual([]);
  });
});

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
    expect(() => assertAdvances('p', at('9007199254740993', '0'), at('9007199254740992', '0'))).toThrow(StaleCheckpointError);
  });

  it('names the projection and both positions when refusing', () => {
    expect(() => assertAdvances('bidSummaries', at('7', '7'), at('3', '3'))).toThrow('Projection bidSummaries is at 7/7; refusing a batch ending at 3/3');
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
      toProjectionStatus('p', { _id: 'p', commit: null, prepare: null, failure: { at: at('4', '4'), message: 'boom' } }),
    ).toEqual({ projection: 'p', checkpoint: null, failure: { at: at('4', '4'), message: 'boom' } });
  });
});

describe('indexes', () => {
  it('builds compound keys on doc fields, in the given order', () => {
    const keys = toIndexKeys({ bidSummaries: [['callId', 'status'], ['programmeId']], calls: [] });
    expect([...keys.entries()]).toEqual([['bidSummaries', [{ 'doc.callId': 1, 'doc.status': 1 }, { 'doc.programmeId': 1 }]]]);
    expect(Object.keys(keys.get('bidSummaries')?.[0] ?? {})).toEqual(['doc.callId', 'doc.status']);
    expect(toIndexKeys(undefined).size).toBe(0);
  });

  it('refuses bad collection and field names, empty indexes and repeated fields', () => {
    expect(() => toIndexKeys({ 'a.b': [['x']] })).toThrow(/Invalid collection name/);
    expect(() => toIndexKeys({ checkpoints: [['x']] })).toThrow(/reserved/);
    expect(() => toIndexKeys({ a: [['$x']] })).toThrow(/Invalid field name/);
    expect(() => toIndexKeys({ a: [[]] })).toThrow(/Empty index/);
    expect(() => toIndexKeys({ a: [['x', 'x']] })).toThrow(/twice/);
  });
});

describe('connection strings', () => {
  it('finds the database named in the URL, if any', () => {
    expect(databaseNameFromUrl('mongodb://localhost:27017/ledger?replicaSet=rs0')).toBe('ledger');
    expect(databaseNameFromUrl('mongodb://u:p@h1:27017,h2:27017/ledger')).toBe('ledger');
    expect(databaseNameFromUrl('mongodb+srv://cluster.example.net/my%20db')).toBe('my db');
    expect(databaseNameFromUrl('mongodb://localhost:27017/?directConnection=true')).toBeNull();
    expect(databaseNameFromUrl('mongodb://localhost:27017')).toBeNull();
    expect(databaseNameFromUrl('mongodb://localhost/')).toBeNull();
  });

  it('redacts the password, keeping user, hosts, database and options', () => {
    expect(redactUrl('mongodb://ledger:s3cret@db1:27017,db2:27017/ledger?replicaSet=rs0')).toBe(
      'mongodb://ledger:***@db1:27017,db2:27017/ledger?replicaSet=rs0',
    );
    expect(redactUrl('mongodb+srv://ledger:p%40ss@cluster.example.net/')).toBe('mongodb+srv://ledger:***@cluster.example.net/');
    expect(redactUrl('mongodb://localhost:27017/?directConnection=true')).toBe('mongodb://localhost:27017/?directConnection=true');
    expect(redactUrl('mongodb://onlyuser@localhost/')).toBe('mongodb://onlyuser@localhost/');
  });

  it('hides a password even when it carries unescaped @ or /', () => {
    const redacted = redactUrl('mongodb://u:pa@ss/wo@rd@localhost:27017/db');
    expect(redacted).toBe('mongodb://u:***@localhost:27017/db');
    expect(redacted).not.toMatch(/pa|wo|rd@/);
  });

  it('redacts secret-looking query parameters', () => {
    expect(redactUrl('mongodb://h/?tlsCertificateKeyFilePassword=abc&authMechanismProperties=AWS_SESSION_TOKEN:xyz&appName=ledger')).toBe(
      'mongodb://h/?tlsCertificateKeyFilePassword=***&authMechanismProperties=***&appName=ledger',
    );
  });
});

describe('server kind', () => {
  // `hello` replies as servers send them (fields the classification does not read left out).
  const primary = { isWritablePrimary: true, secondary: false, setName: 'rs0', hosts: ['mongodb:27017'], ok: 1 };
  const secondary = { isWritablePrimary: false, secondary: true, setName: 'rs0', ok: 1 };
  const mongos = { isWritablePrimary: true, msg: 'isdbgrid', ok: 1 };
  const standalone = { isWritablePrimary: true, maxWireVersion: 25, ok: 1 };
  // mongod --replSet rs0 before rs.initiate(): no setName, and isreplicaset.
  const uninitiated = { isWritablePrimary: false, secondary: false, info: 'Does not have a valid replica set config', isreplicaset: true, ok: 1 };

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
    expect(uninitiatedMembers(selectionFailure({ 'db1:27017': ServerType.RSGhost, 'db2:27017': ServerType.Unknown }))).toEqual(['db1:27017']);
    expect(uninitiatedMembers(selectionFailure({ 'db1:27017': ServerType.Unknown }))).toEqual([]);
    expect(uninitiatedMembers(new Error('connect ECONNREFUSED'))).toEqual([]);
    expect(uninitiatedMembers(undefined)).toEqual([]);
  });
});

describe('connection failures', () => {
  it('name the URL with the password redacted (nothing listens on port 1)', async () => {
    const url = 'mongodb://ledger:hunter22secret@127.0.0.1:1/ledger?serverSelectionTimeoutMS=300&connectTimeoutMS=300';
    const failure = MongoReadModelStore.connect(url);
    await expect(failure).rejects.toThrow('Cannot connect to MongoDB at mongodb://ledger:***@127.0.0.1:1/ledger?serverSelectionTimeoutMS=300');
    await expect(failure).rejects.not.toThrow(/hunter22secret/);
  }, 10_000);

  it('name the URL with the password redacted when the driver cannot even parse it', async () => {
    const failure = MongoReadModelStore.connect('mongodb://ledger:s3cr/et@localhost/');
    await expect(failure).rejects.toThrow(/^Cannot connect to MongoDB at mongodb:\/\/ledger:\*\*\*@localhost\/: MongoParseError/);
    await expect(failure).rejects.not.toThrow(/s3cr/);
  });

  it('refuse bad index configuration before connecting', async () => {
    await expect(MongoReadModelStore.connect('mongodb://127.0.0.1:1/', { indexes: { 'a.b': [['x']] } })).rejects.toThrow(/Invalid collection name/);
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
    expect(pipeline[1]).toMatchObject({ $set: { epoch: { $cond: ['$_renew', { $ifNull: ['$epoch', 0] }, { $cond: ['$_lapsed', { $add: [{ $ifNull: ['$epoch', 0] }, 1] }, '$epoch'] }] } } });
    expect(pipeline.at(-1)).toEqual({ $unset: ['_renew', '_lapsed'] });
    expect(() => leaseUpdate('a', 0)).toThrow('Invalid lease term');
    expect(() => leaseUpdate('a', 1.5)).toThrow('Invalid lease term');
    expect(leaseRelease()).toEqual([{ $set: { expiresAt: { $min: ['$expiresAt', '$$NOW'] } } }]);
  });

  it('stamps a commit under a lease with its term, and lets only the same or a later term write a claimed record', () => {
    const at = { commit: '9', prepare: '9' };
    expect(commitUpdate(at, { lease: 'projector', epoch: 4 })).toEqual({ $set: { commit: '9', prepare: '9', failure: null, epoch: 4 }, $unset: { interruption: '' } });
    expect(commitUpdate(at, null)).toEqual({ $set: { commit: '9', prepare: '9', failure: null }, $unset: { interruption: '' } });
    expect(claimableBy('p', { lease: 'projector', epoch: 4 })).toEqual({ _id: 'p', $or: [{ epoch: { $exists: false } }, { epoch: { $lte: 4 } }] });
    expect(claimableBy('p', null)).toEqual({ _id: 'p' });
  });

  it('records an interruption beside the position, and reads it back only when whole', () => {
    const interruption = { since: '2026-11-25T10:00:00.000Z', attempts: 2, lastError: 'EventStoreUnavailableError: reset', nextAttemptAt: '2026-11-25T10:00:00.300Z' };
    expect(interruptionUpdate(interruption)).toEqual({ $set: { interruption }, $setOnInsert: { commit: null, prepare: null, failure: null } });
    expect(interruptionUpdate(null)).toEqual({ $unset: { interruption: '' } });
    expect(toProjectionStatus('p', { _id: 'p', commit: '3', prepare: '3', failure: null, interruption })).toEqual({ projection: 'p', checkpoint: { commit: '3', prepare: '3' }, failure: null, interruption });
    expect(toProjectionStatus('p', { _id: 'p', commit: '3', prepare: '3', failure: null, interruption: { ...interruption, attempts: 'two' as unknown as number } })).toEqual({ projection: 'p', checkpoint: { commit: '3', prepare: '3' }, failure: null });
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
    await space.find('calls', { where: { status: 'open' }, limit: 5 });
    await space.count('calls', { status: 'open' });
    await space.all('calls');
    await space.collections();
    await space.claim('p', fence);
    await space.commit('p', [{ collection: 'calls', id: 'c1', document: { status: 'open' } }], { from: null, to: { commit: '1', prepare: '1' } }, fence);
    await space.status('p');
    await space.statuses();
    await space.recordFailure('p', { commit: '2', prepare: '2' }, 'boom', fence);
    await space.recordInterruption('p', null, fence);

    const operations = calls.filter((c) => c.method !== 'withTransaction');
    expect(new Set(operations.map((c) => c.method))).toEqual(
      new Set(['findOne', 'updateOne', 'listCollections', 'dropCollection', 'findOneAndUpdate', 'find', 'countDocuments', 'createIndex', 'createCollection', 'bulkWrite']),
    );
    const unlimited = operations.filter((c) => c.method !== 'createIndex' && (c.options as { maxTimeMS?: number } | undefined)?.maxTimeMS !== 2_500);
    expect(unlimited).toEqual([]);
    const transactions = calls.filter((c) => c.method === 'withTransaction').map((c) => c.options as TransactionOptions);
    expect(transactions).toHaveLength(1);
    expect(transactions[0]).toMatchObject({ maxCommitTimeMS: 2_500, writeConcern: { w: 'majority', wtimeoutMS: 2_500 } });
  });
});

/** A MongoClient and Db that answer plausibly and record every operation with its options. */
function recordingDriver() {
  const calls: Array<{ target: string; method: string; options: unknown }> = [];
  const record = (target: string, method: string, args: unknown[]) => calls.push({ target, method, options: args.at(-1) });
  const cursor = (rows: unknown[]) => ({ toArray: async () => rows });
  const collection = (name: string) =>
    new Proxy(
      {},
      {
        get: (_target, method: string) =>
          (...args: unknown[]) => {
            record(name, method, args);
            switch (method) {
              case 'find':
                return cursor([]);
              case 'findOne':
                return Promise.resolve(name === 'leases' ? { _id: 'projector', owner: 'a', epoch: 1 } : null);
              case 'findOneAndUpdate':
                return Promise.resolve(name === 'leases' ? { _id: 'projector', owner: 'a', epoch: 1, expiresAt: new Date() } : { _id: 'p', commit: null, prepare: null, failure: null, epoch: 1 });
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
