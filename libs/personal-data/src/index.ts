export * from './vault-store.port.js';
export * from './key-encryption-keys.port.js';
export * from './personal-data-vault.js';
export { FileKeyring } from './keyring/file-keyring.js';
export { SqliteVaultStore } from './embedded/sqlite-vault-store.js';

/** The MongoDB adapter, loaded only when asked for, in the database named (VAULT_DATABASE). */
export async function connectMongoVault(
  url: string,
  options: { database: string; timeoutMs?: number },
): Promise<import('./vault-store.port.js').VaultStore> {
  const { MongoVaultStore } = await import('./mongodb/mongo-vault-store.js');
  return MongoVaultStore.connect(url, options);
}

export const PERSONAL_DATA_VAULT = Symbol('PersonalDataVault');
