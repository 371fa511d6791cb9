/**
 * The projector on the embedded stores: resumes from its checkpoints without applying anything
 * twice, stops a projection on a poison event without skipping it, and rebuilds into a new
 * generation with the same documents.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, UpcastingEventStore, type EventStore } from '@app/event-store';
import { fundingEventRegistry } from '@app/config';
import { envelope, lateBid, lifecycle } from '../test-support/funding-log.js';
import { SqliteReadModelStore } from './embedded/sqlite-read-model-store.js';
import { FUNDING_PROJECTIONS, withVersions, type Projection } from './projections/index.js';
import { Projector, rebuildReadModels, type ProjectorOptions } from './projector.js';
import { liveSpace } from './live-generations.js';
import type { ReadModelSpace, ReadModelStore } from './read-model-store.port.js';

async function snapshot(space: ReadModelSpace) {
  const collections = await space.collections();
  return Object.fromEntries(await Promise.all(collections.map(async (c) => [c, await space.all(c)] as const)));
}

describe('projector on the embedded stores', () => {
  let dir: string;
  let raw: SqliteEventStore;
  let events: EventStore;
  let readModels: SqliteReadModelStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'projector-'));
    raw = SqliteEventStore.open(join(dir, 'events.db'), { pollIntervalMs: 20 });
    events = new UpcastingEventStore(raw, fundingEventRegistry());
    readModels = SqliteReadModelStore.open(join(dir, 'read-models.db'));
    for (const { stream, event } of await lifecycle())
      await events.append({ stream, expected: 'any', events: [envelope(event)] });
  });
  afterEach(async () => {
    await events.close();
    await readModels.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function runUntilCaughtUp(
    projections: readonly Projection[] = FUNDING_PROJECTIONS,
    options: ProjectorOptions = {},
  ): Promise<Projector> {
    const projector = new Projector(events, readModels, projections, undefined, options);
    await projector.start();
    const head = await events.headPosition();
    for (;;) {
      const statuses = projector.statuses();
      if (
        statuses.length > 0 &&
        statuses.every((s) => s.state === 'failed' || (s.checkpoint && head && s.checkpoint.commit >= head.commit))
      )
        return projector;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('projects the log, and a restart from the checkpoints applies nothing twice', async () => {
    const first = await runUntilCaughtUp();
    await first.stop();
    const space = readModels.space(1);
    const before = await snapshot(space);
    expect(before['calls']?.[0]?.document).toMatchObject({
      callId: 'c1',
      committedCents: 250_000,
      remainingCents: 750_000,
      bids: { total: 3 },
    });
    expect(before['grants']?.[0]?.document).toMatchObject({
      grantId: 'g1',
      disbursedCents: 100_000,
      remainingCents: 150_000,
    });

    const second = await runUntilCaughtUp();
    await second.stop();
    expect(await snapshot(space)).toEqual(before);
  });

  it('stops a projection on an event it cannot decode, records where, and never skips it', async () => {
    const projector = await runUntilCaughtUp();
    // Written around the registry, as a bug or a newer build might: this build does not know the type.
    await raw.append({
      stream: 'grant-g1',
      expected: 'any',
      events: [envelope({ type: 'GrantTeleported', data: { grantId: 'g1' } })],
    });
    const poison = (await raw.headPosition())!;
    await events.append({
      stream: 'grant-g1',
      expected: 'any',
      events: [
        envelope({
          type: 'DisbursementRecorded',
          data: {
            grantId: 'g1',
            callId: 'c1',
            disbursementId: 'd2',
            kind: 'interim',
            amountCents: 50_000,
            reference: null,
            paidAt: '2026-01-09T00:00:00.000Z',
          },
        }),
      ],
    });
    for (;;) {
      if (projector.statuses().every((s) => s.state === 'failed')) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const statuses = await readModels.space(1).statuses();
    for (const status of statuses) {
      expect(status.failure).toMatchObject({ at: { commit: String(poison.commit) } });
      expect(status.failure?.message).toContain('unknown event type GrantTeleported');
      expect(BigInt(status.checkpoint!.commit)).toBe(poison.commit - 1n);
    }
    // The disbursement after the poison event is not applied: the projection stopped before it.
    expect(await readModels.space(1).get('grants', 'g1')).toMatchObject({ disbursedCents: 100_000 });
    await projector.stop();
  });

  it('reads no document while catching up from nothing, and reads those it needs, a collection at a time, once it resumes', async () => {
    const reads: string[] = [];
    const counting: ReadModelStore = Object.assign(Object.create(readModels) as ReadModelStore, {
      space: (generation: number): ReadModelSpace => {
        const space = readModels.space(generation);
        return Object.assign(Object.create(space) as ReadModelSpace, {
          get: (collection: string, id: string) => {
            reads.push(`get ${collection}/${id}`);
            return space.get(collection, id);
          },
          getMany: (collection: string, ids: readonly string[]) => {
            reads.push(`getMany ${collection}/${ids.join(',')}`);
            return space.getMany(collection, ids);
          },
        });
      },
    });
    const { generation } = await rebuildReadModels(events, counting, FUNDING_PROJECTIONS);
    expect(reads).toEqual([]);
    expect((await snapshot(readModels.space(generation)))['calls']?.[0]?.document).toMatchObject({
      bids: { total: 3 },
    });
    await events.append({ stream: 'bid-b9', expected: 'no_stream', events: [envelope(lateBid('b9').event)] });
    const projector = new Projector(events, counting, FUNDING_PROJECTIONS);
    await projector.start();
    const applied = async () =>
      (await readModels.space(generation).get('bids', 'b9')) !== null &&
      ((await readModels.space(generation).get('calls', 'c1')) as { bids: { total: number } }).bids.total === 4;
    while (!(await applied())) await new Promise((r) => setTimeout(r, 10));
    await projector.stop();
    // Resumed from checkpoints, the documents the late bid changes are read: one read per collection.
    expect(reads).toContain('getMany calls/c1');
    expect(reads).toContain('getMany bids/b9');
    expect(reads.filter((r) => r.startsWith('get '))).toEqual([]);
  });

  it('rebuilds into a new generation with identical documents, and the projector follows the switch', async () => {
    const projector = await runUntilCaughtUp(FUNDING_PROJECTIONS, { retireAfterMs: 0 });
    const live = await snapshot(readModels.space(1));
    const { generation } = await rebuildReadModels(events, readModels, FUNDING_PROJECTIONS);
    expect(generation).toBe(2);
    expect(await readModels.activeGeneration()).toBe(2);
    expect(await snapshot(readModels.space(2))).toEqual(live);
    // The live projector moves to generation 2 and keeps it up to date.
    await events.append({
      stream: 'bid-b9',
      expected: 'no_stream',
      events: [
        envelope({
          type: 'BidSubmitted',
          data: {
            bidId: 'b9',
            callId: 'c1',
            applicant: { kind: 'legal-person', type: 'company', taxCode: '1', name: 'Late' },
            projectTitle: 'P',
            requestedCents: 1,
          },
        }),
      ],
    });
    for (;;) {
      const bid = await readModels.space(2).get('bids', 'b9');
      if (bid && projector.activeGeneration === 2) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    // The generation every projection left is dropped (after RETIRE_AFTER_MS; none here).
    while ((await readModels.generations()).length > 1) await new Promise((r) => setTimeout(r, 20));
    await projector.stop();
    expect(await readModels.generations()).toEqual([2]);
  });

  describe('projection versions', () => {
    const bumped = withVersions(FUNDING_PROJECTIONS, { 'grant-summaries': 2 });

    async function layoutOf(projections: readonly Projection[] = bumped) {
      return (await liveSpace(readModels, projections)).layout;
    }

    async function until(condition: () => Promise<boolean>): Promise<void> {
      const deadline = Date.now() + 10_000;
      while (!(await condition())) {
        if (Date.now() > deadline) throw new Error('timed out');
        await new Promise((r) => setTimeout(r, 10));
      }
    }

    it('rebuilds a projection whose version was raised into a new generation, alone, and switches to it once caught up', async () => {
      const first = await runUntilCaughtUp();
      const before = await snapshot(await liveSpace(readModels, FUNDING_PROJECTIONS));
      await first.stop();
      expect(before['grants']?.length).toBeGreaterThan(0);
      // Documents of the old version, told apart from what the rebuild makes.
      readModels.db
        .prepare(
          "UPDATE documents SET body = json_set(body, '$.oldVersion', 1) WHERE generation = 1 AND collection = 'grants'",
        )
        .run();

      const second = new Projector(events, readModels, bumped, undefined, { retireAfterMs: 0 });
      await second.start();
      try {
        await until(async () => (await layoutOf()).get('grant-summaries')!.live.version === 2);
        const layout = await layoutOf();
        expect(layout.get('grant-summaries')).toEqual({
          projection: 'grant-summaries',
          live: { generation: 2, version: 2 },
          building: null,
        });
        // The other projections stay where they were.
        expect(layout.get('bid-summaries')!.live).toEqual({ generation: 1, version: 1 });
        expect(await snapshot(await liveSpace(readModels, bumped))).toEqual(before);
        // The generation it left is dropped for it alone.
        await until(async () => (await readModels.space(1).count('grants')) === 0);
        expect(await readModels.space(1).count('bids')).toBe(before['bids']!.length);
        expect((await readModels.space(1).status('grant-summaries')).checkpoint).toBeNull();
      } finally {
        await second.stop();
      }

      // Started again at the same version: nothing more is rebuilt.
      const third = new Projector(events, readModels, bumped);
      await third.start();
      await third.stop();
      expect(await readModels.generations()).toEqual([1, 2]);
      expect((await layoutOf()).get('grant-summaries')!.live).toEqual({ generation: 2, version: 2 });
    });

    it('resumes a rebuild cut short, serving the old generation until it has caught up', async () => {
      const first = await runUntilCaughtUp();
      const before = await snapshot(await liveSpace(readModels, FUNDING_PROJECTIONS));
      await first.stop();
      // A projector that stopped (or crashed) after the new generation's first batch.
      const generation = await readModels.newGeneration();
      await readModels.recordBuilding('grant-summaries', { generation, version: 2 });
      await readModels
        .space(generation)
        .commit('grant-summaries', [], { from: null, to: { commit: '1', prepare: '1' } });
      const halfway = await layoutOf();
      expect(halfway.get('grant-summaries')).toMatchObject({
        live: { generation: 1, version: 1 },
        building: { generation, version: 2 },
      });
      expect(await snapshot(await liveSpace(readModels, bumped))).toEqual(before);

      const second = new Projector(events, readModels, bumped, undefined, { retireAfterMs: 0 });
      await second.start();
      try {
        await until(async () => (await layoutOf()).get('grant-summaries')!.live.version === 2);
        // The same generation, taken on from its checkpoint: no other was begun.
        expect((await layoutOf()).get('grant-summaries')!.live.generation).toBe(generation);
        expect(await readModels.generations()).toContain(generation);
        expect(await snapshot(await liveSpace(readModels, bumped))).toEqual(before);
      } finally {
        await second.stop();
      }
    });

    it('rebuilds under the projector lease only: a second projector stands by and builds nothing', async () => {
      await (await runUntilCaughtUp()).stop();
      const holder = new Projector(events, readModels, bumped, undefined, { lease: { owner: 'a', ttlMs: 2_000 } });
      const standby = new Projector(events, readModels, bumped, undefined, { lease: { owner: 'b', ttlMs: 2_000 } });
      await holder.start();
      await standby.start();
      try {
        expect(holder.leading).toBe(true);
        expect(standby.leading).toBe(false);
        await until(async () => (await layoutOf()).get('grant-summaries')!.live.version === 2);
        expect(standby.statuses()).toEqual([]);
        expect(standby.rebuilds()).toEqual([]);
        // One generation handed out in all: the holder's.
        expect((await layoutOf()).get('grant-summaries')!.live.generation).toBe(2);
        expect(await readModels.newGeneration()).toBe(3);
      } finally {
        await standby.stop();
        await holder.stop();
      }
    });

    it('drops a rebuild that is no longer needed once the version is put back', async () => {
      await (await runUntilCaughtUp()).stop();
      const generation = await readModels.newGeneration();
      await readModels.recordBuilding('grant-summaries', { generation, version: 2 });
      await readModels
        .space(generation)
        .commit('grant-summaries', [{ collection: 'grants', id: 'g-half', document: { half: true } }], {
          from: null,
          to: { commit: '1', prepare: '1' },
        });
      const projector = new Projector(events, readModels, FUNDING_PROJECTIONS);
      await projector.start();
      await projector.stop();
      expect((await layoutOf(FUNDING_PROJECTIONS)).get('grant-summaries')).toMatchObject({
        live: { generation: 1, version: 1 },
        building: null,
      });
      expect(await readModels.space(generation).count('grants')).toBe(0);
    });
  });
});
