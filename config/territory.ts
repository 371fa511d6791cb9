import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './project-files.js';

/** Where an operation is: the NUTS 3 area and NUTS 2 region of a municipality, from its ISTAT code. */
export interface Location {
  readonly nuts3: string;
  readonly nuts2: string;
}

let provinces: ReadonlyMap<string, string> | null = null;

/** The location of a six-digit ISTAT municipality code, or null when its province is not in config/territory/istat-provinces.json. */
export function locationOfMunicipality(istatCode: string): Location | null {
  provinces ??= new Map(
    Object.entries(
      (
        JSON.parse(readFileSync(join(projectRoot(), 'config', 'territory', 'istat-provinces.json'), 'utf8')) as {
          provinces: Record<string, { nuts3: string }>;
        }
      ).provinces,
    ).map(([code, { nuts3 }]) => [code, nuts3]),
  );
  if (!/^\d{6}$/.test(istatCode)) return null;
  const nuts3 = provinces.get(istatCode.slice(0, 3));
  return nuts3 ? { nuts3, nuts2: nuts3.slice(0, 4) } : null;
}
