import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { READ_MODEL_STORES } from '../test-support/read-model-stores.js';
import { liveSpace, projectionLayout } from './live-generations.js';
import type { Projection } from './projections/projection.js';
import {
  FencedOutError,
  StaleCheckpointError,
  type Fence,
  type Lease,
  type ReadModelStore,
} from './read-model-store.port.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A term of a lease the test expects to be granted. */
function granted(lease: Lease | null): Lease {
  if (lease === null) throw new Error('the lease was not granted');
  return lease;
}

const fenceOf = (lease: Lease): Fence => ({ lease: lease.name, epoch: lease.epoch });

/** Runs `work` with this process's clock (Date, not timers) set `offsetMs` away from the real one, as on a machine whose clock is off. */
async function withClockOff<T>(offsetMs: number, work: () => Promise<T>): Promise<T> {
  jest.useFakeTimers({
    now: Date.now() + offsetMs,
    advanceTimers: true,
    doNotFake: [
      'nextTick',
      'setImmediate',
      'clearImmediate',
      'setTimeout',
      'clearTimeout',
      'setInterval',
      'clearInterval',
      'queueMicrotask',
      'hrtime',
      'performance',
    ],
  });
  try {
    return await work();
  } finally {
    jest.useRealTimers();
  }
}

for (const adapter of READ_MODEL_STORES) {
  if (adapter.skipped) console.warn(`Read-model store contract suite for ${adapter.name} SKIPPED: ${adapter.skipped}`);
  const suite = adapter.skipped ? describe.skip : describe;

  suite(`read-model store contract: ${adapter.name}${adapter.skipped ? ` (skipped: ${adapter.skipped})` : ''}`, () => {
    let store: ReadModelStore;
    let another: () => Promise<ReadModelStore>;
    let tearDown: () => Promise<void>;
    const cp = (n: number) => ({ commit: String(n), prepare: String(n) });
    /** A batch from checkpoint `from` (null: the start) to `to`. */
    const move = (from: number | null, to: number) => ({ from: from === null ? null : cp(from), to: cp(to) });

    beforeEach(async () => {
      ({ store, another, tearDown } = await adapter.setUp());
    });
    afterEach(async () => tearDown());

    it('commits documents with the checkpoint, and reads them back', async () => {
      const space = store.space(await store.activeGeneration());
      await space.commit(
        'calls-projection',
        [
          { collection: 'calls', id: 'c1', document: { callId: 'c1', status: 'open', budgetCents: 250_000_000 } },
          { collection: 'calls', id: 'c2', document: { callId: 'c2', status: 'closed', budgetCents: 100 } },
        ],
        move(null, 7),
      );
      expect(await space.get('calls', 'c1')).toEqual({ callId: 'c1', status: 'open', budgetCents: 250_000_000 });
      expect(await space.get('calls', 'nope')).toBeNull();
      expect(await space.status('calls-projection')).toEqual({
        projection: 'calls-projection',
        checkpoint: cp(7),
        failure: null,
      });
      await space.commit('calls-projection', [{ collection: 'calls', id: 'c2', document: null }], move(7, 8));
      expect(await space.get('calls', 'c2')).toBeNull();
    });

    it('reads several documents of a collection at once, those that exist', async () => {
      const space = store.space(1);
      await space.commit(
        'p',
        [
          { collection: 'calls', id: 'c1', document: { v: 1 } },
          { collection: 'calls', id: 'c2', document: { v: 2 } },
          { collection: 'bids', id: 'c3', document: { v: 3 } },
        ],
        move(null, 1),
      );
      await store.space(2).commit('p', [{ collection: 'calls', id: 'c4', document: { v: 4 } }], move(null, 1));
      const found = await space.getMany('calls', ['c2', 'nope', 'c1', 'c3', 'c4', "c1' OR '1'='1"]);
      expect([...found].sort(([a], [b]) => a.localeCompare(b))).toEqual([
        ['c1', { v: 1 }],
        ['c2', { v: 2 }],
      ]);
      expect((await space.getMany('calls', [])).size).toBe(0);
    });

    it('commits of several projections at once: each with its checkpoint, a refused one writing nothing and failing alone', async () => {
      const space = store.space(1);
      await space.commit('b', [], move(null, 5));
      const outcomes = await Promise.allSettled([
        space.commit('a', [{ collection: 'calls', id: 'a1', document: { by: 'a' } }], move(null, 6)),
        // Stale: b is at 5.
        space.commit('b', [{ collection: 'bids', id: 'b1', document: { by: 'b' } }], move(null, 6)),
        space.commit('c', [{ collection: 'grants', id: 'c1', document: { by: 'c' } }], move(null, 6)),
        store.space(2).commit('a', [{ collection: 'calls', id: 'a1', document: { by: 'a2' } }], move(null, 6)),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(StaleCheckpointError);
      expect(await space.get('calls', 'a1')).toEqual({ by: 'a' });
      expect(await space.get('bids', 'b1')).toBeNull();
      expect(await space.get('grants', 'c1')).toEqual({ by: 'c' });
      expect(await store.space(2).get('calls', 'a1')).toEqual({ by: 'a2' });
      expect((await space.statuses()).map((s) => [s.projection, s.checkpoint])).toEqual([
        ['a', cp(6)],
        ['b', cp(5)],
        ['c', cp(6)],
      ]);
    });

    it('refuses a batch at or before the stored checkpoint, writing nothing of it', async () => {
      const space = store.space(1);
      await space.commit('p', [{ collection: 'docs', id: 'a', document: { v: 1 } }], move(null, 10));
      // The same batch again (a redelivery), and one ending before the stored checkpoint.
      await expect(
        space.commit('p', [{ collection: 'docs', id: 'a', document: { v: 2 } }], move(null, 10)),
      ).rejects.toBeInstanceOf(StaleCheckpointError);
      await expect(
        space.commit('p', [{ collection: 'docs', id: 'b', document: { v: 2 } }], move(8, 9)),
      ).rejects.toBeInstanceOf(StaleCheckpointError);
      await expect(
        space.commit('p', [{ collection: 'docs', id: 'b', document: { v: 2 } }], move(10, 10)),
      ).rejects.toBeInstanceOf(StaleCheckpointError);
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
      await space.commit(
        'bids',
        bids.map((b) => ({ collection: 'bids', id: b.bidId, document: b })),
        move(null, 1),
      );
      const page = await space.find('bids', {
        where: { callId: 'c1', status: 'admissible' },
        orderBy: [{ field: 'score', direction: 'desc' }],
        limit: 2,
      });
      expect(page.map((b) => b['bidId'])).toEqual(['b2', 'b5']);
      const next = await space.find('bids', {
        where: { callId: 'c1', status: 'admissible' },
        orderBy: [{ field: 'score', direction: 'desc' }],
        offset: 2,
        limit: 2,
      });
      expect(next.map((b) => b['bidId'])).toEqual(['b1']);
      expect(await space.count('bids', { callId: 'c1' })).toBe(4);
      expect(await space.count('bids', { score: null })).toBe(1);
      expect((await space.all('bids')).map((d) => d.id)).toEqual(['b1', 'b2', 'b3', 'b4', 'b5']);
      expect(await space.collections()).toEqual(['bids']);
    });

    it('treats query values as values, never as syntax', async () => {
      const space = store.space(1);
      await space.commit('p', [{ collection: 'calls', id: 'c1', document: { status: 'open' } }], move(null, 1));
      for (const value of ["open' OR '1'='1", '{"$ne": null}', '$ne', 'open"; DROP TABLE documents; --']) {
        expect(await space.find('calls', { where: { status: value } })).toEqual([]);
      }
      await expect(space.find('calls', { where: { "status') OR 1=1 --": 'x' } })).rejects.toThrow('Invalid field name');
      await expect(space.find('calls', { orderBy: [{ field: '$where', direction: 'asc' }] })).rejects.toThrow(
        'Invalid field name',
      );
      expect(await space.count('calls')).toBe(1);
    });

    it('records a failure without moving the checkpoint, and clears it on the next commit', async () => {
      const space = store.space(1);
      await space.commit('p', [], move(null, 4));
      await space.recordFailure('p', cp(5), 'cannot decode event 5');
      expect(await space.status('p')).toEqual({
        projection: 'p',
        checkpoint: cp(4),
        failure: { at: cp(5), message: 'cannot decode event 5' },
      });
      await space.commit('p', [], move(4, 6));
      expect((await space.status('p')).failure).toBeNull();
      expect((await space.statuses()).map((s) => s.projection)).toEqual(['p']);
    });

    it('keeps generations apart, switches the active one, and drops old ones', async () => {
      expect(await store.activeGeneration()).toBe(1);
      await store.space(1).commit('p', [{ collection: 'calls', id: 'c1', document: { v: 'old' } }], move(null, 3));
      await store.space(2).commit('p', [{ collection: 'calls', id: 'c1', document: { v: 'new' } }], move(null, 3));
      expect(await store.space(1).get('calls', 'c1')).toEqual({ v: 'old' });
      await store.activate(2);
      expect(await store.activeGeneration()).toBe(2);
      await expect(store.drop(2)).rejects.toThrow('active');
      await store.drop(1);
      expect(await store.space(1).get('calls', 'c1')).toBeNull();
      expect(await store.space(2).get('calls', 'c1')).toEqual({ v: 'new' });
      expect(await store.generations()).toEqual([2]);
    });

    describe('per-projection generations', () => {
      const grants = { name: 'grants', version: 1, readModels: [{ collection: 'grants' }] } as unknown as Projection;
      const bids = { name: 'bids', version: 1, readModels: [{ collection: 'bids' }] } as unknown as Projection;
      const both = [grants, bids];

      it('has every projection live in the active generation at version 1 until it has a record of its own', async () => {
        expect(await store.projectionGenerations()).toEqual([]);
        const layout = await projectionLayout(store, both);
        expect(layout.get('grants')).toEqual({
          projection: 'grants',
          live: { generation: 1, version: 1 },
          building: null,
        });
      });

      it('hands out generation numbers above every one in use, never the same twice', async () => {
        await store.space(7).commit('grants', [{ collection: 'grants', id: 'g1', document: { v: 1 } }], move(null, 1));
        const first = await store.newGeneration();
        const second = await store.newGeneration();
        expect(first).toBeGreaterThan(7);
        expect(second).toBeGreaterThan(first);
      });

      it('builds a new generation while the old one serves, switches in one step, then drops the old one for that projection alone', async () => {
        await store
          .space(1)
          .commit('grants', [{ collection: 'grants', id: 'g1', document: { v: 'old' } }], move(null, 4));
        await store.space(1).commit('bids', [{ collection: 'bids', id: 'b1', document: { v: 'bid' } }], move(null, 4));
        const generation = await store.newGeneration();
        await store.recordBuilding('grants', { generation, version: 2 });
        await store
          .space(generation)
          .commit('grants', [{ collection: 'grants', id: 'g1', document: { v: 'new' } }], move(null, 4));

        // Queries still read the old generation: the new one is being built.
        const during = await liveSpace(store, both);
        expect(await during.get('grants', 'g1')).toEqual({ v: 'old' });
        expect(during.layout.get('grants')?.building).toEqual({ generation, version: 2 });
        expect((await during.status('grants')).checkpoint).toEqual(cp(4));

        await store.makeLive([{ projection: 'grants', generation, version: 2 }]);
        const after = await liveSpace(store, both);
        expect(await after.get('grants', 'g1')).toEqual({ v: 'new' });
        expect(await after.get('bids', 'b1')).toEqual({ v: 'bid' });
        expect(after.layout.get('grants')).toEqual({
          projection: 'grants',
          live: { generation, version: 2 },
          building: null,
        });
        // A space made before the switch keeps reading the generation it was made for.
        expect(await during.get('grants', 'g1')).toEqual({ v: 'old' });

        await expect(store.dropProjection(generation, 'grants', ['grants'])).rejects.toThrow('live');
        await expect(store.drop(generation)).rejects.toThrow('live');
        await store.dropProjection(1, 'grants', ['grants']);
        expect(await store.space(1).get('grants', 'g1')).toBeNull();
        expect((await store.space(1).status('grants')).checkpoint).toBeNull();
        expect(await store.space(1).get('bids', 'b1')).toEqual({ v: 'bid' });
        expect((await store.space(1).status('bids')).checkpoint).toEqual(cp(4));
        expect(await (await liveSpace(store, both)).get('grants', 'g1')).toEqual({ v: 'new' });
      });

      it('leaves the old generation serving when a build stops before its switch, and keeps the build to resume', async () => {
        await store
          .space(1)
          .commit('grants', [{ collection: 'grants', id: 'g1', document: { v: 'old' } }], move(null, 9));
        const generation = await store.newGeneration();
        await store.recordBuilding('grants', { generation, version: 2 });
        await store
          .space(generation)
          .commit('grants', [{ collection: 'grants', id: 'g1', document: { v: 'half' } }], move(null, 3));
        // The process building it stops there (a crash); another one opens the store.
        const again = await another();
        const live = await liveSpace(again, both);
        expect(await live.get('grants', 'g1')).toEqual({ v: 'old' });
        expect((await live.status('grants')).checkpoint).toEqual(cp(9));
        expect(live.layout.get('grants')).toEqual({
          projection: 'grants',
          live: { generation: 1, version: 1 },
          building: { generation, version: 2 },
        });
        expect((await again.space(generation).status('grants')).checkpoint).toEqual(cp(3));
      });

      it('switches several projections in one step, and keeps a build of another generation under way', async () => {
        const building = await store.newGeneration();
        await store.recordBuilding('grants', { generation: building, version: 2 });
        const rebuilt = await store.newGeneration();
        await store.makeLive([
          { projection: 'grants', generation: rebuilt, version: 1 },
          { projection: 'bids', generation: rebuilt, version: 1 },
        ]);
        const layout = await projectionLayout(store, both);
        expect(layout.get('grants')).toMatchObject({
          live: { generation: rebuilt, version: 1 },
          building: { generation: building, version: 2 },
        });
        expect(layout.get('bids')).toMatchObject({ live: { generation: rebuilt, version: 1 }, building: null });
        await store.recordBuilding('grants', null);
        expect((await projectionLayout(store, both)).get('grants')?.building).toBeNull();
      });

      it('refuses to switch, or to record a build, under a lease term that is over', async () => {
        const first = granted(await store.acquireLease('projector', 'a', 60_000));
        await store.releaseLease('projector', 'a');
        granted(await store.acquireLease('projector', 'b', 60_000));
        const generation = await store.newGeneration();
        await expect(store.recordBuilding('grants', { generation, version: 2 }, fenceOf(first))).rejects.toThrow(
          FencedOutError,
        );
        await expect(
          store.makeLive([{ projection: 'grants', generation, version: 2 }], fenceOf(first)),
        ).rejects.toThrow(FencedOutError);
        expect(await store.projectionGenerations()).toEqual([]);
      });
    });

    it('refuses a batch that does not start at the stored checkpoint, even one that would move it forward', async () => {
      const space = store.space(1);
      await space.commit('p', [{ collection: 'docs', id: 'a', document: { by: 'first' } }], move(null, 5));
      // Another writer moved the projection from 5 to 9 while this one was making a batch from 5.
      await space.commit('p', [{ collection: 'docs', id: 'a', document: { by: 'other' } }], move(5, 9));
      await expect(
        space.commit('p', [{ collection: 'docs', id: 'a', document: { by: 'late' } }], move(5, 12)),
      ).rejects.toBeInstanceOf(StaleCheckpointError);
      await expect(
        space.commit('p', [{ collection: 'docs', id: 'b', document: { by: 'late' } }], move(null, 12)),
      ).rejects.toBeInstanceOf(StaleCheckpointError);
      expect(await space.get('docs', 'a')).toEqual({ by: 'other' });
      expect(await space.get('docs', 'b')).toBeNull();
      expect((await space.status('p')).checkpoint).toEqual(cp(9));
    });

    it('records an interruption beside the checkpoint until the next commit', async () => {
      const space = store.space(1);
      await space.commit('p', [], move(null, 4));
      const interruption = {
        since: '2026-11-25T10:00:00.000Z',
        attempts: 3,
        lastError: 'EventStoreUnavailableError: connection reset',
        nextAttemptAt: '2026-11-25T10:00:00.700Z',
      };
      await space.recordInterruption('p', interruption);
      expect(await space.status('p')).toEqual({ projection: 'p', checkpoint: cp(4), failure: null, interruption });
      expect((await space.statuses())[0]?.interruption).toEqual(interruption);
      await space.recordInterruption('p', null);
      expect((await space.status('p')).interruption).toBeUndefined();
      await space.recordInterruption('p', interruption);
      await space.commit('p', [], move(4, 5));
      expect(await space.status('p')).toEqual({ projection: 'p', checkpoint: cp(5), failure: null });
    });

    it('grants a lease to one owner at a time, renews it for its holder, and hands it over once it lapses or is released', async () => {
      // Times are the store's: the test waits for them to pass.
      const first = granted(await store.acquireLease('projector', 'a', 1_500));
      expect(await store.acquireLease('projector', 'b', 1_500)).toBeNull();
      await sleep(900);
      expect(await store.acquireLease('projector', 'a', 1_500)).toMatchObject({ owner: 'a', epoch: first.epoch }); // renewed for 1.5 s more
      await sleep(900); // past the first term's end, not the renewal's
      expect(await store.acquireLease('projector', 'b', 1_500)).toBeNull();
      expect(await store.acquireLease('other-lease', 'b', 1_500)).not.toBeNull();
      await sleep(1_000); // the renewal has lapsed
      const second = granted(await store.acquireLease('projector', 'b', 60_000));
      expect(second.epoch).toBe(first.epoch + 1);
      expect(await store.acquireLease('projector', 'a', 60_000)).toBeNull();
      await store.releaseLease('projector', 'a'); // not a's any more: nothing happens
      expect(await store.acquireLease('projector', 'a', 60_000)).toBeNull();
      await store.releaseLease('projector', 'b');
      const third = granted(await store.acquireLease('projector', 'a', 60_000));
      expect(third.epoch).toBe(second.epoch + 1);
    });

    it('starts a new epoch every time the lease changes hands, and only then', async () => {
      const a1 = granted(await store.acquireLease('projector', 'a', 60_000));
      expect(a1).toMatchObject({ name: 'projector', owner: 'a' });
      expect(a1.expiresAt).toBeInstanceOf(Date);
      for (let i = 0; i < 3; i++) expect((await store.acquireLease('projector', 'a', 60_000))?.epoch).toBe(a1.epoch);
      await store.releaseLease('projector', 'a');
      const b = granted(await store.acquireLease('projector', 'b', 60_000));
      await store.releaseLease('projector', 'b');
      // The same owner coming back after giving the lease up is a new term too.
      const a2 = granted(await store.acquireLease('projector', 'a', 60_000));
      expect([a1.epoch, b.epoch, a2.epoch]).toEqual([a1.epoch, a1.epoch + 1, a1.epoch + 2]);
    });

    it('lets exactly one of many owners racing for a free lease take it', async () => {
      const taken = await Promise.all(
        Array.from({ length: 10 }, (_, i) => store.acquireLease('race', `owner-${i}`, 5_000)),
      );
      expect(taken.filter((lease) => lease !== null)).toHaveLength(1);
    });

    it('decides by its own clock: owners whose clocks are minutes apart still see one holder', async () => {
      const minutes = 60_000;
      // A's machine runs 5 minutes slow, B's 5 minutes fast: by B's clock, A's 30 s lease lapsed long ago.
      const a = await withClockOff(-5 * minutes, () => store.acquireLease('projector', 'a', 30_000));
      expect(a).not.toBeNull();
      expect(await withClockOff(5 * minutes, () => store.acquireLease('projector', 'b', 30_000))).toBeNull();
      expect(await withClockOff(-5 * minutes, () => store.acquireLease('projector', 'a', 30_000))).toMatchObject({
        owner: 'a',
        epoch: a!.epoch,
      });
      // And a slow clock does not let B think A's lease is still running once the store says it ended.
      await store.releaseLease('projector', 'a');
      expect(await withClockOff(-10 * minutes, () => store.acquireLease('projector', 'b', 30_000))).toMatchObject({
        owner: 'b',
        epoch: a!.epoch + 1,
      });
    });

    it("refuses every write of a leader that paused past its lease once another took over: the documents and checkpoint are the new leader's", async () => {
      const space = store.space(1);
      // A leads, commits a first batch, then makes the next one (from 5 to 9)…
      const a = granted(await store.acquireLease('projector', 'a', 300));
      expect((await space.claim('p', fenceOf(a))).checkpoint).toBeNull();
      await space.commit(
        'p',
        [{ collection: 'grants', id: 'g1', document: { disbursedCents: 100 } }],
        move(null, 5),
        fenceOf(a),
      );
      const batchOfA = [
        { collection: 'grants', id: 'g1', document: { disbursedCents: 150 } },
        { collection: 'grants', id: 'g2', document: { disbursedCents: 70 } },
      ];
      // …and pauses (a long GC, a frozen VM) until its lease has lapsed. B takes over and goes on from 5.
      await sleep(500);
      const b = granted(await store.acquireLease('projector', 'b', 60_000));
      expect(b.epoch).toBeGreaterThan(a.epoch);
      expect((await space.claim('p', fenceOf(b))).checkpoint).toEqual(cp(5));
      await space.commit(
        'p',
        [{ collection: 'grants', id: 'g1', document: { disbursedCents: 150, by: 'b' } }],
        move(5, 9),
        fenceOf(b),
      );
      // A wakes up and commits the batch it had made, or any other: nothing of it is applied.
      await expect(space.commit('p', batchOfA, move(5, 9), fenceOf(a))).rejects.toBeInstanceOf(FencedOutError);
      await expect(space.commit('p', batchOfA, move(9, 12), fenceOf(a))).rejects.toBeInstanceOf(FencedOutError);
      await expect(space.claim('p', fenceOf(a))).rejects.toBeInstanceOf(FencedOutError);
      await expect(space.recordFailure('p', cp(10), 'poison', fenceOf(a))).rejects.toBeInstanceOf(FencedOutError);
      expect(await store.acquireLease('projector', 'a', 300)).toBeNull();
      expect(await space.get('grants', 'g1')).toEqual({ disbursedCents: 150, by: 'b' });
      expect(await space.get('grants', 'g2')).toBeNull();
      expect(await space.status('p')).toEqual({ projection: 'p', checkpoint: cp(9), failure: null });
      // B goes on.
      await space.commit(
        'p',
        [{ collection: 'grants', id: 'g2', document: { disbursedCents: 70, by: 'b' } }],
        move(9, 12),
        fenceOf(b),
      );
      expect((await space.status('p')).checkpoint).toEqual(cp(12));
    });

    it('refuses a batch of a term that has ended even before the new holder has written anything', async () => {
      const space = store.space(1);
      const a = granted(await store.acquireLease('projector', 'a', 60_000));
      await space.commit('p', [], move(null, 5), fenceOf(a));
      await store.releaseLease('projector', 'a');
      granted(await store.acquireLease('projector', 'b', 60_000));
      await expect(
        space.commit('p', [{ collection: 'docs', id: 'x', document: { v: 1 } }], move(5, 6), fenceOf(a)),
      ).rejects.toBeInstanceOf(FencedOutError);
      expect(await space.get('docs', 'x')).toBeNull();
      expect((await space.status('p')).checkpoint).toEqual(cp(5));
    });
  });
}
