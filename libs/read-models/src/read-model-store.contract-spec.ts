import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { READ_MODEL_STORES } from '../test-support/read-model-stores.js';
import { StaleCheckpointError, type ReadModelStore } from './read-model-store.port.js';

for (const adapter of READ_MODEL_STORES) {
  if (adapter.skipped) console.warn(`Read-model store contract suite for ${adapter.name} SKIPPED: ${adapter.skipped}`);
  const suite = adapter.skipped ? describe.skip : describe;

  suite(`read-model store contract: ${adapter.name}${adapter.skipped ? ` (skipped: ${adapter.skipped})` : ''}`, () => {
    let store: ReadModelStore;
    let tearDown: () => Promise<void>;
    const cp = (n: number) => ({ commit: String(n), prepare: String(n) });

    beforeEach(async () => {
      ({ store, tearDown } = await adapter.setUp());
    });
    afterEach(async () => tearDown());

    it('commits documents with the checkpoint, and reads them back', async () => {
      const space = store.space(await store.activeGeneration());
      await space.commit('calls-projection', [
        { collection: 'calls', id: 'c1', document: { callId: 'c1', status: 'open', budgetCents: 250_000_000 } },
        { collection: 'calls', id: 'c2', document: { callId: 'c2', status: 'closed', budgetCents: 100 } },
      ], cp(7));
      expect(await space.get('calls', 'c1')).toEqual({ callId: 'c1', status: 'open', budgetCents: 250_000_000 });
      expect(await space.get('calls', 'nope')).toBeNull();
      expect(await space.status('calls-projection')).toEqual({ projection: 'calls-projection', checkpoint: cp(7), failure: null });
      await space.commit('calls-projection', [{ collection: 'calls', id: 'c2', document: null }], cp(8));
      expect(await space.get('calls', 'c2')).toBeNull();
    });

    it('refuses a batch at or before the stored checkpoint, writing nothing of it', async () => {
      const space = store.space(1);
      await space.commit('p', [{ collection: 'docs', id: 'a', document: { v: 1 } }], cp(10));
      await expect(space.commit('p', [{ collection: 'docs', id: 'a', document: { v: 2 } }], cp(10))).rejects.toBeInstanceOf(StaleCheckpointError);
      await expect(space.commit('p', [{ collection: 'docs', id: 'b', document: { v: 2 } }], cp(9))).rejects.toBeInstanceOf(StaleCheckpointError);
      expect(await space.get('docs', 'a')).toEqual({ v: 1 });
      expect(await space.get('docs', 'b')).toBeNull();
      expect((await space.status('p')).checkpoint).toEqual(cp(10));
    });

    it('finds by equality, sorts, pages and counts', async () => {
      const space = store.space(1);
      const bids = [
        { bidId: 'b1', callId: 'c1', status: 'admissible', score: 70 },
        { bidId: 'b2', callId: 'c1', status: 'admissible', score: 90 },
        { bidId: 'b3', callId: 'c1', status: 'withdrawn', score: null },
        { bidId: 'b4', callId: 'c2', status: 'admissible', score: 95 },
        { bidId: 'b5', callId: 'c1', status: 'admissible', score: 80 },
      ];
      await space.commit('bids', bids.map((b) => ({ collection: 'bids', id: b.bidId, document: b })), cp(1));
      const page = await space.find('bids', { where: { callId: 'c1', status: 'admissible' }, orderBy: [{ field: 'score', direction: 'desc' }], limit: 2 });
      expect(page.map((b) => b['bidId'])).toEqual(['b2', 'b5']);
      const next = await space.find('bids', { where: { callId: 'c1', status: 'admissible' }, orderBy: [{ field: 'score', direction: 'desc' }], offset: 2, limit: 2 });
      expect(next.map((b) => b['bidId'])).toEqual(['b1']);
      expect(await space.count('bids', { callId: 'c1' })).toBe(4);
      expect(await space.count('bids', { score: null })).toBe(1);
      expect((await space.all('bids')).map((d) => d.id)).toEqual(['b1', 'b2', 'b3', 'b4', 'b5']);
      expect(await space.collections()).toEqual(['bids']);
    });

    it('treats query values as values, never as syntax', async () => {
      const space = store.space(1);
      await space.commit('p', [{ collection: 'calls', id: 'c1', document: { status: 'open' } }], cp(1));
      for (const value of ["open' OR '1'='1", '{"$ne": null}', '$ne', 'open"; DROP TABLE documents; --']) {
        expect(await space.find('calls', { where: { status: value } })).toEqual([]);
      }
      await expect(space.find('calls', { where: { "status') OR 1=1 --": 'x' } })).rejects.toThrow('Invalid field name');
      await expect(space.find('calls', { orderBy: [{ field: '$where', direction: 'asc' }] })).rejects.toThrow('Invalid field name');
      expect(await space.count('calls')).toBe(1);
    });

    it('records a failure without moving the checkpoint, and clears it on the next commit', async () => {
      const space = store.space(1);
      await space.commit('p', [], cp(4));
      await space.recordFailure('p', cp(5), 'cannot decode event 5');
      expect(await space.status('p')).toEqual({ projection: 'p', checkpoint: cp(4), failure: { at: cp(5), message: 'cannot decode event 5' } });
      await space.commit('p', [], cp(6));
      expect((await space.status('p')).failure).toBeNull();
      expect((await space.statuses()).map((s) => s.projection)).toEqual(['p']);
    });

    it('keeps generations apart, switches the active one, and drops old ones', async () => {
      expect(await store.activeGeneration()).toBe(1);
      await store.space(1).commit('p', [{ collection: 'calls', id: 'c1', document: { v: 'old' } }], cp(3));
      await store.space(2).commit('p', [{ collection: 'calls', id: 'c1', document: { v: 'new' } }], cp(3));
      expect(await store.space(1).get('calls', 'c1')).toEqual({ v: 'old' });
      await store.activate(2);
      expect(await store.activeGeneration()).toBe(2);
      await expect(store.drop(2)).rejects.toThrow('active');
      await store.drop(1);
      expect(await store.space(1).get('calls', 'c1')).toBeNull();
      expect(await store.space(2).get('calls', 'c1')).toEqual({ v: 'new' });
      expect(await store.generations()).toEqual([2]);
    });

    it('grants a lease to one owner at a time, renews it for its holder, and hands it over once it lapses or is released', async () => {
      const t0 = new Date('2026-11-25T10:00:00.000Z');
      const at = (ms: number) => new Date(t0.getTime() + ms);
      expect(await store.acquireLease('projector', 'a', 1_000, t0)).toBe(true);
      expect(await store.acquireLease('projector', 'b', 1_000, at(500))).toBe(false);
      expect(await store.acquireLease('projector', 'a', 1_000, at(900))).toBe(true); // renewed to 1,900
      expect(await store.acquireLease('projector', 'b', 1_000, at(1_500))).toBe(false);
      expect(await store.acquireLease('other-lease', 'b', 1_000, at(1_500))).toBe(true);
      expect(await store.acquireLease('projector', 'b', 1_000, at(1_900))).toBe(true); // lapsed
      expect(await store.acquireLease('projector', 'a', 1_000, at(2_000))).toBe(false);
      await store.releaseLease('projector', 'a'); // not a's any more: nothing happens
      expect(await store.acquireLease('projector', 'a', 1_000, at(2_100))).toBe(false);
      await store.releaseLease('projector', 'b');
      expect(await store.acquireLease('projector', 'a', 1_000, at(2_100))).toBe(true);
    });

    it('lets exactly one of many owners racing for a free lease take it', async () => {
      const now = new Date('2026-11-25T10:00:00.000Z');
      const taken = await Promise.all(Array.from({ length: 10 }, (_, i) => store.acquireLease('race', `owner-${i}`, 5_000, now)));
      expect(taken.filter(Boolean)).toHaveLength(1);
    });
  });
}
