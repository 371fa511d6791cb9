import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiKeys, hashApiKey } from './api-keys.js';

const dir = mkdtempSync(join(tmpdir(), 'keys-'));
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
};

describe('API keys', () => {
  it('authenticates the development keys in development, by their hash', () => {
    const keys = ApiKeys.load({ file: null, production: false });
    expect(keys.authenticate('evaluator-dev-api-key')).toEqual({ id: 'dev:evaluator', roles: ['evaluator'] });
    expect(keys.authenticate('evaluator-dev-api-key ')).toBeNull();
  });

  it('authenticates hashed keys', () => {
    const keys = ApiKeys.load({
      file: file('hashed.json', [
        { keyHash: hashApiKey('a-long-enough-secret'), principal: 'ops', roles: ['viewer', 'auditor'] },
      ]),
      production: true,
    });
    expect(keys.authenticate('a-long-enough-secret')).toEqual({ id: 'ops', roles: ['viewer', 'auditor'] });
  });

  it.each([
    ['an unknown role', [{ key: 'a-long-enough-secret', principal: 'p', roles: ['admin'] }], 'roles'],
    ['no roles', [{ key: 'a-long-enough-secret', principal: 'p', roles: [] }], 'roles'],
    ['no principal', [{ key: 'a-long-enough-secret', roles: ['viewer'] }], 'principal'],
    ['a short key', [{ key: 'short', principal: 'p', roles: ['viewer'] }], 'at least 16'],
    ['a malformed hash', [{ keyHash: 'md5:abc', principal: 'p', roles: ['viewer'] }], 'keyHash'],
    [
      'a key twice',
      [
        { key: 'a-long-enough-secret', principal: 'p', roles: ['viewer'] },
        { key: 'a-long-enough-secret', principal: 'q', roles: ['viewer'] },
      ],
      'twice',
    ],
    ['no keys at all', [], 'No API keys'],
    ['not a list', { key: 'a-long-enough-secret' }, 'JSON array'],
  ])('refuses a file with %s', (_, content, message) => {
    expect(() => ApiKeys.load({ file: file(`bad-${message}.json`, content), production: false })).toThrow(message);
  });
});
