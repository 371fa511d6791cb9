export * from './event-store.port.js';
export * from './event-store.errors.js';
export * from './log-position.js';
export { DEFAULT_MAX_EVENT_BYTES, streamCategory, assertStreamName } from './append-validation.js';
export { SqliteEventStore, type SqliteEventStoreOptions } from './embedded/sqlite-event-store.js';
export { compiledWriterScript } from './embedded/sqlite-writer-thread.js';
export { EventTypeRegistry, type Upcaster } from './serialization/event-type-registry.js';
export { DelegatingEventStore } from './delegating-event-store.js';
export { UpcastingEventStore } from './serialization/upcasting-event-store.js';
export { LinkingEventStore } from './chain/linking-event-store.js';
export { STREAM_LINK_KEY, storedStreamLink, streamLinkOf, canonicalJson } from './chain/stream-link.js';
export {
  ANCHOR_EVENT,
  ANCHOR_GENESIS,
  ANCHOR_SCHEMA_VERSION,
  ANCHOR_STREAM,
  AnchorKeys,
  AnchorSigner,
  anchorDigest,
  keyIdOf,
  type AnchorData,
} from './chain/anchors.js';
export { DirectoryAnchorWitness, type AnchorWitness, type WitnessedAnchor } from './chain/anchor-witness.js';
export { Anchorer, type AnchorerOptions } from './chain/anchorer.js';
export { AnchorSchedule, type AnchorScheduleOptions } from './chain/anchor-schedule.js';
export {
  verifyLog,
  type LogVerification,
  type StreamBreak,
  type AnchorBreak,
  type VerifyOptions,
} from './chain/log-verifier.js';
export type { KurrentDbEventStoreOptions } from './kurrentdb/kurrentdb-event-store.js';

/**
 * The KurrentDB adapter a URL names, loaded only when asked for (its gRPC client is heavy to load):
 * a server, or for `kurrentdb-simulator://[name]` the in-memory simulator (refused in production).
 */
export async function connectKurrentDb(
  connectionString: string,
  options: import('./kurrentdb/kurrentdb-event-store.js').KurrentDbEventStoreOptions = {},
): Promise<import('./event-store.port.js').EventStore> {
  const { openKurrentDbEventStore } = await import('./kurrentdb/kurrentdb-open.js');
  return openKurrentDbEventStore(connectionString, options);
}
export { InMemoryEventStore, InMemoryLog } from './in-memory/in-memory-event-store.js';
export {
  FaultyEventStore,
  type FaultyEventStoreOptions,
  type FaultyOperation,
  type InjectedFault,
} from './faults/faulty-event-store.js';
export { seededRandom } from './faults/seeded-random.js';
export {
  EVENT_STORE_FAULTS,
  InvalidEventStoreFaultsError,
  formatEventStoreFaults,
  parseEventStoreFaults,
  type EventStoreFault,
  type EventStoreFaults,
} from './faults/event-store-faults.js';
