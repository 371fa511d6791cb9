/**
 * When anchors are written, against the rule verification applies: an event older than the anchor
 * interval that no anchor covers fails verification. The anchorer runs every half interval, each
 * run covers a backlog of any size, runs never overlap, only the lease holder anchors, and a node
 * stopped in good order anchors what it wrote last. The clock and the timer are simulated.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import type { EventStore, NewEvent } from '../event-store.port.js';
import { FaultyEventStore } from '../faults/faulty-event-store.js';
import { InMemoryEventStore } from '../in-memory/in-memory-event-store.js';
import { KurrentDbEventStore } from '../kurrentdb/kurrentdb-event-store.js';
import { KurrentDbSimulator } from '../kurrentdb/simulator/kurrentdb-simulator.js';
import { keys, signer } from '../../test-support/tamper-history.js';
import { AnchorSchedule } from './anchor-schedule.js';
import { Anchorer } from './anchorer.js';
import { ANCHOR_STREAM, type AnchorData } from './anchors.js';
import { LinkingEventStore } from './linking-event-store.js';
import { verifyLog } from './log-verifier.js';

const INTERVAL = 60_000;

/** An event recorded now, as a command handler records it (the simulated clock). */
function recordedNow(type = 'BidSubmitted'): NewEvent {
  return {
    eventId: randomUUID(),
    type,
    schemaVersion: 1,
    data: { at: Date.now() },
    metadata: {
      actor: 'anchor-schedule-spec',
      correlationId: randomUUID(),
      causationId: null,
      commandId: randomUUID(),
      recordedAt: new Date().toISOString(),
    },
  };
}

async function write(store: EventStore, stream: string, count = 1): Promise<void> {
  for (let i = 0; i < count; i++) await store.append({ stream, expected: 'any', events: [recordedNow()] });
}

const anchorsIn = async (store: EventStore) => (await store.readStream(ANCHOR_STREAM)).map((e) => e.data as AnchorData);

