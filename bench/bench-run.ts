/**
 * What one run of the benchmarks shares: its sizes (`--quick` for small ones), its working
 * directory, and the figures it records, each printed as it is measured.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const quick = process.argv.includes('--quick');
export const SIZES = quick
  ? {
      rawDurable: 300,
      rawBatched: 20_000,
      singleWriter: 300,
      concurrent: 3_000,
      batched: 20_000,
      httpSeconds: 4,
      ceilingSeconds: 2,
      logBlocks: 400,
      querySeconds: 2,
      ryw: 30,
      liveSpaceLookups: 2_000,
      jsonEvents: 50_000,
      clickDayBids: 2_000,
    }
  : {
      rawDurable: 3_000,
      rawBatched: 300_000,
      singleWriter: 3_000,
      concurrent: 30_000,
      batched: 300_000,
      httpSeconds: 30,
      ceilingSeconds: 10,
      logBlocks: 18_900,
      querySeconds: 10,
      ryw: 300,
      liveSpaceLookups: 20_000,
      jsonEvents: 1_000_000,
      clickDayBids: 100_000,
    };

export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly ceiling?: { readonly name: string; readonly value: number };
  /** A second ceiling of the same run, for the figures of the write path: the durable append over HTTP. */
  readonly durableCeiling?: { readonly name: string; readonly value: number };
  readonly goal?: string;
  readonly detail?: string;
}
export const figures: Figure[] = [];
/** Records a figure and prints it, with its share of its ceiling. */
export const record = (figure: Figure) => {
  figures.push(figure);
  const ratio = [figure.ceiling, figure.durableCeiling]
    .filter((c) => c !== undefined)
    .map((c) => ` (${share(figure.value, c.value)} of ${c.name})`)
    .join('');
  process.stdout.write(
    `  ${figure.name}: ${format(figure.value)} ${figure.unit}${ratio}${figure.detail ? ` — ${figure.detail}` : ''}\n`,
  );
};
/** A figure as a share of its ceiling, in per cent. */
export const share = (value: number, ceiling: number) => `${((value / ceiling) * 100).toFixed(1)}%`;
export const format = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));
/** Where the benchmarks write their data; the runner removes it at the end. */
export const work = mkdtempSync(join(tmpdir(), 'bench-'));
