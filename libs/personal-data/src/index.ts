export * from './vault-store.port.js';
export * from './personal-data-vault.js';
export { SqliteVaultStore } from './embedded/sqlite-vault-store.js';

/** The MongoDB adapter, loaded only when asked for. */
export async function connectMongoVault(url: string): Promise<import('./vault-store.port.js').VaultStore> {
  const { MongoVaultStore } = await import('./mongodb/mongo-vault-store.js');
  return MongoVaultStore.connect(url);
}

export const PERSONAL_DATA_VAULT = Symbol('PersonalDataVault');
