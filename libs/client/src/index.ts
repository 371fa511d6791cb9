export type { components, operations, paths } from './ledger-api.js';
export * from './ledger-client.js';
