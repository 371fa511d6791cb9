import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the folder with package.json), from the sources or from the build in dist/. */
export function projectRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`No package.json above ${from}`);
  }
}

/** The development API keys, in plain text, listed in the README. Never accepted in production. */
export const devApiKeysFile = (): string => join(projectRoot(), 'config', 'dev-api-keys.json');

/**
 * The demo programmes loaded into an empty store at first start, in this order: WECARE (2014-2020,
 * eligible until 31 December 2023), then a demonstration programme of 2021-2027 whose eligibility
 * period holds today's operations.
 */
export const demoProgrammeFiles = (): string[] =>
  ['wecare-programme.json', 'wecare-2127-programme.json'].map((file) =>
    join(projectRoot(), 'config', 'fixtures', file),
  );
