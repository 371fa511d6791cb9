/**
 * The architecture rules in eslint.config.js, exercised: each forbidden dependency is reported,
 * and the allowed ones are not. Lint runs in CI, so a rule that stopped firing would go unseen.
 */
import { describe, expect, it } from '@jest/globals';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: process.cwd() });

async function violations(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId?.startsWith('no-restricted')).map((m) => m.message);
}

describe('architecture rules', () => {
  const domainFile = 'libs/funding/src/calls/example.ts';

  it.each([
    ["import { Injectable } from '@nestjs/common'; export { Injectable };", 'no Nest'],
    ["import { readFileSync } from 'node:fs'; export { readFileSync };", 'no Node I/O'],
    ["import { readFileSync } from 'fs'; export { readFileSync };", 'no Node I/O'],
    ["import Database from 'better-sqlite3'; export { Database };", 'adapter'],
    ["import { MongoClient } from 'mongodb'; export { MongoClient };", 'adapter'],
    ["import { x } from '@app/event-store'; export { x };", 'depends on nothing else'],
    ["import { x } from '../../../event-store/src/index.js'; export { x };", 'depends on nothing else'],
    ['export const now = () => new Date();', 'No clock'],
    ['export const now = () => Date.now();', 'No clock'],
    ['export const id = () => Math.random();', 'deterministic'],
  ])('refuses in libs/funding: %s', async (code, message) => {
    const found = await violations(code, domainFile);
    expect(found.join('\n')).toContain(message);
  });

  it('lets the domain import its own modules and build dates from given instants', async () => {
    const code =
      "import { refuse } from '../domain-error.js';\nexport const at = (iso: string) => new Date(iso);\nexport { refuse };";
    expect(await violations(code, domainFile)).toEqual([]);
  });

  it('refuses an app reaching into another app', async () => {
    const code =
      "import { ProjectorModule } from '../../projector/src/projector.module.js'; export { ProjectorModule };";
    expect((await violations(code, 'apps/api/src/example.ts')).join()).toContain('must not import apps/projector');
    const back = "import { ApiModule } from '../../api/src/api.module.js'; export { ApiModule };";
    expect((await violations(back, 'apps/projector/src/example.ts')).join()).toContain('must not import apps/api');
  });

  it.each([
    ["import { readFileSync } from 'node:fs'; export { readFileSync };", 'no Node API'],
    ["import { Injectable } from '@nestjs/common'; export { Injectable };", 'no framework'],
    ["import { DOMAIN_ERROR_CODES } from '@app/funding'; export { DOMAIN_ERROR_CODES };", 'depends on nothing else'],
    [
      "import { ApiModule } from '../../../apps/api/src/api.module.js'; export { ApiModule };",
      'depends on nothing else',
    ],
  ])('refuses in libs/client: %s', async (code, message) => {
    expect((await violations(code, 'libs/client/src/example.ts')).join('\n')).toContain(message);
  });

  it('lets the client import openapi-fetch and its generated types', async () => {
    const code =
      "import createClient from 'openapi-fetch';\nimport type { paths } from './ledger-api.js';\nexport const client = createClient<paths>();";
    expect(await violations(code, 'libs/client/src/example.ts')).toEqual([]);
  });

  it("refuses an app importing the API's client", async () => {
    const code = "import { createLedgerClient } from '@app/client'; export { createLedgerClient };";
    expect((await violations(code, 'apps/api/src/example.ts')).join()).toContain('must not import libs/client');
  });

  it('refuses a library reaching into an app', async () => {
    const code = "import { ApiModule } from '../../../apps/api/src/api.module.js'; export { ApiModule };";
    expect((await violations(code, 'libs/event-store/src/example.ts')).join()).toContain('libs/ must not import apps/');
  });
});
