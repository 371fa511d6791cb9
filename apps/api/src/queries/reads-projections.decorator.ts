import { SetMetadata } from '@nestjs/common';
import { FUNDING_PROJECTIONS } from '@app/read-models';

export const READS_PROJECTIONS = 'readsProjections';

/**
 * The projections a query route reads: with `X-Min-Position` it waits for these only, not for a
 * projection it does not read. A route that declares none waits for every projection.
 */
export function ReadsProjections(...names: [string, ...string[]]): MethodDecorator {
  const known = new Set(FUNDING_PROJECTIONS.map((p) => p.name));
  const unknown = names.filter((name) => !known.has(name));
  // Fails when the module loads: a misspelt name would otherwise make the route wait for nothing.
  if (unknown.length > 0) throw new Error(`No such projection: ${unknown.join(', ')}`);
  return SetMetadata(READS_PROJECTIONS, names);
}
