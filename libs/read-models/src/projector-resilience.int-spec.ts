/**
 * The projector when its stores go away or another projector takes over: a dropped subscription
 * is taken again from where it was (reconnecting meanwhile, never frozen), a read-model store
 * that fails is waited for, a poison event still stops its projection, and a projector whose
 * lease term is over applies nothing more.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryEventStore, type EventStore, type LogPosition } from '@app/event-store';
import { DroppingEventStore } from '../test-support/dropping-event-store.js';
import { envelope, lateBid, lifecycle } from '../test-support/funding-log.js';
import { SqliteReadModelStore } from './embedded/sqlite-read-model-store.js';
import { FUNDING_PROJECTIONS } from './projections/index.js';
import { readModel, withVersions, type Projection } from './projections/projection.js';
import { liveSpace } from './live-generations.js';
import { Projector, fromCheckpoint, rebuildReadModels, waitForPosition, type RunnerStatus } from './projector.js';
import type { Backoff } from './resubscription.js';
import type {
  CheckpointMove,
  DocumentChange,
  Fence,
  Interruption,
  ReadModelSpace,
  ReadModelStore,
} from './read-model-store.port.js';

/** Short waits between attempts, so that a test sees many of them. */
const FAST: Backoff = { initialMs: 10, maxMs: 40 };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await sleep(5);
  }
}

async function snapshot(space: ReadModelSpace) {
  const collections = await space.collections();
  return Object.fromEntries(await Promise.all(collections.map(async (c) => [c, await space.all(c)] as const)));
}

async function write(
  events: EventStore,
  entries: ReadonlyArray<{ stream: string; event: { type: string; data: unknown } }>,
): Promise<LogPosition> {
  let last: LogPosition | null = null;
  for (const { stream, event } of entries)
    last = (await events.append({ stream, expected: 'any', events: [envelope(event)] })).position;
  return last!;
}

const atHead = (statuses: RunnerStatus[], head: LogPosition, count = FUNDING_PROJECTIONS.length) =>
  statuses.length === count &&
  statuses.every((s) => s.state === 'live' && s.checkpoint !== null && s.checkpoint.commit >= head.commit);

