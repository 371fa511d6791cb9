// Runs one of the projector app's tools after building if needed: rebuild, audit-verify, audit-replay,
// backup, restore.
import { join } from 'node:path';
import { PROJECTOR_MAIN, buildIfNeeded } from './build-if-needed.mjs';

const tool = process.argv[2];
if (!['rebuild', 'audit-verify', 'audit-replay', 'backup', 'restore'].includes(tool ?? '')) {
  process.stderr.write('usage: run-tool.mjs rebuild|audit-verify|audit-replay|backup|restore\n');
  process.exit(2);
}
buildIfNeeded();
await import(join(PROJECTOR_MAIN, '..', `${tool}.js`));
