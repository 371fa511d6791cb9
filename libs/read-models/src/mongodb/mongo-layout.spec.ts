/**
 * Where the MongoDB read-model store keeps what, without a server: physical collection names per
 * generation, and the index keys asked for.
 */
import { describe, expect, it } from '@jest/globals';
import {
  CHECKPOINTS,
  assertGeneration,
  checkpointsCollectionName,
  parsePhysicalCollectionName,
  physicalCollectionName,
  toIndexKeys,
} from './mongo-layout.js';

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
    expect(parsePhysicalCollectionName('g1_bidSummaries')).toEqual({
      generation: 1,
      kind: 'documents',
      collection: 'bidSummaries',
    });
    expect(parsePhysicalCollectionName('g10_a_b')).toEqual({ generation: 10, kind: 'documents', collection: 'a_b' });
    expect(parsePhysicalCollectionName('g2_checkpoints')).toEqual({ generation: 2, kind: 'checkpoints' });
    for (const other of ['meta', 'g_x', 'gx_y', 'g01_x', 'g1_', 'g1__x', 'g1_x.y', 'G1_x', 'g-1_x']) {
      expect(parsePhysicalCollectionName(other)).toBeNull();
    }
  });

  it('round-trips every valid name', () => {
    for (const [generation, collection] of [
      [0, 'a'],
      [7, 'bidSummaries'],
      [123, 'x_1_y'],
    ] as const) {
      expect(parsePhysicalCollectionName(physicalCollectionName(generation, collection))).toEqual({
        generation,
        kind: 'documents',
        collection,
      });
    }
  });
});

describe('indexes', () => {
  it('builds compound keys on doc fields, in the given order', () => {
    const keys = toIndexKeys({ bidSummaries: [['callId', 'status'], ['programmeId']], calls: [] });
    expect([...keys.entries()]).toEqual([
      ['bidSummaries', [{ 'doc.callId': 1, 'doc.status': 1 }, { 'doc.programmeId': 1 }]],
    ]);
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
