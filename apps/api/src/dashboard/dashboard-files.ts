import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface DashboardFile {
  readonly contentType: string;
  readonly body: Buffer;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * The dashboard's files: `apps/api/public/app/` beside the sources, copied by `nest build` to the
 * same place beside the build (nest-cli.json `assets`), so this module finds them one way in both.
 * The charts' library comes from its package, served as `vendor/chart.umd.js`.
 */
export const DASHBOARD_DIR = fileURLToPath(new URL('../../public/app/', import.meta.url));

/** Reads every file once, at start: the dashboard serves exactly these names and nothing else. */
export function loadDashboardFiles(dir: string = DASHBOARD_DIR): ReadonlyMap<string, DashboardFile> {
  const files = new Map<string, DashboardFile>();
  for (const path of walk(dir)) {
    const contentType = CONTENT_TYPES[extname(path)];
    if (contentType) files.set(relative(dir, path).split(sep).join('/'), { contentType, body: readFileSync(path) });
  }
  if (!files.has('index.html'))
    throw new Error(`The dashboard's files are missing: no index.html in ${dir} (run nest build)`);
  files.set('vendor/chart.umd.js', { contentType: CONTENT_TYPES['.js']!, body: readFileSync(chartJsBundle()) });
  return files;
}

/** chart.js's self-contained browser build, beside the entry its package exports. */
function chartJsBundle(): string {
  return join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.js');
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return walk(path);
    return entry.isFile() ? [path] : [];
  });
}