describe('the projector when its stores go away', () => {
  let dir: string;
  let log: InMemoryEventStore;
  let readModels: SqliteReadModelStore;
  let reference: Record<string, unknown>;
  let lines: string[];
  const projectors: Projector[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'projector-resilience-'));
    log = new InMemoryEventStore();
    await write(log, await lifecycle());
    readModels = SqliteReadModelStore.open(join(dir, 'read-models.db'));
    // What an uninterrupted projection of the same log gives.
    const clean = SqliteReadModelStore.open(':memory:');
    const { generation } = await rebuildReadModels(log, clean, FUNDING_PROJECTIONS);
    reference = await snapshot(clean.space(generation));
    await clean.close();
    lines = [];
  });
  afterEach(async () => {
    jest.useRealTimers();
    await Promise.all(projectors.splice(0).map((p) => p.stop()));
    await log.close();
    await readModels.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function projector(
    events: EventStore,
    store: ReadModelStore = readModels,
    projections: readonly Projection[] = FUNDING_PROJECTIONS,
    lease: { owner: string; ttlMs: number } | null = null,
  ): Projector {
    const p = new Projector(events, store, projections, (line) => lines.push(line), { reconnect: FAST, lease });
    projectors.push(p);
    return p;
  }

  it('takes a dropped subscription again from where it was, and ends with the documents of an uninterrupted run', async () => {
    const dropping = new DroppingEventStore(log);
    dropping.dropAfter(7, 5); // twice, in the middle of the catch-up
    const p = projector(dropping);
    await p.start();
    const head = (await log.headPosition())!;
    await until(() => atHead(p.statuses(), head), 'every projection has caught up');

    expect(await snapshot(readModels.space(1))).toEqual(reference);
    // One shared read, taken again after the last event it had: nothing read twice, nothing skipped.
    expect(dropping.subscriptions.map((at) => (at === null ? null : Number(at.commit)))).toEqual([null, 7, 12]);
    expect(
      lines.some((line) => line.includes('cannot reach the event log (attempt 1): EventStoreUnavailableError')),
    ).toBe(true);
    expect(lines.some((line) => line.includes('is reading again'))).toBe(true);
  });

  it('rebuilds a projection whose version was raised through dropped subscriptions, switches once caught up, and ends with the documents of an uninterrupted run', async () => {
    const first = projector(log);
    await first.start();
    const head = (await log.headPosition())!;
    await until(() => atHead(first.statuses(), head), 'every projection has caught up');
    await first.stop();

    // The rebuild reads the log on a subscription of its own; cut it, and the live ones, twice.
    const dropping = new DroppingEventStore(log);
    dropping.dropAfter(5, 4);
    const bumped = withVersions(FUNDING_PROJECTIONS, { 'grant-summaries': 2 });
    const second = projector(dropping, readModels, bumped);
    await second.start();
    await until(
      async () => (await liveSpace(readModels, bumped)).layout.get('grant-summaries')!.live.version === 2,
      'the rebuilt generation is live',
    );
    // The live read and the rebuild's, and each taken again after its cut.
    expect(dropping.subscriptions.length).toBeGreaterThanOrEqual(4);
    expect(lines.some((line) => line.includes('cannot reach the event log'))).toBe(true);
    expect(await snapshot(await liveSpace(readModels, bumped))).toEqual(reference);
  });

  it('says it is reconnecting while the event store is down, with the last error and the next attempt, and follows the log again once it is back', async () => {
    const dropping = new DroppingEventStore(log);
    const p = projector(dropping);
    await p.start();
    const head = (await log.headPosition())!;
    await until(() => atHead(p.statuses(), head), 'every projection has caught up');

    dropping.goDown();
    await until(
      () =>
        p
          .statuses()
          .every((s) => s.state === 'reconnecting' && s.reconnecting !== null && s.reconnecting.attempts >= 3),
      'every projection is reconnecting, attempt after attempt',
    );
    for (const status of p.statuses()) {
      expect(status.reconnecting?.lastError).toMatch(/^EventStoreUnavailableError: /);
      expect(status.reconnecting!.nextAttemptAt.getTime()).toBeGreaterThan(status.reconnecting!.since.getTime());
    }
    // The processes that do not run it (an API beside a projector process) read it from the store.
    const stored = await readModels.space(1).statuses();
    expect(stored).toHaveLength(FUNDING_PROJECTIONS.length);
    for (const status of stored)
      expect(status.interruption).toMatchObject({
        lastError: expect.stringMatching(/^EventStoreUnavailableError: /),
        attempts: expect.any(Number),
      });

    // A write made meanwhile: read-your-writes waits for it, and gets it once the store is back.
    const written = await write(log, [lateBid('b9')]);
    const checkpoints = async () =>
      (await readModels.space(1).statuses()).map((s) => ({ checkpoint: fromCheckpoint(s.checkpoint) }));
    expect(await waitForPosition(checkpoints, written, 100, p.progress)).toBe(false);
    dropping.up();
    expect(await waitForPosition(checkpoints, written, 10_000, p.progress)).toBe(true);
    await until(() => atHead(p.statuses(), written), 'every projection is live again');
    expect(p.statuses().every((s) => s.reconnecting === null)).toBe(true);
    expect(await readModels.space(1).get('bids', 'b9')).toMatchObject({ bidId: 'b9' });
    await until(
      async () => (await readModels.space(1).statuses()).every((s) => s.interruption === undefined),
      'the stored interruptions are cleared',
    );
  });

  it('still stops a projection whose evolve throws, and only that one, without retrying it', async () => {
    const poisoned: Projection = {
      name: 'poisoned',
      version: 1,
      readModels: [
        readModel({
          collection: 'poisoned',
          eventTypes: ['BidSubmitted'],
          documentId: (event) => event.data.bidId,
          evolve: () => {
            throw new Error('cannot apply BidSubmitted');
          },
        }),
      ],
    };
    const dropping = new DroppingEventStore(log);
    dropping.dropAfter(2);
    const p = projector(dropping, readModels, [FUNDING_PROJECTIONS[0]!, poisoned]);
    await p.start();
    const head = (await log.headPosition())!;
    await until(
      () =>
        p.statuses().some((s) => s.state === 'failed') &&
        p.statuses().some((s) => s.state === 'live' && s.checkpoint!.commit >= head.commit),
      'the poisoned projection has stopped and the other caught up',
    );
    await sleep(200);
    const [healthy, stopped] = p.statuses();
    expect(healthy).toMatchObject({ projection: FUNDING_PROJECTIONS[0]!.name, state: 'live' });
    expect(stopped).toMatchObject({
      projection: 'poisoned',
      state: 'failed',
      reconnecting: null,
      failure: { message: 'cannot apply BidSubmitted' },
    });
    expect((await readModels.space(1).status('poisoned')).failure?.message).toBe('cannot apply BidSubmitted');
  });

  it('waits for a read-model store that fails, counting a commit whose answer was lost as made', async () => {
    const flaky = new FlakyReadModels(readModels);
    flaky.failCommits(3);
    flaky.loseAnswerOfCommit();
    const p = projector(log, flaky);
    const states = new Set<string>();
    p.progress.on('progress', (status?: RunnerStatus) => {
      if (status) states.add(status.state);
    });
    await p.start();
    const head = (await log.headPosition())!;
    await until(() => atHead(p.statuses(), head), 'every projection has caught up');
    expect(states).toContain('reconnecting');
    expect(states).not.toContain('standby');
    expect(states).not.toContain('failed');
    expect(
      lines.some((line) => line.includes('cannot reach the read-model store (attempt 1): Error: connection reset')),
    ).toBe(true);
    expect(await snapshot(readModels.space(1))).toEqual(reference);
  });

  it('applies nothing more once another projector has taken its lease over, and that one goes on from the checkpoints', async () => {
    // Only the lease renewals are frozen, as in a process paused past its lease; everything else runs.
    jest.useFakeTimers({
      doNotFake: [
        'Date',
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'setImmediate',
        'clearImmediate',
        'setTimeout',
        'clearTimeout',
      ],
    });
    const a = projector(log, readModels, FUNDING_PROJECTIONS, { owner: 'a', ttlMs: 300 });
    await a.start();
    const head = (await log.headPosition())!;
    await until(() => atHead(a.statuses(), head), 'a has caught up');

    await sleep(450); // a's lease lapses without renewal
    const other = SqliteReadModelStore.open(join(dir, 'read-models.db'));
    try {
      const b = projector(log, other, FUNDING_PROJECTIONS, { owner: 'b', ttlMs: 60_000 });
      await b.start();
      expect(b.leading).toBe(true);
      const written = await write(log, [lateBid('b9')]);
      await until(() => !a.leading, 'a has stood by');
      await until(() => atHead(b.statuses(), written), 'b has applied the late bid');
      expect(
        lines.some(
          (line) =>
            line.startsWith('Projection ') && line.includes('the store refused its') && line.includes('standing by'),
        ),
      ).toBe(true);
      // b's documents: the late bid once, everything else as an uninterrupted run has it.
      const after = await snapshot(readModels.space(1));
      expect(after['bids']?.filter((d) => d.id === 'b9')).toHaveLength(1);
      expect((await readModels.space(1).statuses()).every((s) => s.checkpoint?.commit === String(written.commit))).toBe(
        true,
      );
    } finally {
      await Promise.all(projectors.splice(0).map((p) => p.stop()));
      await other.close();
    }
  });
});

