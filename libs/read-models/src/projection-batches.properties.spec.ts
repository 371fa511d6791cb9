/**
 * The read models do not depend on how the runners cut the log: over random histories, runners on
 * the embedded store give the documents of the pure fold (projectInMemory) whatever the batch size,
 * the size of the chunks the log comes in and the number of documents kept between batches; a
 * catch-up stopped half-way and resumed from its checkpoints gives them too. And every document is
 * plain JSON, so a document kept in memory is the one the store would give back.
 */
import { describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { InMemoryEventStore, type LogPosition } from '@app/event-store';
import { TestLedger } from '../../funding/test-support/test-ledger.js';
import { play, scenario } from '../../funding/test-support/funding.arbitraries.js';
import { envelope } from '../test-support/funding-log.js';
import { projectInMemory, type Documents } from '../test-support/in-memory-projection.js';
import { SqliteReadModelStore } from './embedded/sqlite-read-model-store.js';
import { FUNDING_PROJECTIONS } from './projections/index.js';
import { ProjectionRunner, type RunnerOptions } from './projection-runner.js';
import type { ReadModelSpace } from './read-model-store.port.js';
import { SharedLog } from './shared-log.js';

const RUNS = Math.ceil(Number(process.env['PROPERTY_RUNS'] ?? 300) / 10);

/** How the runners cut the log: events per batch, items per chunk, documents kept between batches. */
interface Cut {
  readonly batchEvents: number;
  readonly chunk: number;
  readonly documentsKept: number;
}

async function logOf(value: Parameters<typeof play>[1]): Promise<InMemoryEventStore> {
  const ledger = new TestLedger();
  await play(ledger, value, true);
  const store = new InMemoryEventStore();
  for (const { stream, event } of ledger.log)
    await store.append({ stream, expected: 'any', events: [envelope(event)] });
  return store;
}

/** Every projection run until caught up (or, with `until`, until the log's event at that position), the SharedLog way. */
async function catchUp(
  events: InMemoryEventStore,
  space: ReadModelSpace,
  cut: Cut,
  until?: LogPosition,
): Promise<void> {
  const source = until
    ? { subscribe: (options: Parameters<InMemoryEventStore['subscribe']>[0]) => upTo(events, until, options) }
    : events;
  const log = new SharedLog(source, FUNDING_PROJECTIONS.length, { chunk: cut.chunk });
  const options: RunnerOptions = {
    stopWhenCaughtUp: true,
    batchEvents: cut.batchEvents,
    documentsKept: cut.documentsKept,
  };
  const runners = FUNDING_PROJECTIONS.map(
    (p) => new ProjectionRunner(log, space, p, new EventEmitter(), () => undefined, options),
  );
  await Promise.all(runners.map((r) => r.done));
  for (const runner of runners) expect(runner.status()).toMatchObject({ state: 'stopped', failure: null });
}

/** The store's subscription cut at `until`: its events up to there, then a caught-up mark. */
async function* upTo(
  events: InMemoryEventStore,
  until: LogPosition,
  options: Parameters<InMemoryEventStore['subscribe']>[0],
): ReturnType<InMemoryEventStore['subscribe']> {
  for await (const item of events.subscribe(options)) {
    if (item.kind === 'event' && item.event.position.commit > until.commit) break;
    if (item.kind === 'caught-up') break;
    yield item;
  }
  yield { kind: 'caught-up', position: until };
}

/** The fold's documents, without the collections left empty (a store lists only collections holding documents). */
function folded(events: Parameters<typeof projectInMemory>[0]): Documents {
  return new Map([...projectInMemory(events, FUNDING_PROJECTIONS)].filter(([, documents]) => documents.size > 0));
}

async function documentsOf(space: ReadModelSpace): Promise<Documents> {
  const documents: Documents = new Map();
  for (const collection of await space.collections())
    documents.set(collection, new Map((await space.all(collection)).map((d) => [d.id, d.document])));
  return documents;
}

const CUTS: readonly Cut[] = [
  { batchEvents: 1, chunk: 1, documentsKept: 0 },
  { batchEvents: 7, chunk: 3, documentsKept: 2 },
  { batchEvents: 50, chunk: 250, documentsKept: 10 },
  { batchEvents: 1_000, chunk: 250, documentsKept: 1_024 },
];

describe(`read models over ${RUNS} random histories, however the runners cut the log`, () => {
  it('are the documents of the pure fold for every batch size, chunk size and number of documents kept', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, fc.constantFrom(...CUTS), async (value, cut) => {
        const events = await logOf(value);
        const expected = folded(await events.readAll());
        const store = SqliteReadModelStore.open(':memory:');
        try {
          await catchUp(events, store.space(1), cut);
          expect(await documentsOf(store.space(1))).toEqual(expected);
        } finally {
          await store.close();
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('are the same when a catch-up stops half-way and goes on from its checkpoints, with documents read back from the store', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, fc.double({ min: 0, max: 1, noNaN: true }), async (value, share) => {
        const events = await logOf(value);
        const all = await events.readAll();
        const expected = folded(all);
        const middle = all[Math.floor(share * (all.length - 1))]!.position;
        const store = SqliteReadModelStore.open(':memory:');
        try {
          await catchUp(events, store.space(1), { batchEvents: 5, chunk: 4, documentsKept: 3 }, middle);
          await catchUp(events, store.space(1), { batchEvents: 5, chunk: 4, documentsKept: 3 });
          expect(await documentsOf(store.space(1))).toEqual(expected);
        } finally {
          await store.close();
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('are plain JSON: what the store gives back is what was kept in memory', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (value) => {
        const events = await logOf(value);
        for (const [collection, documents] of projectInMemory(await events.readAll(), FUNDING_PROJECTIONS))
          for (const [id, document] of documents) {
            const stored: unknown = JSON.parse(JSON.stringify(document));
            if (!isDeepStrictEqual(stored, document))
              throw new Error(`${collection}/${id} is not the same once stored: ${JSON.stringify(document)}`);
          }
      }),
      { numRuns: RUNS },
    );
  });
});
