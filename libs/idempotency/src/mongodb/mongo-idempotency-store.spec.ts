/**
 * The MongoDB idempotency store without a server: its document ids, database name and records read
 * back, and what it sends, to a stand-in that speaks the wire protocol.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { BSON, type Document } from 'mongodb';
import { startScriptedMongoDb, type ScriptedMongoDb } from '../../test-support/scripted-mongodb.js';
import { mongoDatabaseName } from '@app/read-models';
import {
  MongoIdempotencyStore,
  OPERATION_TIMEOUT_MS,
  documentId,
  outcomeOf,
  type IdempotencyDocument,
} from './mongo-idempotency-store.js';

describe('the MongoDB idempotency store, without a server', () => {
  it('gives every (principal, key) a document id of its own, however the two are split', () => {
    expect(documentId({ principal: 'dev:a', key: 'b' })).not.toBe(documentId({ principal: 'dev', key: 'a:b' }));
    expect(documentId({ principal: 'p', key: '["x"]' })).toBe('["p","[\\"x\\"]"]');
  });

  it("uses the URL's database, else the read-model store's default", () => {
    expect(mongoDatabaseName('mongodb://localhost:27017/cohesion_ledger?directConnection=true')).toBe(
      'cohesion_ledger',
    );
    expect(mongoDatabaseName('mongodb+srv://u:p@cluster.example.org/ledger')).toBe('ledger');
    expect(mongoDatabaseName('mongodb://localhost:27017/?directConnection=true')).toBe('cohesion_ledger');
    expect(mongoDatabaseName('mongodb://localhost:27017')).toBe('cohesion_ledger');
    expect(mongoDatabaseName('mongodb://localhost:27017/ledger', 'configured')).toBe('configured');
  });

  it('reads back a completed response as it was kept, through the BSON codec', () => {
    const response = {
      status: 201,
      headers: { etag: '"0"' },
      body: { bidId: 'b1', $where: 'kept as text, never an operator', 'a.b': 1 },
    };
    const expiresAt = new Date('2031-03-04T09:00:00.000Z');
    const stored: IdempotencyDocument = {
      _id: documentId({ principal: 'p', key: 'k' }),
      principal: 'p',
      key: 'k',
      fingerprint: 'fp',
      state: 'completed',
      response: JSON.stringify(response),
      expiresAt,
    };
    const roundTrip = BSON.deserialize(BSON.serialize(stored)) as IdempotencyDocument;
    expect(outcomeOf(roundTrip)).toEqual({ status: 'completed', fingerprint: 'fp', response, expiresAt });
    expect(outcomeOf({ ...stored, state: 'pending', owner: 'o', response: undefined })).toEqual({
      status: 'pending',
      fingerprint: 'fp',
      leaseUntil: expiresAt,
    });
    expect(outcomeOf({ ...stored, state: 'unsettled', response: undefined })).toEqual({
      status: 'unsettled',
      fingerprint: 'fp',
      expiresAt,
    });
  });
});

describe('the MongoDB idempotency store, on the wire', () => {
  const id = { principal: 'dev:applicant-portal', key: '$where' };
  const running: IdempotencyDocument = {
    _id: documentId(id),
    ...id,
    fingerprint: 'fp-0',
    state: 'pending',
    owner: 'another-process',
    expiresAt: new Date('2031-03-03T09:00:30.000Z'),
  };
  let server: ScriptedMongoDb | null = null;
  let store: MongoIdempotencyStore | null = null;
  afterEach(async () => {
    await store?.close();
    await server?.close();
    store = server = null;
  });

  const answers = (command: Document): Document | null => {
    if ('findAndModify' in command) return { ok: 1, value: running, lastErrorObject: { n: 1, updatedExisting: true } };
    if ('update' in command || 'delete' in command) return { ok: 1, n: 1, nModified: 1 };
    return { ok: 1 };
  };

  it("limits every operation on the server's side, and sends no instant of its own: every lease and retention is counted from the server's clock", async () => {
    server = await startScriptedMongoDb(answers);
    store = await MongoIdempotencyStore.connect(server.url, { database: 'ledger' });
    expect(await store.claim({ ...id, fingerprint: 'fp-1', owner: 'me', leaseMs: 30_000 })).toEqual({
      status: 'pending',
      fingerprint: 'fp-0',
      leaseUntil: running.expiresAt,
    });
    expect(await store.renew(id, 'me', 30_000)).toBe(true);
    expect(await store.complete(id, 'me', { status: 201, headers: {}, body: { bidId: '$$NOW' } }, 3_600_000)).toBe(
      true,
    );
    expect(await store.keepUnsettled(id, 'me', 3_600_000)).toBe(true);
    await store.release(id, 'me');

    const operations = server.commands.filter((command) => OPERATIONS.some((name) => name in command));
    expect(operations.map((command) => OPERATIONS.find((name) => name in command))).toEqual([
      'createIndexes',
      'findAndModify',
      'update',
      'update',
      'update',
      'delete',
    ]);
    for (const command of operations) expect(command['maxTimeMS']).toBe(OPERATION_TIMEOUT_MS);
    for (const command of operations.slice(1))
      expect(command['writeConcern']).toMatchObject({ w: 'majority', wtimeout: OPERATION_TIMEOUT_MS });
    expect(operations.flatMap(instantsIn)).toEqual([]);
    const [claim, renew, complete, keep] = operations.slice(1);
    for (const timed of [claim, renew, complete, keep]) expect(JSON.stringify(timed)).toContain('"$$NOW"');
    // What the client chose goes in as literals, never as a field path or an operator.
    expect(JSON.stringify(claim)).toContain('"key":{"$literal":"$where"}');
    expect(JSON.stringify(complete)).toContain(
      '"response":{"$literal":"{\\"status\\":201,\\"headers\\":{},\\"body\\":{\\"bidId\\":\\"$$NOW\\"}}"}',
    );
  });

  it('gives up on a server that does not answer, instead of waiting for ever', async () => {
    server = await startScriptedMongoDb((command) => ('findAndModify' in command ? null : answers(command)));
    store = await MongoIdempotencyStore.connect(server.url, { database: 'ledger', operationTimeoutMs: 200 });
    const claim = store.claim({ ...id, fingerprint: 'fp-1', owner: 'me', leaseMs: 30_000 }).then(
      () => 'answered',
      (error: unknown) => (error instanceof Error ? error.name : String(error)),
    );
    expect(
      await Promise.race([claim, sleep(5_000, undefined, { ref: false }).then(() => 'still waiting after 5 s')]),
    ).toBe('MongoNetworkTimeoutError');
  });
});

const OPERATIONS = ['createIndexes', 'findAndModify', 'update', 'delete'] as const;

/** Every date in a command: an instant the client would have chosen. */
function instantsIn(value: unknown): Date[] {
  if (value instanceof Date) return [value];
  if (Array.isArray(value)) return value.flatMap(instantsIn);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(instantsIn);
  return [];
}
