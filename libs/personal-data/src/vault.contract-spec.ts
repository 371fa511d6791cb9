/**
 * The personal-data vault on every store adapter: identities encrypted per subject, found again by
 * tax code, and gone for good once erased.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VAULT_STORES } from '../test-support/vault-stores.js';
import { PersonalDataVault } from './personal-data-vault.js';
import type { VaultStore } from './vault-store.port.js';

const maria = { taxCode: 'RSSMRA80A41L219X', name: 'Maria Rossi Testa', contact: { email: 'maria.rossi@example.org' } };

for (const adapter of VAULT_STORES) {
  if (adapter.skipped) console.warn(`Personal-data vault contract suite for ${adapter.name} SKIPPED: ${adapter.skipped}`);
  const suite = adapter.skipped ? describe.skip : describe;

  suite(`personal-data vault contract: ${adapter.name}${adapter.skipped ? ` (skipped: ${adapter.skipped})` : ''}`, () => {
    let store: VaultStore;
    let dir: string | null;
    let tearDown: () => Promise<void>;
    let vault: PersonalDataVault;
    const masterKey = randomBytes(32);

    beforeEach(async () => {
      ({ store, dir, tearDown } = await adapter.setUp());
      vault = new PersonalDataVault(store, masterKey);
    });
    afterEach(async () => {
      await tearDown();
    });

    it('registers an identity once per tax code, and reads it back', async () => {
      const first = await vault.register(maria);
      expect(first.created).toBe(true);
      expect(await vault.register({ ...maria, taxCode: ` ${maria.taxCode.toLowerCase()} ` })).toEqual({ subjectId: first.subjectId, created: false });
      expect(await vault.read(first.subjectId)).toMatchObject({ status: 'held', identity: { name: maria.name, taxCode: maria.taxCode, contact: maria.contact } });
      expect(await vault.find(maria.taxCode)).toBe(first.subjectId);
      expect(await vault.find('VRDGPP70B12F205Z')).toBeNull();
    });

    it('gives one subject to registrations of one tax code that race', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, () => vault.register(maria)));
      expect(new Set(results.map((r) => r.subjectId)).size).toBe(1);
    });

    it('keeps nothing readable without the master key', async () => {
      const { subjectId } = await vault.register(maria);
      const record = await store.bySubject(subjectId);
      expect(JSON.stringify(record)).not.toContain(maria.name);
      expect(JSON.stringify(record)).not.toContain(maria.taxCode);
      await expect(new PersonalDataVault(store, randomBytes(32)).read(subjectId)).rejects.toThrow();
    });

    it('erases a subject for good: unreadable, not found by tax code, and a new registration is a new subject', async () => {
      const { subjectId } = await vault.register(maria);
      const at = new Date('2031-01-02T10:00:00.000Z');
      await vault.erase(subjectId, at);
      await vault.erase(subjectId, new Date());
      expect(await vault.read(subjectId)).toEqual({ status: 'erased', subjectId, erasedAt: at.toISOString() });
      expect(await vault.find(maria.taxCode)).toBeNull();
      expect(await store.bySubject(subjectId)).toBeNull();
      const again = await vault.register(maria);
      expect(again.subjectId).not.toBe(subjectId);
    });

    it('knows nothing of a subject it never held', async () => {
      expect(await vault.read('00000000-0000-4000-8000-000000000000')).toBeNull();
    });

    if (adapter.name.startsWith('embedded')) {
      it('leaves no byte of an erased identity in its files, free pages and write-ahead log included', async () => {
        const { subjectId } = await vault.register(maria);
        const lookupBefore = (await store.bySubject(subjectId))!.lookup;
        await vault.erase(subjectId, new Date());
        const bytes = Buffer.concat(readdirSync(dir!).map((f) => readFileSync(join(dir!, f))));
        for (const needle of [maria.name, maria.taxCode, lookupBefore]) expect(bytes.includes(Buffer.from(needle))).toBe(false);
      });
    }
  });
}