describe('the schedule of anchors', () => {
  let store: LinkingEventStore;
  let leading: boolean;
  let failures: unknown[];
  const schedule = (anchorer = new Anchorer(store, { signer, now: () => new Date() })) =>
    new AnchorSchedule(anchorer, {
      intervalMs: INTERVAL,
      mayAnchor: () => leading,
      onError: (error) => failures.push(error),
    });

  beforeEach(() => {
    // Only the clock and the interval timer are simulated; the store's own turns run as they do.
    jest.useFakeTimers({
      now: new Date('2026-12-07T09:00:00.000Z'),
      doNotFake: [
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
    store = new LinkingEventStore(new InMemoryEventStore());
    leading = true;
    failures = [];
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('runs every half interval', () => {
    expect(AnchorSchedule.periodOf(INTERVAL)).toBe(30_000);
    expect(AnchorSchedule.periodOf(1)).toBe(1);
  });

  it('leaves no event older than the interval unanchored while it runs, and verification says so once it stops', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ afterMs: fc.integer({ min: 0, max: 45_000 }), events: fc.integer({ min: 0, max: 3 }) }), {
          minLength: 1,
          maxLength: 25,
        }),
        async (steps) => {
          store = new LinkingEventStore(new InMemoryEventStore());
          const anchors = schedule();
          anchors.start();
          try {
            for (const [i, step] of steps.entries()) {
              await jest.advanceTimersByTimeAsync(step.afterMs);
              await anchors.whenIdle();
              await write(store, `bid-${i % 4}`, step.events);
              const verified = await verifyLog(store, { keys, anchorDueMs: INTERVAL, now: new Date() });
              expect(verified.anchors.broken).toEqual([]);
            }
          } finally {
            await anchors.stop();
          }
          // Stopped: it anchored what was written last, so nothing is overdue yet; one more event and no anchorer is.
          expect((await verifyLog(store, { keys, anchorDueMs: INTERVAL, now: new Date() })).ok).toBe(true);
          await write(store, 'bid-late');
          const late = (await store.readStream('bid-late'))[0]!;
          jest.setSystemTime(Date.now() + INTERVAL + 1);
          const overdue = await verifyLog(store, { keys, anchorDueMs: INTERVAL, now: new Date() });
          expect(overdue.ok).toBe(false);
          expect(overdue.anchors.broken).toEqual([
            expect.objectContaining({
              position: String(late.position.commit),
              reason: expect.stringContaining('1 events recorded before'),
            }),
          ]);
        },
      ),
      { numRuns: 40 },
    );
    expect(failures).toEqual([]);
  });

  it('keeps every event within the interval through a lease takeover after the holder dies (15 s lease, the default)', async () => {
    const LEASE = 15_000;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ afterMs: fc.integer({ min: 0, max: 20_000 }), events: fc.integer({ min: 0, max: 2 }) }), {
          minLength: 2,
          maxLength: 20,
        }),
        fc.nat(),
        async (steps, dieAt) => {
          store = new LinkingEventStore(new InMemoryEventStore());
          const died = { at: Number.POSITIVE_INFINITY };
          const scheduleFor = (mayAnchor: () => boolean) =>
            new AnchorSchedule(new Anchorer(store, { signer, now: () => new Date() }), {
              intervalMs: INTERVAL,
              mayAnchor,
              onError: (error) => failures.push(error),
            });
          // The holder dies without a last anchor; the standby takes the lease once it has lapsed.
          const holder = scheduleFor(() => Date.now() < died.at);
          const standby = scheduleFor(() => Date.now() >= died.at + LEASE);
          holder.start();
          standby.start();
          try {
            for (const [i, step] of steps.entries()) {
              if (i === dieAt % steps.length) died.at = Date.now();
              await jest.advanceTimersByTimeAsync(step.afterMs);
              await holder.whenIdle();
              await standby.whenIdle();
              await write(store, `bid-${i % 3}`, step.events);
              const verified = await verifyLog(store, { keys, anchorDueMs: INTERVAL, now: new Date() });
              expect(verified.anchors.broken).toEqual([]);
            }
            // Long after: the standby has covered everything.
            await jest.advanceTimersByTimeAsync(LEASE + INTERVAL);
            await standby.whenIdle();
            expect((await verifyLog(store, { keys, anchorDueMs: INTERVAL, now: new Date() })).ok).toBe(true);
          } finally {
            await holder.stop();
            await standby.stop();
          }
        },
      ),
      { numRuns: 30 },
    );
    expect(failures).toEqual([]);
  });

  it('keeps every event within the interval on the KurrentDB simulator, faults in front of the anchorer', async () => {
    let struck = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ afterS: fc.integer({ min: 0, max: 20 }), events: fc.integer({ min: 0, max: 2 }) }), {
          minLength: 1,
          maxLength: 10,
        }),
        fc.integer({ min: 1, max: 1_000 }),
        async (steps, seed) => {
          const node = new KurrentDbSimulator();
          // Written without faults; the anchorer's reads and appends fail, or lose their answers, often
          // enough that runs fail several times in a row.
          const log = new LinkingEventStore(new KurrentDbEventStore(node.connect()));
          const faulty = new FaultyEventStore(
            new KurrentDbEventStore(node.connect()),
            { 'commit-then-fail': 0.15, unavailable: 0.3, 'leader-change': 0.05 },
            { seed },
          );
          const anchors = new AnchorSchedule(
            new Anchorer(new LinkingEventStore(faulty), { signer, now: () => new Date() }),
            {
              intervalMs: INTERVAL,
              mayAnchor: () => true,
              onError: () => undefined, // a failed run is tried again within a second
            },
          );
          anchors.start();
          try {
            for (const [i, step] of steps.entries()) {
              // A second at a time, each run ended before the next check: the simulator answers on real turns.
              for (let s = 0; s < step.afterS; s++) {
                await anchors.whenIdle();
                await jest.advanceTimersByTimeAsync(1_000);
              }
              await anchors.whenIdle();
              await write(log, `bid-${i % 3}`, step.events);
              const verified = await verifyLog(log, { keys, anchorDueMs: INTERVAL, now: new Date() });
              expect(verified.anchors.broken).toEqual([]);
            }
          } finally {
            await anchors.stop();
            await log.close();
            await faulty.close();
          }
          struck += Object.values(faulty.injected).reduce((a, b) => a + b, 0);
        },
      ),
      { numRuns: 15 },
    );
    expect(struck).toBeGreaterThan(0);
  });

  it('covers a backlog larger than one anchor holds in a single run', async () => {
    await write(store, 'bid-backlog', 35);
    const anchors = schedule(new Anchorer(store, { signer, now: () => new Date(), maxEvents: 10 }));
    anchors.start();
    await jest.advanceTimersByTimeAsync(AnchorSchedule.periodOf(INTERVAL));
    await anchors.whenIdle();
    expect((await anchorsIn(store)).map((a) => a.events)).toEqual([10, 10, 10, 5]);
    jest.setSystemTime(Date.now() + INTERVAL + 1);
    expect((await verifyLog(store, { keys, anchorDueMs: INTERVAL, now: new Date() })).ok).toBe(true);
    await anchors.stop();
  });

  it('goes on past a page of anchors: a full page holding only anchors is not the end of the log', async () => {
    const anchorer = new Anchorer(store, { signer, now: () => new Date(), maxEvents: 2 });
    await write(store, 'bid-1', 6);
    expect((await anchorer.anchorUntilCaughtUp()).map((a) => a.events)).toEqual([2, 2, 2]);
    // The last anchor covers up to position 6; positions 7 to 9 are the three anchors, 10 the new event.
    await write(store, 'bid-2');
    expect((await anchorer.anchorUntilCaughtUp()).map((a) => a.events)).toEqual([1]);
  });

  it('runs as it starts: what a crash left unanchored is covered at once', async () => {
    await write(store, 'bid-1', 3);
    const anchors = schedule();
    anchors.start();
    await anchors.whenIdle();
    expect((await anchorsIn(store)).map((a) => a.events)).toEqual([3]);
    await anchors.stop();
  });

  it('anchors only while this process holds the lease', async () => {
    leading = false;
    const anchors = schedule();
    anchors.start();
    await write(store, 'bid-1', 2);
    await jest.advanceTimersByTimeAsync(3 * AnchorSchedule.periodOf(INTERVAL));
    await anchors.whenIdle();
    expect(await anchorsIn(store)).toEqual([]);
    await anchors.stop();
    expect(await anchorsIn(store)).toEqual([]);

    leading = true;
    const taken = schedule();
    taken.start();
    await jest.advanceTimersByTimeAsync(AnchorSchedule.periodOf(INTERVAL));
    await taken.whenIdle();
    expect((await anchorsIn(store)).map((a) => a.events)).toEqual([2]);
    await taken.stop();
  });

  it('anchors within a second of taking the lease over, not at the end of its period', async () => {
    expect(AnchorSchedule.checkEveryOf(INTERVAL)).toBe(1_000);
    expect(AnchorSchedule.checkEveryOf(100)).toBe(50);
    const anchors = schedule();
    anchors.start(); // leading: a run at 0 s, the next one due at 30 s
    await anchors.whenIdle();
    leading = false; // another process holds the lease for a while
    await jest.advanceTimersByTimeAsync(2_000);
    await write(store, 'bid-1');
    await jest.advanceTimersByTimeAsync(8_000);
    expect(await anchorsIn(store)).toEqual([]);
    leading = true; // taken back at 10 s
    await jest.advanceTimersByTimeAsync(1_000);
    await anchors.whenIdle();
    expect((await anchorsIn(store)).map((a) => a.events)).toEqual([1]);
    await anchors.stop();
  });

  it('never runs twice at once: a tick during a run joins it', async () => {
    const anchorer = new Anchorer(store, { signer, now: () => new Date() });
    let running = 0;
    let most = 0;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const real = anchorer.anchorUntilCaughtUp.bind(anchorer);
    anchorer.anchorUntilCaughtUp = async () => {
      running++;
      most = Math.max(most, running);
      try {
        await held;
        return await real();
      } finally {
        running--;
      }
    };
    const anchors = schedule(anchorer);
    await write(store, 'bid-1');
    anchors.start();
    await jest.advanceTimersByTimeAsync(5 * AnchorSchedule.periodOf(INTERVAL));
    expect(running).toBe(1);
    release();
    await anchors.stop();
    expect(most).toBe(1);
    expect((await anchorsIn(store)).map((a) => a.events)).toEqual([1]);
  });

  it('writes a last anchor when stopped, over what came since the last run', async () => {
    const anchors = schedule();
    anchors.start();
    await write(store, 'bid-1');
    await jest.advanceTimersByTimeAsync(AnchorSchedule.periodOf(INTERVAL));
    await anchors.whenIdle();
    await write(store, 'bid-2', 2);
    await anchors.stop();
    expect((await anchorsIn(store)).map((a) => a.events)).toEqual([1, 2]);
    await jest.advanceTimersByTimeAsync(10 * INTERVAL);
    expect((await anchorsIn(store)).length).toBe(2);
  });

  it('reports a run that failed and tries again within a second, not a period later', async () => {
    await write(store, 'bid-1');
    const anchorer = new Anchorer(store, { signer, now: () => new Date() });
    const real = anchorer.anchorUntilCaughtUp.bind(anchorer);
    let calls = 0;
    anchorer.anchorUntilCaughtUp = () => (++calls === 1 ? Promise.reject(new Error('store unavailable')) : real());
    const anchors = schedule(anchorer);
    anchors.start();
    await anchors.whenIdle();
    expect(failures).toEqual([new Error('store unavailable')]);
    expect(await anchorsIn(store)).toEqual([]);
    await jest.advanceTimersByTimeAsync(AnchorSchedule.checkEveryOf(INTERVAL));
    await anchors.whenIdle();
    expect((await anchorsIn(store)).map((a) => a.events)).toEqual([1]);
    await anchors.stop();
  });
});
