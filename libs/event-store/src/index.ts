export * from './event-store.port.js';
export * from './event-store.errors.js';
export * from './log-position.js';
export { DEFAULT_MAX_EVENT_BYTES, streamCategory, assertStreamName } from './append-validation.js';
export { SqliteEventStore, type SqliteEventStoreOptions } from './embedded/sqlite-event-store.js';
export { EventTypeRegistry, type Upcaster } from './serialization/event-type-registry.js';
export { UpcastingEventStore } from './serialization/upcasting-event-store.js';
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
