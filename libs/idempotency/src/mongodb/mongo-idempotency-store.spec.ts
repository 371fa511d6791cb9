/** The MongoDB idempotency store without a server: its document ids, database name and records read back. */
import { describe, expect, it } from '@jest/globals';
import { BSON } from 'mongodb';
import { databaseNameFromUrl, documentId, outcomeOf, type IdempotencyDocument } from './mongo-idempotency-store.js';

describe('the MongoDB idempotency store, without a server', () => {
  it('gives every (principal, key) a document id of its own, however the two are split', () => {
    expect(documentId({ principal: 'dev:a', key: 'b' })).not.toBe(documentId({ principal: 'dev', key: 'a:b' }));
    expect(documentId({ principal: 'p', key: '["x"]' })).toBe('["p","[\\"x\\"]"]');
  });

  it("uses the URL's database, else the read-model store's default", () => {
    expect(databaseNameFromUrl('mongodb://localhost:27017/cohesion_ledger?directConnection=true')).toBe('cohesion_ledger');
    expect(databaseNameFromUrl('mongodb+srv://u:p@cluster.example.org/ledger')).toBe('ledger');
    expect(databaseNameFromUrl('mongodb://localhost:27017/?directConnection=true')).toBeNull();
    expect(databaseNameFromUrl('mongodb://localhost:27017')).toBeNull();
  });

  it('reads back a completed response as it was kept, through the BSON codec', () => {
    const response = { status: 201, headers: { etag: '"0"' }, body: { bidId: 'b1', $where: 'kept as text, never an operator', 'a.b': 1 } };
    const expiresAt = new Date('2031-03-04T09:00:00.000Z');
    const stored: IdempotencyDocument = { _id: documentId({ principal: 'p', key: 'k' }), principal: 'p', key: 'k', fingerprint: 'fp', state: 'completed', response: JSON.stringify(response), expiresAt };
    const roundTrip = BSON.deserialize(BSON.serialize(stored)) as IdempotencyDocument;
    expect(outcomeOf(roundTrip)).toEqual({ status: 'completed', fingerprint: 'fp', response, expiresAt });
    expect(outcomeOf({ ...stored, state: 'pending', owner: 'o', response: undefined })).toEqual({ status: 'pending', fingerprint: 'fp', leaseUntil: expiresAt });
  });
});
