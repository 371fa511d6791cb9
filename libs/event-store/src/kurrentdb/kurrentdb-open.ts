/**
 * The KurrentDB event store a URL names (what connectKurrentDb in ../index.ts opens):
 * - `kurrentdb://…`, `kurrentdb+discover://…` (and the client's other schemes): a KurrentDB server,
 *   through @kurrent/kurrentdb-client (KurrentDbEventStore.connect);
 * - `kurrentdb-simulator://` or `kurrentdb-simulator://<name>`: the same adapter over an in-memory
 *   simulated node (simulator/kurrentdb-simulator.ts), one per name in the process, so that two
 *   stores opened on one name share their data, as two connections to one server do. For
 *   development and tests: refused when NODE_ENV is production, and everything is lost on exit.
 */
import type { EventStore } from '../event-store.port.js';
import { KurrentDbEventStore, type KurrentDbEventStoreOptions } from './kurrentdb-event-store.js';
import type { KurrentDbSimulator } from './simulator/kurrentdb-simulator.js';

export const SIMULATOR_SCHEME = 'kurrentdb-simulator:';

const SIMULATOR_URL = /^kurrentdb-simulator:\/\/([A-Za-z0-9][A-Za-z0-9._-]{0,63})?\/?$/i;

const nodes = new Map<string, KurrentDbSimulator>();

export async function openKurrentDbEventStore(
  url: string,
  options: KurrentDbEventStoreOptions = {},
): Promise<EventStore> {
  const name = simulatorName(url);
  if (name === null) return KurrentDbEventStore.connect(url, options);
  return new KurrentDbEventStore((await simulatedNode(name)).connect(), options);
}

/**
 * The simulated node of a name (created on first use), e.g. for a test that opened the store with
 * `kurrentdb-simulator://<name>` and now injects faults or deletes a stream.
 */
export async function simulatedNode(name = 'default'): Promise<KurrentDbSimulator> {
  if (process.env['NODE_ENV'] === 'production') {
    throw new Error(
      'KURRENTDB_URL names the in-memory KurrentDB simulator (kurrentdb-simulator://), which keeps nothing and is for development and tests: ' +
        'it is refused when NODE_ENV is production. Give the URL of a KurrentDB server.',
    );
  }
  const existing = nodes.get(name);
  if (existing) return existing;
  // Loaded only when asked for: production never loads the simulator.
  const { KurrentDbSimulator } = await import('./simulator/kurrentdb-simulator.js');
  const node = nodes.get(name) ?? new KurrentDbSimulator();
  nodes.set(name, node);
  return node;
}

/** The simulator's name in a `kurrentdb-simulator://` URL ('default' when it names none); null for any other URL. */
export function simulatorName(url: string): string | null {
  const trimmed = url.trim();
  if (!trimmed.toLowerCase().startsWith(SIMULATOR_SCHEME)) return null;
  const match = SIMULATOR_URL.exec(trimmed);
  if (!match) {
    throw new Error(
      `Invalid KurrentDB simulator URL: expected kurrentdb-simulator:// or kurrentdb-simulator://<name> (letters, digits, '.', '_', '-'), with no options`,
    );
  }
  return match[1] ?? 'default';
}
