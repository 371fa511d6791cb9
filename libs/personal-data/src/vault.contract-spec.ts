/**
 * The personal-data vault on every store adapter: identities encrypted per subject, found again by
 * tax code, and gone for good once erased, even from a copy of the database taken before the
 * erasure and opened with the keys left. Rotations lose nothing, whether cut short at any step or
 * raced by another process registering subjects.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VAULT_STORES, type VaultData } from '../test-support/vault-stores.js';
import { KeyUnavailableError, type KeyEncryptionKeys } from './key-encryption-keys.port.js';
import { FileKeyring } from './keyring/file-keyring.js';
import { PersonalDataVault, VAULT_ROTATION_LEASE, type VaultOptions } from './personal-data-vault.js';
import type { VaultStore } from './vault-store.port.js';

const maria = { taxCode: 'RSSMRA80A41L219X', name: 'Maria Rossi Testa', contact: { email: 'maria.rossi@example.org' } };
const others = [
  { taxCode: 'VRDGPP70B12F205Z', name: 'Giuseppe Verdi Nuovo' },
  { taxCode: 'BNCLRA85C41H501Y', name: 'Laura Bianchi Sole' },
  { taxCode: 'NREPLA77D15F839W', name: 'Paolo Neri Monte' },
  { taxCode: 'GLLSRA90E52A944V', name: 'Sara Gialli Fiume' },
  { taxCode: 'MRNLCA66H08L736U', name: 'Luca Marini Porto' },
];

class SimulatedCrash extends Error {
  override readonly name = 'SimulatedCrash';
}

for (const adapter of VAULT_STORES) {
  if (adapter.skipped)
    console.warn(`Personal-data vault contract suite for ${adapter.name} SKIPPED: ${adapter.skipped}`);
  const suite = adapter.skipped ? describe.skip : describe;

  suite(
    `personal-data vault contract: ${adapter.name}${adapter.skipped ? ` (skipped: ${adapter.skipped})` : ''}`,
    () => {
      let data: VaultData;
      let keyringDir: string;
      let keyringPath: string;
      let vault: PersonalDataVault;
      const vaultKey = randomBytes(32);
      /** The keyring as a process opens it at start: read from the file as it is now. */
      const keyring = () => FileKeyring.open(keyringPath, vaultKey, { createIfAbsent: true });
      const openVault = (
        store: VaultStore = data.store,
        keys: KeyEncryptionKeys = keyring(),
        options: VaultOptions = {},
      ) => PersonalDataVault.open(store, keys, { batchSize: 2, ...options });
      const register = async (v: PersonalDataVault, people: readonly { taxCode: string; name: string }[]) => {
        const ids: string[] = [];
        for (const person of people) ids.push((await v.register(person)).subjectId);
        return ids;
      };

      beforeEach(async () => {
        data = await adapter.setUp();
        keyringDir = mkdtempSync(join(tmpdir(), 'vault-keyring-'));
        keyringPath = join(keyringDir, 'vault-keyring.json');
        vault = await openVault();
      });
      afterEach(async () => {
        await data.tearDown();
        rmSync(keyringDir, { recursive: true, force: true });
      });

      it('registers an identity once per tax code, and reads it back', async () => {
        const first = await vault.register(maria);
        expect(first.created).toBe(true);
        expect(await vault.register({ ...maria, taxCode: ` ${maria.taxCode.toLowerCase()} ` })).toEqual({
          subjectId: first.subjectId,
          created: false,
        });
        expect(await vault.read(first.subjectId)).toMatchObject({
          status: 'held',
          identity: { name: maria.name, taxCode: maria.taxCode, contact: maria.contact },
        });
        expect(await vault.find(maria.taxCode)).toBe(first.subjectId);
        expect(await vault.find('VRDGPP70B12F205Z')).toBeNull();
      });

      it('gives one subject to registrations of one tax code that race', async () => {
        const results = await Promise.all(Array.from({ length: 10 }, () => vault.register(maria)));
        expect(new Set(results.map((r) => r.subjectId)).size).toBe(1);
      });

      it('keeps nothing readable without its keyring, and refuses a keyring that is not its own', async () => {
        const { subjectId } = await vault.register(maria);
        const record = await data.store.bySubject(subjectId);
        expect(JSON.stringify(record)).not.toContain(maria.name);
        expect(JSON.stringify(record)).not.toContain(maria.taxCode);
        const otherKeyring = FileKeyring.open(join(keyringDir, 'another.json'), randomBytes(32), {
          createIfAbsent: true,
        });
        await expect(openVault(await data.openAgain(), otherKeyring)).rejects.toThrow(/keys its keyring does not know/);
        expect(() => FileKeyring.open(keyringPath, randomBytes(32), { createIfAbsent: false })).toThrow(
          /cannot be opened with VAULT_KEY/,
        );
      });

      it('erases a subject for good: unreadable, not found by tax code, its key generation destroyed, and a new registration is a new subject', async () => {
        const { subjectId } = await vault.register(maria);
        const before = await keyring().generations();
        const at = new Date('2031-01-02T10:00:00.000Z');
        await vault.erase(subjectId, at);
        await vault.erase(subjectId, new Date());
        expect(await vault.read(subjectId)).toEqual({ status: 'erased', subjectId, erasedAt: at.toISOString() });
        expect(await vault.find(maria.taxCode)).toBeNull();
        expect(await data.store.bySubject(subjectId)).toBeNull();
        expect(await data.store.pendingErasures()).toEqual([]);
        const after = await keyring().generations();
        expect(after.live).toEqual([after.current]);
        expect(after.destroyed).toEqual(expect.arrayContaining([...before.live]));
        const again = await vault.register(maria);
        expect(again.subjectId).not.toBe(subjectId);
      });

      it('knows nothing of a subject it never held', async () => {
        expect(await vault.read('00000000-0000-4000-8000-000000000000')).toBeNull();
      });

      it('leaves an erased identity in no copy of the database taken before the erasure, opened with the keys left', async () => {
        const [mariaId, ...otherIds] = await register(vault, [maria, ...others.slice(0, 3)]);
        const copy = await data.copy();

        // The copy is a working backup until the erasure: with the keyring as it is, it reads.
        const restoredEarly = await openVault(await copy.open());
        expect(await restoredEarly.read(mariaId!)).toMatchObject({ status: 'held', identity: { name: maria.name } });

        await vault.erase(mariaId!, new Date());

        const warnings: string[] = [];
        const keysNow = keyring();
        const generationsNow = await keysNow.generations();
        const copyStore = await copy.open();
        const restored = await openVault(copyStore, keysNow, {
          log: { info: () => undefined, warn: (m) => warnings.push(m) },
        });
        // Opening the copy changed nothing in the keyring the live vault uses.
        expect(await keyring().generations()).toEqual(generationsNow);
        expect(warnings.join('\n')).toContain('4 record(s) of the vault are wrapped under destroyed keys');

        expect(await restored.find(maria.taxCode)).toBeNull();
        await expect(restored.read(mariaId!)).rejects.toThrow(KeyUnavailableError);
        const old = await copyStore.bySubject(mariaId!);
        expect(old).not.toBeNull();
        // No key left opens the erased subject's data key, whichever generation it is tried under.
        await expect(keysNow.unwrap(old!.keyId, old!.wrappedKey, mariaId!)).rejects.toThrow(KeyUnavailableError);
        for (const keyId of generationsNow.live)
          await expect(keysNow.unwrap(keyId, old!.wrappedKey, mariaId!)).rejects.toThrow();

        // Whatever the copy gives up, raw or decrypted, holds no byte of her.
        const decrypted: unknown[] = [];
        for (const id of [mariaId!, ...otherIds])
          decrypted.push(await restored.read(id).catch((error: unknown) => String(error)));
        const everything = Buffer.concat([await copy.bytes(), Buffer.from(JSON.stringify(decrypted))]);
        for (const needle of [maria.name, maria.taxCode, 'Rossi', maria.contact.email])
          expect(everything.includes(Buffer.from(needle))).toBe(false);

        // The live vault still reads everyone else.
        for (const [i, id] of otherIds.entries())
          expect(await vault.read(id)).toMatchObject({ status: 'held', identity: { name: others[i]!.name } });
      });

      it('keeps every other subject readable and findable through erasure after erasure', async () => {
        const ids = await register(vault, others);
        const erased = new Set<string>();
        for (const round of [0, 2, 4]) {
          await vault.erase(ids[round]!, new Date());
          erased.add(ids[round]!);
          const late = await vault.register({ taxCode: `LTRSBJ8${round}A01H501Z`, name: `Late Subject ${round}` });
          expect(await vault.read(late.subjectId)).toMatchObject({
            status: 'held',
            identity: { name: `Late Subject ${round}` },
          });
          for (const [i, id] of ids.entries()) {
            if (erased.has(id)) continue;
            expect(await vault.read(id)).toMatchObject({ status: 'held', identity: { name: others[i]!.name } });
            expect(await vault.find(others[i]!.taxCode)).toBe(id);
          }
          const generations = await keyring().generations();
          expect(generations.live).toEqual([generations.current]);
          // Every record under the one live key, with a lookup under it only.
          expect([...(await data.store.keyUsage()).keys()]).toEqual([generations.current]);
          for (const record of await data.store.wrappedUnder([generations.current], 100))
            expect(record.lookups.map((l) => l.keyId)).toEqual([generations.current]);
        }
        expect((await keyring().generations()).destroyed).toHaveLength(3);
      });

      describe('a rotation cut short', () => {
        type Step =
          | 'after the new key is written'
          | 'between two batches of re-wrapping'
          | 'before the old keys are destroyed'
          | 'after the old keys are destroyed';
        const steps: Step[] = [
          'after the new key is written',
          'between two batches of re-wrapping',
          'before the old keys are destroyed',
          'after the old keys are destroyed',
        ];

        /** The vault's ports with a crash (a throw) at one step of a rotation, as a process dies there. */
        function crashingAt(
          step: Step,
          store: VaultStore,
          keys: KeyEncryptionKeys,
        ): { store: VaultStore; keys: KeyEncryptionKeys } {
          let rewraps = 0;
          const crashingKeys: KeyEncryptionKeys = {
            generations: () => keys.generations(),
            wrap: (...args) => keys.wrap(...args),
            unwrap: (...args) => keys.unwrap(...args),
            mac: (...args) => keys.mac(...args),
            rotate: async () => {
              const id = await keys.rotate();
              if (step === 'after the new key is written') throw new SimulatedCrash(step);
              return id;
            },
            destroy: async (ids) => {
              if (step === 'before the old keys are destroyed') throw new SimulatedCrash(step);
              await keys.destroy(ids);
            },
          };
          const crashingStore = new Proxy(store, {
            get(target, property, receiver) {
              if (property === 'rewrap' && step === 'between two batches of re-wrapping') {
                return async (...args: Parameters<VaultStore['rewrap']>) => {
                  if (++rewraps === 2) throw new SimulatedCrash(step);
                  return target.rewrap(...args);
                };
              }
              if (property === 'dropLookups' && step === 'after the old keys are destroyed')
                return async () => Promise.reject(new SimulatedCrash(step));
              const value: unknown = Reflect.get(target, property, receiver);
              return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
            },
          });
          return { store: crashingStore, keys: crashingKeys };
        }

        it.each(steps)('%s loses no subject, and the next start finishes the erasure', async (step) => {
          const [mariaId, ...otherIds] = await register(vault, [maria, ...others]);
          const copy = await data.copy();
          const crashing = crashingAt(step, data.store, keyring());
          const dying = await openVault(crashing.store, crashing.keys);
          await expect(dying.erase(mariaId!, new Date('2031-01-02T10:00:00.000Z'))).rejects.toThrow(SimulatedCrash);

          // Before any restart: every other subject's data key opens with the keyring as the crash left it.
          const keysAfterCrash = keyring();
          for (const id of otherIds) {
            const record = (await data.store.bySubject(id))!;
            await expect(keysAfterCrash.unwrap(record.keyId, record.wrappedKey, id)).resolves.toHaveLength(32);
          }
          expect(await data.store.bySubject(mariaId!)).toBeNull();

          // The next start rolls the rotation forward.
          const restarted = await openVault(await data.openAgain());
          for (const [i, id] of otherIds.entries())
            expect(await restarted.read(id)).toMatchObject({ status: 'held', identity: { name: others[i]!.name } });
          expect(await restarted.read(mariaId!)).toMatchObject({
            status: 'erased',
            erasedAt: '2031-01-02T10:00:00.000Z',
          });
          expect(await data.store.pendingErasures()).toEqual([]);
          const generations = await keyring().generations();
          expect(generations.live).toEqual([generations.current]);
          const old = (await (await copy.open()).bySubject(mariaId!))!;
          await expect(keyring().unwrap(old.keyId, old.wrappedKey, mariaId!)).rejects.toThrow(KeyUnavailableError);
        });
      });

      it('finishes an erasure cut short between recording it and removing the record (two writes on MongoDB)', async () => {
        const [mariaId, otherId] = await register(vault, [maria, others[0]!]);
        const record = (await data.store.bySubject(mariaId!))!;
        const copy = await data.copy();
        // What a crash between the two writes leaves: the erasure recorded, the record still there.
        await data.store.erase(mariaId!, '2031-01-02T10:00:00.000Z');
        expect(await data.store.insert(record)).toEqual({ inserted: true });
        expect(await vault.read(mariaId!)).toMatchObject({ status: 'erased' });

        const restarted = await openVault(await data.openAgain());
        expect(await data.store.bySubject(mariaId!)).toBeNull();
        expect(await restarted.find(maria.taxCode)).toBeNull();
        expect(await data.store.pendingErasures()).toEqual([]);
        const old = (await (await copy.open()).bySubject(mariaId!))!;
        await expect(keyring().unwrap(old.keyId, old.wrappedKey, mariaId!)).rejects.toThrow(KeyUnavailableError);
        expect(await restarted.read(otherId!)).toMatchObject({ status: 'held', identity: { name: others[0]!.name } });
      });

      it('waits for a rotation run by another process, and takes over one whose process died holding the lease', async () => {
        const [mariaId, otherId] = await register(vault, [maria, others[0]!]);
        expect(await data.store.acquireLease(VAULT_ROTATION_LEASE, 'a process that died', 600, new Date())).toBe(true);
        const impatient = await openVault(await data.openAgain(), keyring(), { waitMs: 100 });
        await expect(impatient.erase(mariaId!, new Date())).rejects.toThrow(/still running in another process/);
        // The record is gone at once; the rotation is what waits.
        expect(await vault.read(mariaId!)).toMatchObject({ status: 'erased' });
        expect(await data.store.pendingErasures()).toEqual([mariaId]);

        await vault.erase(mariaId!, new Date());
        expect(await data.store.pendingErasures()).toEqual([]);
        const generations = await keyring().generations();
        expect(generations.live).toEqual([generations.current]);
        expect(await vault.read(otherId!)).toMatchObject({ status: 'held', identity: { name: others[0]!.name } });
      });

      it('loses no registration made by another process while it rotates, and keeps one subject per tax code', async () => {
        const [mariaId, ...firstIds] = await register(vault, [maria, ...others.slice(0, 2)]);
        const second = await openVault(await data.openAgain());
        const newcomers = others.slice(2);
        const [, ...registered] = await Promise.all([
          vault.erase(mariaId!, new Date()),
          ...newcomers.map((person) => second.register(person)),
          ...others.slice(0, 2).map((person) => second.register(person)),
        ]);
        const fresh = await openVault(await data.openAgain());
        for (const [i, person] of [...newcomers, ...others.slice(0, 2)].entries()) {
          const { subjectId } = registered[i] as { subjectId: string };
          expect(await fresh.find(person.taxCode)).toBe(subjectId);
          expect(await fresh.read(subjectId)).toMatchObject({ status: 'held', identity: { name: person.name } });
        }
        expect(registered.slice(newcomers.length).map((r) => (r as { subjectId: string }).subjectId)).toEqual(firstIds);
        const usage = await data.store.keyUsage();
        expect([...usage.values()].reduce((a, b) => a + b, 0)).toBe(others.length);
      });

      describe('a process that read the keys before another rotated them', () => {
        /** Its keyring, once armed, answers the next question with the keys as they were, after the rotation has run. */
        function staleOnce(
          keys: KeyEncryptionKeys,
          rotateMeanwhile: () => Promise<void>,
        ): { keys: KeyEncryptionKeys; arm(): void } {
          let armed = false;
          return {
            arm: () => (armed = true),
            keys: {
              generations: async () => {
                if (!armed) return keys.generations();
                armed = false;
                const before = await keys.generations();
                await rotateMeanwhile();
                return before;
              },
              wrap: (...args) => keys.wrap(...args),
              unwrap: (...args) => keys.unwrap(...args),
              mac: (...args) => keys.mac(...args),
              rotate: () => keys.rotate(),
              destroy: (ids) => keys.destroy(ids),
            },
          };
        }

        it('moves the subject it registers under the new key before answering', async () => {
          const [mariaId] = await register(vault, [maria]);
          const stale = staleOnce(keyring(), () => vault.erase(mariaId!, new Date()));
          const late = await openVault(await data.openAgain(), stale.keys);
          stale.arm();
          const { subjectId, created } = await late.register(others[0]!);
          expect(created).toBe(true);
          const generations = await keyring().generations();
          expect((await data.store.bySubject(subjectId))!.keyId).toBe(generations.current);
          expect(await (await openVault(await data.openAgain())).read(subjectId)).toMatchObject({
            status: 'held',
            identity: { name: others[0]!.name },
          });
        });

        it('answers with the subject already registered, not a second one', async () => {
          const [mariaId, giuseppeId] = await register(vault, [maria, others[0]!]);
          const stale = staleOnce(keyring(), () => vault.erase(mariaId!, new Date()));
          const late = await openVault(await data.openAgain(), stale.keys);
          stale.arm();
          expect(await late.register(others[0]!)).toEqual({ subjectId: giuseppeId, created: false });
          expect([...(await data.store.keyUsage()).values()]).toEqual([1]);
        });
      });

      if (adapter.name.startsWith('embedded')) {
        it('leaves no byte of an erased identity in its files, free pages and write-ahead log included', async () => {
          const { subjectId } = await vault.register(maria);
          const { lookups, wrappedKey } = (await data.store.bySubject(subjectId))!;
          await vault.erase(subjectId, new Date());
          const dir = data.dir!;
          const bytes = Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f))));
          for (const needle of [maria.name, maria.taxCode, wrappedKey, ...lookups.map((l) => l.value)])
            expect(bytes.includes(Buffer.from(needle))).toBe(false);
        });
      }
    },
  );
}
