// The embedded event store's writer thread for the fast tiers (contract, integration): a worker
// thread loads JavaScript, not the TypeScript sources, so the worker's script and the modules it
// imports (a handful, relative imports only) are transpiled with the project's TypeScript into
// dist/test-support/writer-thread, in a second, without the whole `nest build` the process tiers
// need. The type check of the same sources is `npm run typecheck`'s.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const ENTRY = join(root, 'libs/event-store/src/embedded/sqlite-writer.worker.ts');
const OUT = join(root, 'dist/test-support/writer-thread');

/** Where the transpiled writer thread's script is (event-store.adapters.ts loads it from there). */
export const TRANSPILED_WRITER_SCRIPT = join(OUT, relative(root, ENTRY).replace(/\.ts$/, '.js'));

const RELATIVE_IMPORT = /(?:from|import)\s+'(\.{1,2}\/[^']+)\.js'/g;

export function transpileWriterThread() {
  const pending = [ENTRY];
  const done = new Set();
  while (pending.length > 0) {
    const source = pending.pop();
    if (done.has(source)) continue;
    done.add(source);
    const text = readFileSync(source, 'utf8');
    for (const [, specifier] of text.matchAll(RELATIVE_IMPORT))
      pending.push(resolve(dirname(source), `${specifier}.ts`));
    const { outputText } = ts.transpileModule(text, {
      fileName: source,
      compilerOptions: {
        module: ts.ModuleKind.ES2022,
        target: ts.ScriptTarget.ES2023,
        esModuleInterop: true,
        verbatimModuleSyntax: false,
      },
    });
    const target = join(OUT, relative(root, source).replace(/\.ts$/, '.js'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  // The transpiled modules are ES modules, whatever package.json the directory would otherwise inherit.
  writeFileSync(join(OUT, 'package.json'), '{ "type": "module" }\n');
  return done.size;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(`${transpileWriterThread()} modules → ${relative(root, OUT)}`);
}
