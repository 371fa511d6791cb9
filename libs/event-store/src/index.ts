export * from './event-store.port.js';
export * from './event-store.errors.js';
export * from './log-position.js';
export { DEFAULT_MAX_EVENT_BYTES, streamCategory, assertStreamName } from './append-validation.js';
export { SqliteEventStore, type SqliteEventStoreOptions } from './embedded/sqlite-event-store.js';
export { EventTypeRegistry, type Upcaster } from './serialization/event-type-registry.js';
export { UpcastingEventStore } from './serialization/upcasting-event-store.js';
export { LinkingEventStore } from './chain/linking-event-store.js';
export { STREAM_LINK_KEY, storedStreamLink, streamLinkOf, canonicalJson } from './chain/stream-link.js';
export { ANCHOR_EVENT, ANCHOR_SCHEMA_VERSION, ANCHOR_STREAM, AnchorKeys, AnchorSigner, keyIdOf, type AnchorData } from './chain/anchors.js';
export { Anchorer, type AnchorerOptions } from './chain/anchorer.js';
export { verifyLog, type LogVerification, type StreamBreak, type AnchorBreak, type VerifyOptions } from './chain/log-verifier.js';
export type { KurrentDbEventStoreOptions } from './kurrentdb/kurrentdb-event-store.js';

/** The KurrentDB adapter, loaded only when asked for (its gRPC client is heavy to load). */
export async function connectKurrentDb(
  connectionString: string,
  options: { maxEventBytes?: number } = {},
): Promise<import('./event-store.port.js').EventStore> {
  const { KurrentDbEventStore } = await import('./kurrentdb/kurrentdb-event-store.js');
  return KurrentDbEventStore.connect(connectionString, options);
}
export { InMemoryEventStore, InMemoryLog } from './in-memory/in-memory-event-store.js';
export { FaultyEventStore, seededRandom, type FaultyEventStoreOptions, type FaultyOperation, type InjectedFault } from './faults/faulty-event-store.js';
export { EVENT_STORE_FAULTS, InvalidEventStoreFaultsError, formatEventStoreFaults, parseEventStoreFaults, type EventStoreFault, type EventStoreFaults } from './faults/event-store-faults.js';
