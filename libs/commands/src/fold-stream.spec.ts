/**
 * One fold for a stream, wherever it is folded: the write side's decision and the audit's state as
 * of a position or a moment evolve the same events at the same places in the log, so what depends
 * on the order of arrival (a first-come bid's `arrival`, a closed call's `closedPosition`) agrees.
 */
import { describe, expect, it, jest } from '@jest/globals';
import fc from 'fast-check';
import { positionKey, type RecordedEvent } from '@app/event-store';
import { BID, CALL, GRANT, PROGRAMME, type EventAt, type Evolving, type FundingEvent } from '@app/funding';
import { play, scenario } from '../../funding/test-support/funding.arbitraries.js';
import { TestLedger, commandContext, record } from '../../funding/test-support/test-ledger.js';
import { CommandPipeline } from './command-pipeline.js';
import { foldStream } from './fold-stream.js';

/** The folds of the entities the audit shows, by the prefix of their streams. */
const FOLDS: ReadonlyArray<readonly [string, Evolving<unknown, FundingEvent>]> = [
  ['programme-', PROGRAMME as Evolving<unknown, FundingEvent>],
  ['call-', CALL as Evolving<unknown, FundingEvent>],
  ['bid-', BID as Evolving<unknown, FundingEvent>],
  ['grant-', GRANT as Evolving<unknown, FundingEvent>],
];

/** A programme, a ranking call closed, a first-come call with its bids, grants with their money moving: a log of one seeded scenario. */
async function playedLog(): Promise<{ ledger: TestLedger; streams: Map<string, RecordedEvent[]> }> {
  const ledger = new TestLedger();
  await play(ledger, fc.sample(scenario, { seed: 25, numRuns: 1 })[0]!, false);
  const streams = new Map<string, RecordedEvent[]>();
  for (const event of await ledger.store.readAll())
    streams.set(event.stream, [...(streams.get(event.stream) ?? []), event]);
  return { ledger, streams };
}

const EVALUATE_B3 = {
  type: 'EvaluateBid',
  bidId: 'b3',
  admissible: true,
  score: 80,
  evaluatedBy: 'evaluator-1',
} as const;

const foldOf = (stream: string) => FOLDS.find(([prefix]) => stream.startsWith(prefix))?.[1];
const placed = (events: readonly RecordedEvent[]) =>
  events.map((event) => ({ type: event.type, at: { position: positionKey(event.position) } }));

/** What an evolve is called with while `work` runs: the event's type and its place in the log, and the state it gave. */
async function evolvesDuring(fold: Evolving<unknown, FundingEvent>, work: () => Promise<unknown>) {
  const seen: { type: string; at: EventAt | undefined; state: unknown }[] = [];
  const original = fold.evolve.bind(fold);
  const spy = jest.spyOn(fold, 'evolve').mockImplementation((state, event, at) => {
    const next = original(state, event, at);
    seen.push({ type: event.type, at, state: next });
    return next;
  });
  try {
    await work();
  } finally {
    spy.mockRestore();
  }
  return seen;
}

describe('foldStream', () => {
  it('evolves every event of every type at its own place in the log, so the state as of each position is the state there', async () => {
    const { streams } = await playedLog();
    const types = new Set<string>();
    for (const [stream, events] of streams) {
      const fold = foldOf(stream);
      if (!fold) continue;
      const seen = await evolvesDuring(fold, async () => foldStream(fold, events));
      expect(seen.map(({ type, at }) => ({ type, at }))).toEqual(placed(events));
      // As of each event's position, the audit folds the events up to it: the state the write side had there.
      events.forEach((_, i) => expect(foldStream(fold, events.slice(0, i + 1))).toEqual(seen[i]!.state));
      for (const event of events) types.add(event.type);
    }
    expect([...types]).toEqual(
      expect.arrayContaining([
        'ProgrammeEstablished',
        'MeasureDefined',
        'CallOpened',
        'CallClosed',
        'RankingApproved',
        'BidSubmitted',
        'BidEvaluated',
        'BidAwarded',
        'GrantAwarded',
      ]),
    );

    const closed = streams.get('call-c1')!;
    const close = closed.find((event) => event.type === 'CallClosed')!;
    expect(foldStream(CALL, closed)).toMatchObject({ status: 'closed', closedPosition: positionKey(close.position) });
    const firstCome = streams.get('bid-b3')!;
    expect(foldStream(BID, firstCome)).toMatchObject({ arrival: positionKey(firstCome[0]!.position) });
  });

  it('is the fold the pipeline decides on: the same events, at the same places, to the same state', async () => {
    const { ledger, streams } = await playedLog();
    // A process that has not read the streams yet (one just started) folds each of them whole.
    const started = new CommandPipeline(ledger.store, { now: () => new Date(0) });
    // Refused or not, each command reads and folds its streams first.
    const bids = await evolvesDuring(BID as Evolving<unknown, FundingEvent>, () =>
      started.execute(EVALUATE_B3, commandContext()).catch(() => undefined),
    );
    const calls = await evolvesDuring(CALL as Evolving<unknown, FundingEvent>, () =>
      started.execute({ type: 'CloseCall', callId: 'c1' }, commandContext()).catch(() => undefined),
    );
    for (const [stream, seen] of [
      ['bid-b3', bids],
      ['call-c1', calls],
    ] as const) {
      const events = streams.get(stream)!;
      expect(seen.map(({ type, at }) => ({ type, at }))).toEqual(placed(events));
      expect(seen.at(-1)!.state).toEqual(foldStream(foldOf(stream)!, events));
    }
  });

  it('is the fold a process that read a stream before carries on: only the events appended since, to the same state', async () => {
    const { ledger, streams } = await playedLog();
    const process = new CommandPipeline(ledger.store, { now: () => new Date(0) });
    await process.execute(EVALUATE_B3, commandContext()).catch(() => undefined);
    const before = streams.get('bid-b3')!.length;
    // Another writer moves the stream: this process reads what it added, and nothing it knew.
    const { callId } = streams.get('bid-b3')![0]!.data as { callId: string };
    const evaluatedAt = '2017-05-23T10:00:00.000Z';
    const evaluated = { bidId: 'b3', callId, admissible: false, score: null, evaluatedBy: 'evaluator-2', evaluatedAt };
    await record(ledger.store, [{ type: 'BidEvaluated', data: evaluated }]);
    const after = (await ledger.store.readStream('bid-b3')).length;
    const seen = await evolvesDuring(BID as Evolving<unknown, FundingEvent>, () =>
      process.execute(EVALUATE_B3, commandContext()).catch(() => undefined),
    );
    const events = await ledger.store.readStream('bid-b3');
    expect(seen.map(({ type, at }) => ({ type, at }))).toEqual(placed(events.slice(before)));
    expect(seen).toHaveLength(after - before);
    expect(seen.at(-1)!.state).toEqual(foldStream(BID, events));
  });
});
