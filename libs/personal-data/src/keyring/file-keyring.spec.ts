/** The keyring file: sealed under VAULT_KEY, written whole, and a destroyed key gone from it. */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyUnavailableError } from '../key-encryption-keys.port.js';
import { FileKeyring, openKeyringFile } from './file-keyring.js';

describe('the keyring file', () => {
  let dir: string;
  let path: string;
  const vaultKey = randomBytes(32);
  const dataKey = randomBytes(32);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'keyring-'));
    path = join(dir, 'keys', 'vault-keyring.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is created only when asked, readable by its owner only, in a directory of its owner only', async () => {
    expect(() => FileKeyring.open(path, vaultKey, { createIfAbsent: false })).toThrow(/is missing/);
    const keys = FileKeyring.open(path, vaultKey, { createIfAbsent: true });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'keys')).mode & 0o777).toBe(0o700);
    const { current, live, destroyed } = await keys.generations();
    expect({ live, destroyed }).toEqual({ live: [current], destroyed: [] });
    expect(await FileKeyring.open(path, vaultKey, { createIfAbsent: false }).generations()).toEqual({
      current,
      live,
      destroyed,
    });
  });

  it('gives processes starting together one keyring', async () => {
    const keyrings = Array.from({ length: 5 }, () => FileKeyring.open(path, vaultKey, { createIfAbsent: true }));
    const currents = await Promise.all(keyrings.map(async (k) => (await k.generations()).current));
    expect(new Set(currents).size).toBe(1);
    expect(readdirSync(join(dir, 'keys'))).toEqual(['vault-keyring.json']);
  });

  it('opens with its VAULT_KEY only, refuses a file altered or open to others, and shows no secret without the key', () => {
    FileKeyring.open(path, vaultKey, { createIfAbsent: true });
    expect(() => FileKeyring.open(path, randomBytes(32), { createIfAbsent: false })).toThrow(
      /cannot be opened with VAULT_KEY/,
    );
    const secret = openKeyringFile(path, vaultKey).keys[0]!.secret;
    expect(readFileSync(path, 'utf8')).not.toContain(secret);
    const text = JSON.parse(readFileSync(path, 'utf8')) as { format: string; sealed: string };
    const altered = Buffer.from(text.sealed, 'base64');
    altered[40] = altered[40]! ^ 1;
    writeFileSync(path, JSON.stringify({ ...text, sealed: altered.toString('base64') }), { mode: 0o600 });
    expect(() => FileKeyring.open(path, vaultKey, { createIfAbsent: false })).toThrow(/altered/);
    chmodSync(path, 0o644);
    expect(() => FileKeyring.open(path, vaultKey, { createIfAbsent: false })).toThrow(
      /open to other users \(mode 644\)/,
    );
  });

  it('wraps a data key for one context under one generation', async () => {
    const keys = FileKeyring.open(path, vaultKey, { createIfAbsent: true });
    const { current } = await keys.generations();
    const wrapped = await keys.wrap(current, dataKey, 'subject-1');
    expect(await keys.unwrap(current, wrapped, 'subject-1')).toEqual(dataKey);
    await expect(keys.unwrap(current, wrapped, 'subject-2')).rejects.toThrow();
    expect(await keys.mac(current, 'RSSMRA80A41L219X')).toBe(await keys.mac(current, 'RSSMRA80A41L219X'));
    await expect(keys.unwrap('k9-000000', wrapped, 'subject-1')).rejects.toMatchObject({ reason: 'unknown' });
  });

  it('rotates and destroys: another process sees both at its next call, and a destroyed key is in no file', async () => {
    const here = FileKeyring.open(path, vaultKey, { createIfAbsent: true });
    const there = FileKeyring.open(path, vaultKey, { createIfAbsent: false });
    const first = (await here.generations()).current;
    const wrappedThere = await there.wrap(first, dataKey, 's');
    const macBefore = await there.mac(first, 'RSSMRA80A41L219X');
    const oldSecret = openKeyringFile(path, vaultKey).keys[0]!.secret;

    const second = await here.rotate();
    expect(await there.generations()).toEqual({ current: second, live: [first, second], destroyed: [] });
    const rewrapped = await there.wrap(second, await there.unwrap(first, wrappedThere, 's'), 's');
    expect(await there.mac(second, 'RSSMRA80A41L219X')).not.toBe(macBefore);
    await expect(here.destroy([second])).rejects.toThrow(/cannot be destroyed/);

    await here.destroy([first]);
    expect(await there.generations()).toEqual({ current: second, live: [second], destroyed: [first] });
    await expect(there.unwrap(first, wrappedThere, 's')).rejects.toThrow(KeyUnavailableError);
    await expect(there.mac(first, 'RSSMRA80A41L219X')).rejects.toMatchObject({ reason: 'destroyed' });
    expect(await there.unwrap(second, rewrapped, 's')).toEqual(dataKey);
    expect(JSON.stringify(openKeyringFile(path, vaultKey))).not.toContain(oldSecret);
    expect(readdirSync(join(dir, 'keys'))).toEqual(['vault-keyring.json']);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(await FileKeyring.open(path, vaultKey, { createIfAbsent: false }).rotate()).toMatch(/^k3-/);
  });

  it('says so when the file is gone, rather than making a new one', async () => {
    const keys = FileKeyring.open(path, vaultKey, { createIfAbsent: true });
    rmSync(path);
    await expect(keys.generations()).rejects.toThrow(/is gone/);
  });
});
