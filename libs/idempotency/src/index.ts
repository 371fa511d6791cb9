export * from './idempotency-store.port.js';
export * from './idempotency-keys.js';
export { SqliteIdempotencyStore, type SqliteIdempotencyStoreOptions } from './embedded/sqlite-idempotency-store.js';

/** The MongoDB adapter, loaded only when asked for. */
export async function connectMongoIdempotency(
  url: string,
): Promise<import('./idempotency-store.port.js').IdempotencyStore> {
  const { MongoIdempotencyStore } = await import('./mongodb/mongo-idempotency-store.js');
  return MongoIdempotencyStore.connect(url);
}
