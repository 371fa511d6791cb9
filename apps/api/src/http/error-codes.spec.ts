import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES } from './error-codes.js';

/** The TypeScript sources an error code can come from: the API and every library. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !/\.(spec|contract-spec|int-spec)\.ts$/.test(entry.name) ? [path] : [];
  });
}

describe('error codes', () => {
  it('lists every code the API and the libraries give, so the OpenAPI enum is complete', () => {
    const libs = readdirSync('libs').map((lib) => join('libs', lib, 'src'));
    const files = [...sources('apps/api/src'), ...libs.flatMap(sources)];
    const used = new Set<string>();
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      // `{ code: 'X', message }` in an HTTP exception or a problem, `readonly code = 'X'` on an error class,
      // the union of codes an error class takes, HTTP's default codes and the body pipeline's problems.
      for (const match of text.matchAll(/\bcode: '([A-Z][A-Z0-9_]+)', message/g)) used.add(match[1]!);
      for (const match of text.matchAll(/readonly code = '([A-Z][A-Z0-9_]+)'/g)) used.add(match[1]!);
      for (const match of text.matchAll(/readonly code: ('[A-Z_]+'(?: \| '[A-Z_]+')*)/g))
        for (const code of match[1]!.matchAll(/'([A-Z_]+)'/g)) used.add(code[1]!);
      for (const match of text.matchAll(/case \d{3}: return '([A-Z_]+)'/g)) used.add(match[1]!);
      for (const match of text.matchAll(/problem\(res, \d{3}, '([A-Z_]+)'/g)) used.add(match[1]!);
    }
    expect(used.size).toBeGreaterThan(20);
    expect([...used].filter((code) => !(ERROR_CODES as readonly string[]).includes(code)).sort()).toEqual([]);
  });

  it('has no code twice', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });
});