/** The embedded store, whose commits fail on demand: a few outright, and one after it was made (its answer lost). */
class FlakyReadModels implements ReadModelStore {
  private failures = 0;
  private loseAnswer = false;

  constructor(private readonly inner: ReadModelStore) {}

  failCommits(count: number): void {
    this.failures = count;
  }

  loseAnswerOfCommit(): void {
    this.loseAnswer = true;
  }

  space(generation: number): ReadModelSpace {
    const space = this.inner.space(generation);
    return {
      generation,
      get: (collection, id) => space.get(collection, id),
      getMany: (collection, ids) => space.getMany(collection, ids),
      find: (collection, query) => space.find(collection, query),
      count: (collection, where) => space.count(collection, where),
      all: (collection) => space.all(collection),
      collections: () => space.collections(),
      claim: (projection, fence) => space.claim(projection, fence),
      status: (projection) => space.status(projection),
      statuses: () => space.statuses(),
      recordFailure: (projection, at, message, fence) => space.recordFailure(projection, at, message, fence),
      recordInterruption: (projection: string, interruption: Interruption | null, fence?: Fence | null) =>
        space.recordInterruption(projection, interruption, fence),
      commit: async (
        projection: string,
        changes: readonly DocumentChange[],
        move: CheckpointMove,
        fence?: Fence | null,
      ) => {
        if (this.failures > 0) {
          this.failures -= 1;
          throw new Error('connection reset');
        }
        await space.commit(projection, changes, move, fence);
        if (this.loseAnswer) {
          this.loseAnswer = false;
          throw new Error('connection reset after the commit');
        }
      },
    };
  }

  activeGeneration = () => this.inner.activeGeneration();
  activate = (generation: number) => this.inner.activate(generation);
  drop = (generation: number) => this.inner.drop(generation);
  generations = () => this.inner.generations();
  projectionGenerations = () => this.inner.projectionGenerations();
  newGeneration = () => this.inner.newGeneration();
  recordBuilding: ReadModelStore['recordBuilding'] = (projection, building, fence) =>
    this.inner.recordBuilding(projection, building, fence);
  makeLive: ReadModelStore['makeLive'] = (live, fence) => this.inner.makeLive(live, fence);
  dropProjection: ReadModelStore['dropProjection'] = (generation, projection, collections) =>
    this.inner.dropProjection(generation, projection, collections);
  acquireLease = (name: string, owner: string, ttlMs: number) => this.inner.acquireLease(name, owner, ttlMs);
  releaseLease = (name: string, owner: string) => this.inner.releaseLease(name, owner);
  close = () => Promise.resolve();
}
