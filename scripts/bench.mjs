// `npm run bench [-- --quick]`: builds the API, the projector and the benchmarks if needed, then runs them.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfNeeded } from './build-if-needed.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(root, 'dist/bench/bench/main.js');
buildIfNeeded();
if (
  !existsSync(main) ||
  statSync(main).mtimeMs < statSync(join(root, 'dist/apps/api/apps/api/src/main.js')).mtimeMs ||
  readdirSync(join(root, 'bench')).some(
    (file) => file.endsWith('.ts') && statSync(main).mtimeMs < statSync(join(root, 'bench', file)).mtimeMs,
  )
) {
  execFileSync(process.execPath, [join(root, 'node_modules/@nestjs/cli/bin/nest.js'), 'build', 'bench'], {
    cwd: root,
    stdio: 'inherit',
  });
}
await import(main);
