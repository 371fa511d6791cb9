import { isDeepStrictEqual } from 'node:util';
import type { ReadModelSpace } from './read-model-store.port.js';

/** Every document that differs between two spaces (missing, extra, or changed), described. */
export async function compareReadModels(expected: ReadModelSpace, actual: ReadModelSpace): Promise<string[]> {
  const differences: string[] = [];
  const collections = [...new Set([...(await expected.collections()), ...(await actual.collections())])].sort();
  for (const collection of collections) {
    const want = new Map((await expected.all(collection)).map((d) => [d.id, d.document]));
    const have = new Map((await actual.all(collection)).map((d) => [d.id, d.document]));
    for (const [id, document] of want) {
      const found = have.get(id);
      if (found === undefined) differences.push(`${collection}/${id}: missing from the live read models`);
      else if (!isDeepStrictEqual(found, document))
        differences.push(`${collection}/${id}: differs (${describe(document, found)})`);
    }
    for (const id of have.keys())
      if (!want.has(id)) differences.push(`${collection}/${id}: in the live read models but not in the replay`);
  }
  return differences;
}

function describe(expected: Record<string, unknown>, actual: Record<string, unknown>): string {
  const fields = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].filter(
    (f) => !isDeepStrictEqual(expected[f], actual[f]),
  );
  return fields
    .slice(0, 5)
    .map((f) => `${f}: replay ${JSON.stringify(expected[f])}, live ${JSON.stringify(actual[f])}`)
    .join('; ');
}
