/**
 * `npm run bench` (add `-- --quick` for small sizes): measures the product and, in the same run on
 * the same machine, the ceiling each figure is bounded by; prints a table and writes
 * bench/results/latest.json. No thresholds: the goals are reported beside the figures.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { figures, format, quick, share, work } from './bench-run.js';
import { ceilings } from './ceilings.bench.js';
import { clickDay } from './click-day.bench.js';
import { eventStore } from './event-store.bench.js';
import { httpCommands } from './http-commands.bench.js';
import { ROOT } from './measure.js';
import { readSide } from './read-side.bench.js';

async function main() {
  process.stdout.write(
    `cohesion-ledger benchmarks${quick ? ' (quick)' : ''} on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`,
  );
  try {
    const ceiling = await ceilings();
    await eventStore(ceiling);
    await httpCommands(ceiling);
    await clickDay(ceiling);
    await readSide(ceiling.json);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const out = resolve(ROOT, 'bench/results/latest.json');
  mkdirSync(resolve(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ at: new Date().toISOString(), quick, machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version }, figures }, null, 2)}\n`,
  );
  process.stdout.write(
    `\n| figure | value | ceiling | share of ceiling | durable ceiling | share of durable ceiling | goal |\n| --- | --- | --- | --- | --- | --- | --- |\n`,
  );
  const cells = (c: { name: string; value: number } | undefined, value: number) =>
    c ? `${format(c.value)} (${c.name}) | ${share(value, c.value)}` : ' | ';
  for (const f of figures) {
    process.stdout.write(
      `| ${f.name} | ${format(f.value)} ${f.unit} | ${cells(f.ceiling, f.value)} | ${cells(f.durableCeiling, f.value)} | ${f.goal ?? ''} |\n`,
    );
  }
  process.stdout.write(`\nWritten to ${out}\n`);
}

await main();
