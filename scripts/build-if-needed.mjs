// Builds the API and the projector with `nest build` when dist/ is missing or older than any source file
// (the dashboard's HTML, CSS and scripts under apps/ included: nest build copies them into dist/).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const API_MAIN = join(root, 'dist/apps/api/apps/api/src/main.js');
/** Starts tracing when OTEL_TRACES_EXPORTER asks for it; imported before the API (`node --import` in the Dockerfile). */
export const API_TRACING_PRELOAD = join(root, 'dist/apps/api/apps/api/src/observability/tracing.preload.js');
export const PROJECTOR_MAIN = join(root, 'dist/apps/projector/apps/projector/src/main.js');

/** The client library is generated from the API and built into neither process. */
const NOT_BUILT = new Set([join(root, 'libs/client')]);

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (NOT_BUILT.has(path)) continue;
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.(ts|json|html|css|js|svg)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the API and the projector (`nest build`) when a source is newer than their output. */
export function buildIfNeeded() {
  const sources = Math.max(
    ...['apps', 'libs', 'config'].map((d) => newestSource(join(root, d))),
    statSync(join(root, 'tsconfig.json')).mtimeMs,
  );
  for (const [app, output] of [
    ['api', API_MAIN],
    ['projector', PROJECTOR_MAIN],
  ]) {
    if (existsSync(output) && statSync(output).mtimeMs >= sources) continue;
    process.stdout.write(`Building ${app} (nest build ${app})…\n`);
    execFileSync(process.execPath, [join(root, 'node_modules/@nestjs/cli/bin/nest.js'), 'build', app], {
      cwd: root,
      stdio: 'inherit',
    });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildIfNeeded();
