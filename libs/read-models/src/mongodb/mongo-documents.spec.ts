/**
 * Read-model documents and queries in MongoDB's terms, without a server: query translation, the
 * document mapping (including a round trip through the driver's own BSON codec), batches.
 */
import { describe, expect, it } from '@jest/globals';
import { BSON } from 'mongodb';
import {
  fromStoredDocument,
  groupChanges,
  toMongoFilter,
  toMongoFind,
  toStoredDocument,
  toWriteModels,
} from './mongo-documents.js';

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
