export * from './read-model-store.port.js';
export * from './projections/index.js';
export * from './projector.js';
export * from './live-generations.js';
export { SqliteReadModelStore } from './embedded/sqlite-read-model-store.js';
/** The MongoDB database of the read models, which the idempotency store shares (no driver loaded). */
export { mongoDatabaseName } from './mongodb/mongo-url.js';

/** The MongoDB adapter, loaded only when asked for; `operationTimeMs`: each operation's server-side time limit (10 s by default). */
export async function connectMongoReadModels(
  url: string,
  options: { operationTimeMs?: number } = {},
): Promise<import('./read-model-store.port.js').ReadModelStore> {
  const { MongoReadModelStore } = await import('./mongodb/mongo-read-model-store.js');
  return MongoReadModelStore.connect(url, { indexes: READ_MODEL_INDEXES, ...options });
}

/** The compound indexes the queries need, per collection. */
export const READ_MODEL_INDEXES: Readonly<Record<string, ReadonlyArray<ReadonlyArray<string>>>> = {
  calls: [['status'], ['measureId'], ['programmeId']],
  bids: [['callId', 'status'], ['callId', 'score'], ['callId', 'arrivalKey'], ['subjectId']],
  grants: [['callId'], ['subjectId']],
  expenditure_claims: [['status', 'submittedAt'], ['grantId']],
};
export { compareReadModels } from './compare-read-models.js';
