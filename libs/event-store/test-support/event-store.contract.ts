/**
 * The event-store port's contract suites (src/event-store*.contract-spec.ts) share one loop over the
 * adapters and one set-up: each test gets a fresh store of the adapter and a category of its own.
 */
import { afterEach, beforeEach } from '@jest/globals';
import type { EventStore, LogPosition, RecordedEvent } from '../src/event-store.port.js';
import { describeOnEveryAdapter, freshCategory, type StoreFixture } from './event-store.adapters.js';

/** What a test of the contract runs on, as its `beforeEach` set it up. */
export interface ContractTest {
  readonly fixture: StoreFixture;
  readonly store: EventStore;
  /** This test's own category of streams. */
  readonly category: string;
  /** The head when the test began: on a shared server, the log holds other runs' events before it. */
  readonly start: LogPosition | null;
  /** A stream of this test's own category. */
  stream(id: string): string;
  /** This test's events only. */
  ours(events: RecordedEvent[]): RecordedEvent[];
}

/** `event store contract: <adapter>` for every adapter, `body` declaring its tests. */
export function describeEventStoreContract(body: (ctx: ContractTest) => void): void {
  describeOnEveryAdapter('Event store contract suite', 'event store contract', (adapter) => {
    let fixture: StoreFixture;
    let category: string;
    let start: LogPosition | null;

    beforeEach(async () => {
      fixture = await adapter.setUp({ maxEventBytes: 64 * 1024 });
      category = freshCategory();
      start = await fixture.store.headPosition();
    });
    afterEach(async () => {
      await fixture.tearDown();
    });

    body({
      get fixture() {
        return fixture;
      },
      get store() {
        return fixture.store;
      },
      get category() {
        return category;
      },
      get start() {
        return start;
      },
      stream: (id) => `${category}-${id}`,
      ours: (events) => events.filter((e) => e.stream.startsWith(`${category}-`)),
    });
  });
}
