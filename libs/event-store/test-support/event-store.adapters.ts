/**
 * The adapters every contract suite of the event-store port runs against: the embedded store
 * always; the real KurrentDB adapter over the KurrentDB simulator always (bare, and under stream
 * links as the product writes); a KurrentDB server when KURRENTDB_URL is set (announced as skipped otherwise).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe } from '@jest/globals';
import { SqliteEventStore } from '../src/embedded/sqlite-event-store.js';
import { InMemoryEventStore, InMemoryLog } from '../src/in-memory/in-memory-event-store.js';
import { LinkingEventStore } from '../src/chain/linking-event-store.js';
import type { EventStore, NewEvent } from '../src/event-store.port.js';

export interface AdapterUnderTest {
  readonly name: string;
  /** Why the suite is skipped, or null when it runs. */
  readonly skipped: string | null;
  /** A store, and a way to open the same data again as a fresh instance. */
  setUp(options?: { maxEventBytes?: number }): Promise<StoreFixture>;
}

export interface StoreFixture {
  readonly store: EventStore;
  reopen(): Promise<EventStore>;
  tearDown(): Promise<void>;
}

/**
 * The embedded store's writer thread transpiled from these sources (the contract and integration
 * tiers do it first, test/support/writer-thread-build.mjs): a worker thread loads JavaScript.
 */
export const BUILT_WRITER_SCRIPT = join(
  process.cwd(),
  'dist/test-support/writer-thread/libs/event-store/src/embedded/sqlite-writer.worker.js',
);
const builtWriter = existsSync(BUILT_WRITER_SCRIPT) ? pathToFileURL(BUILT_WRITER_SCRIPT) : null;

/** A store on a fresh file, opened again as a fresh instance on the same file, the file removed at the end. */
function onAFile(open: (file: string) => EventStore): StoreFixture {
  const dir = mkdtempSync(join(tmpdir(), 'event-store-'));
  const file = join(dir, 'events.db');
  const opened: EventStore[] = [open(file)];
  return {
    store: opened[0]!,
    async reopen() {
      await Promise.all(opened.map((s) => s.close()));
      const again = open(file);
      opened.push(again);
      return again;
    },
    async tearDown() {
      await Promise.all(opened.map((s) => s.close()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const ADAPTERS: readonly AdapterUnderTest[] = [
  {
    name: 'embedded (SQLite)',
    skipped: null,
    async setUp(options) {
      const dir = mkdtempSync(join(tmpdir(), 'event-store-'));
      const file = join(dir, 'events.db');
      const opened: EventStore[] = [SqliteEventStore.open(file, { ...options, pollIntervalMs: 20 })];
      return {
        store: opened[0]!,
        async reopen() {
          await Promise.all(opened.map((s) => s.close()));
          const again = SqliteEventStore.open(file, { ...options, pollIntervalMs: 20 });
          opened.push(again);
          return again;
        },
        async tearDown() {
          await Promise.all(opened.map((s) => s.close()));
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    // As the product runs it: appends committed on the store's writer thread.
    name: 'embedded (SQLite), writer thread',
    skipped: builtWriter
      ? null
      : `no writer thread at ${BUILT_WRITER_SCRIPT}: run node test/support/writer-thread-build.mjs`,
    async setUp(options) {
      return onAFile((file) =>
        SqliteEventStore.open(file, { ...options, pollIntervalMs: 20, writerThread: builtWriter }),
      );
    },
  },
  {
    // What the product writes through: every event carries its link in its stream's chain.
    name: 'embedded (SQLite) with stream links',
    skipped: null,
    async setUp(options) {
      return onAFile((file) => new LinkingEventStore(SqliteEventStore.open(file, { ...options, pollIntervalMs: 20 })));
    },
  },
  {
    name: 'in memory (tests)',
    skipped: null,
    async setUp(options) {
      const log = new InMemoryLog();
      const opened: EventStore[] = [new InMemoryEventStore(log, options)];
      return {
        store: opened[0]!,
        async reopen() {
          await Promise.all(opened.map((s) => s.close()));
          const again = new InMemoryEventStore(log, options);
          opened.push(again);
          return again;
        },
        async tearDown() {
          await Promise.all(opened.map((s) => s.close()));
        },
      };
    },
  },
  kurrentDbSimulator('KurrentDB simulator', (store) => store),
  // What the product writes through on KurrentDB.
  kurrentDbSimulator('KurrentDB simulator with stream links', (store) => new LinkingEventStore(store)),
  {
    name: 'KurrentDB',
    skipped: process.env['KURRENTDB_URL'] ? null : 'KURRENTDB_URL is not set',
    async setUp(options) {
      const url = process.env['KURRENTDB_URL'] ?? '';
      // Loaded only when a server is there to talk to.
      const { KurrentDbEventStore } = await import('../src/kurrentdb/kurrentdb-event-store.js');
      const opened: EventStore[] = [KurrentDbEventStore.connect(url, options)];
      return {
        store: opened[0]!,
        async reopen() {
          const again = KurrentDbEventStore.connect(url, options);
          opened.push(again);
          return again;
        },
        async tearDown() {
          await Promise.all(opened.map((s) => s.close()));
        },
      };
    },
  },
];

/**
 * The real KurrentDB adapter over a fresh in-memory node (kurrentdb/simulator/): reopen gives a new
 * adapter with its own client over the same node, as a restarted process would get.
 */
function kurrentDbSimulator(name: string, wrap: (store: EventStore) => EventStore): AdapterUnderTest {
  return {
    name,
    skipped: null,
    async setUp(options) {
      const { KurrentDbEventStore } = await import('../src/kurrentdb/kurrentdb-event-store.js');
      const { KurrentDbSimulator } = await import('../src/kurrentdb/simulator/kurrentdb-simulator.js');
      const node = new KurrentDbSimulator();
      const open = () => wrap(new KurrentDbEventStore(node.connect(), options));
      const opened: EventStore[] = [open()];
      return {
        store: opened[0]!,
        async reopen() {
          const again = open();
          opened.push(again);
          return again;
        },
        async tearDown() {
          await Promise.all(opened.map((s) => s.close()));
        },
      };
    },
  };
}

/**
 * Declares `<title>: <adapter>` for every adapter. A skipped adapter is announced in the output
 * (`<suite> for <adapter> SKIPPED: <why>`) and its tests are reported as skipped.
 */
export function describeOnEveryAdapter(suite: string, title: string, body: (adapter: AdapterUnderTest) => void): void {
  for (const adapter of ADAPTERS) {
    if (adapter.skipped) {
      console.warn(`${suite} for ${adapter.name} SKIPPED: ${adapter.skipped}`);
    }
    const describeAdapter = adapter.skipped ? describe.skip : describe;
    describeAdapter(`${title}: ${adapter.name}${adapter.skipped ? ` (skipped: ${adapter.skipped})` : ''}`, () =>
      body(adapter),
    );
  }
}

/** A category no other test (or earlier run against a shared server) has used. */
export function freshCategory(prefix = 't'): string {
  return `${prefix}${randomUUID().replace(/-/g, '').slice(0, 16)}`;
}

export function newEvent(type = 'ThingHappened', data: unknown = { n: 1 }, eventId: string = randomUUID()): NewEvent {
  return {
    eventId,
    type,
    schemaVersion: 1,
    data,
    metadata: {
      actor: 'contract-suite',
      correlationId: randomUUID(),
      causationId: null,
      commandId: randomUUID(),
      recordedAt: '2026-11-25T10:00:00.000Z',
    },
  };
}
