import { parseEventStoreFaults } from '@app/event-store';
import type { Settings } from './settings.js';

/** The scheme of KURRENTDB_URL that runs the KurrentDB adapter on its in-memory simulator. */
const SIMULATOR_SCHEME = 'kurrentdb-simulator';

/** Where events are kept, and what the event store takes. */
export interface EventStoreConfig {
  /**
   * When set, events go to KurrentDB instead of the embedded store. `kurrentdb-simulator://` runs the
   * KurrentDB adapter on an in-memory simulator of the server (tests only; refused in production).
   */
  readonly kurrentDbUrl: string | null;
  /**
   * Faults injected in front of the event store, by share of calls (EVENT_STORE_FAULTS, e.g.
   * `commit-then-fail:0.05,unavailable:0.02,drop-subscription:0.01`): for tests of what the product
   * does when its engine fails. Null: none. Refused in production.
   */
  readonly eventStoreFaults: string | null;
  readonly maxEventBytes: number;
  /**
   * Where the embedded store commits appends: `thread` (the default), a writer thread of its own, so
   * the event loop never waits on the disk; `inline`, on the thread that appends.
   */
  readonly embeddedWriter: 'thread' | 'inline';
}

/**
 * Whether the events live in this thread's memory (the KurrentDB simulator): then a thread of its
 * own (the API's projector) would open another, empty, log, and must run on this one.
 */
export function eventsInThisThread(config: Pick<EventStoreConfig, 'kurrentDbUrl'>): boolean {
  return config.kurrentDbUrl?.toLowerCase().startsWith(`${SIMULATOR_SCHEME}:`) ?? false;
}

export function eventStoreConfig(s: Settings): EventStoreConfig {
  return {
    kurrentDbUrl: kurrentDbUrl(s),
    eventStoreFaults: eventStoreFaults(s),
    maxEventBytes: s.integer('MAX_EVENT_BYTES', 1024 * 1024, 1024, 16 * 1024 * 1024),
    embeddedWriter: s.choice('EMBEDDED_WRITER', ['thread', 'inline'], 'thread'),
  };
}

function kurrentDbUrl(s: Settings): string | null {
  const value = s.url('KURRENTDB_URL', ['kurrentdb', 'kurrentdb+discover', 'esdb', 'esdb+discover', SIMULATOR_SCHEME]);
  if (value?.startsWith(`${SIMULATOR_SCHEME}://`) && s.production) {
    s.problems.push(
      'KURRENTDB_URL names the in-memory KurrentDB simulator, which keeps nothing: it is for tests, never in production',
    );
    return null;
  }
  return value;
}

function eventStoreFaults(s: Settings): string | null {
  const value = s.text('EVENT_STORE_FAULTS');
  if (value === null) return null;
  if (s.production) {
    s.problems.push('EVENT_STORE_FAULTS injects failures into the event store: it is for tests, never in production');
    return null;
  }
  try {
    parseEventStoreFaults(value);
  } catch (error) {
    s.problems.push(`EVENT_STORE_FAULTS: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
  return value;
}
