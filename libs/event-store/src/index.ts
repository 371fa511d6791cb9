export * from './event-store.port.js';
export * from './event-store.errors.js';
export * from './log-position.js';
export { DEFAULT_MAX_EVENT_BYTES, streamCategory, assertStreamName } from './append-validation.js';
export { SqliteEventStore, type SqliteEventStoreOptions } from './embedded/sqlite-event-store.js';
export { EventTypeRegistry, type Upcaster } from './serialization/event-type-registry.js';
export { UpcastingEventStore } from './serialization/upcasting-event-store.js';
