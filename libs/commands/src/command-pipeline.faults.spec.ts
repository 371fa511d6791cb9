/**
 * Each command is recorded once, whatever the store does on the way. The product's CommandPipeline
 * runs a funding story (a programme, its measures and calls, bids, awards, claims, payments, a
 * revocation) on every adapter of the event-store contract, behind a FaultyEventStore striking
 * each fault alone, then all together, and with none (the baseline). A command that fails with
 * anything but a refusal is sent again with the same CommandContext, as a client retries with its
 * Idempotency-Key, until it is answered. Then, against what the store really holds:
 *
 * - every command's events are in the log once: those the story records without faults, no more;
 * - every command is accepted, and its answer is what the log holds for it: the stream it is about,
 *   at the revision after its events, and the position of its last event;
 * - the money adds up: every payment once, commitments within the call's budget, the invariants of
 *   docs/domain.md;
 * - a subscription through the same faults, resubscribing from its checkpoint when dropped, reads
 *   the log once;
 * - a command sent again after it was answered (a client that never saw the answer) is answered the
 *   same, and writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  EVENT_STORE_FAULTS,
  FaultyEventStore,
  comparePositions,
  formatEventStoreFaults,
  formatPosition,
  parseEventStoreFaults,
  type EventStoreFaults,
  type InjectedFault,
  type LogPosition,
  type RecordedEvent,
} from '@app/event-store';
import type { FundingCommand, FundingEvent } from '@app/funding';
import { describeOnEveryAdapter, type StoreFixture } from '../../event-store/test-support/event-store.adapters.js';
import { firstViolation } from '../../funding/test-support/funding.invariants.js';
import { commandContext, type LoggedEvent } from '../../funding/test-support/test-ledger.js';
import { clock, fact, fundingStory, reference } from '../test-support/funding-story.js';
import { asAClientWould, describeAnswer, readBySubscription, type Answer } from '../test-support/retrying-clients.js';
import type { CommandContext } from './command-context.js';
import { CommandPipeline } from './command-pipeline.js';

/** Where the faults are drawn from; FAULT_SEED plays another run (the draws follow the calls, which follow the seed). */
const SEED = Number(process.env['FAULT_SEED'] ?? 20_260_601);

/** Each case's faults as EVENT_STORE_FAULTS would set them. */
const CASES: ReadonlyArray<{ readonly name: string; readonly faults: EventStoreFaults }> = [
  ['no fault', ''],
  ['commit-then-fail', 'commit-then-fail:0.3'],
  // Every command's first append is written and its answer lost: what no share below 1 can promise.
  ['every answer lost', 'commit-then-fail:1'],
  ['unavailable', 'unavailable:0.1'],
  ['leader-change', 'leader-change:0.15'],
  ['drop-subscription', 'drop-subscription:0.15'],
  ['all faults together', 'commit-then-fail:0.15,unavailable:0.05,leader-change:0.15,drop-subscription:0.1'],
].map(([name, faults]) => ({ name: name!, faults: parseEventStoreFaults(faults!) }));

/** The first problems found, all of them counted: one failure message that says what went wrong where. */
function expectNoProblems(problems: readonly string[], seed: number): void {
  const shown = problems.length > 12 ? [...problems.slice(0, 12), `…and ${problems.length - 12} more`] : problems;
  expect(problems.length === 0 ? [] : [`seed ${seed}`, ...shown]).toEqual([]);
}

describeOnEveryAdapter(
  'Command pipeline fault suite',
  'each command is recorded once, whatever the store does',
  (adapter) => {
    for (const [caseIndex, { name, faults }] of CASES.entries()) {
      describe(`${name}${Object.keys(faults).length > 0 ? ` (${formatEventStoreFaults(faults)})` : ''}`, () => {
        const seed = SEED + caseIndex;
        let fixture: StoreFixture;
        let faulty: FaultyEventStore;
        const struck: InjectedFault[] = [];
        let pipeline: CommandPipeline;
        let story: FundingCommand[];
        let contexts: CommandContext[];
        let expected: Awaited<ReturnType<typeof reference>>;
        let answers: Answer[];
        /** The head before the story: on a shared server, the log holds other runs' events before it. */
        let start: LogPosition | null;
        /** Every event of the store after `start`, as the store holds it (read past the faults). */
        let log: RecordedEvent[];
        const ofCommand = (i: number) => log.filter((e) => e.metadata.commandId === contexts[i]!.commandId);
        /** Written by a command of the story, or on one of its streams (a shared server has other writers). */
        const ofTheStory = (e: RecordedEvent) =>
          contexts.some((c) => c.commandId === e.metadata.commandId) ||
          expected.some((x) => x.facts.some((f) => f.stream === e.stream));

        beforeAll(async () => {
          fixture = await adapter.setUp();
          faulty = new FaultyEventStore(fixture.store, faults, { seed, onFault: (fault) => struck.push(fault) });
          pipeline = new CommandPipeline(faulty, clock);
          story = fundingStory(randomUUID().slice(0, 8));
          contexts = story.map(() => commandContext('faults-suite'));
          const clean = await adapter.setUp();
          try {
            expected = await reference(story, contexts, clean.store);
          } finally {
            await clean.tearDown();
          }
          start = await fixture.store.headPosition();
          answers = [];
          for (const [i, command] of story.entries())
            answers.push(await asAClientWould(() => pipeline.execute(command, contexts[i]!)));
          log = await fixture.store.readAll({ after: start });
        });
        afterAll(async () => {
          await fixture?.tearDown();
        });

        it('records every command exactly once', () => {
          const problems: string[] = [];
          story.forEach((command, i) => {
            const recorded = ofCommand(i).map(fact);
            const want = expected[i]!.facts;
            if (JSON.stringify(recorded) !== JSON.stringify(want)) {
              problems.push(
                `#${i} ${command.type}: recorded ${recorded.length} events [${recorded.map((f) => f.type).join(', ')}], expected ${want.length} [${want.map((f) => f.type).join(', ')}]`,
              );
            }
          });
          const ids = log.map((e) => e.eventId);
          if (new Set(ids).size !== ids.length) problems.push('an event id is in the log more than once');
          const commandIds = new Set(contexts.map((c) => c.commandId));
          const streams = new Set(expected.flatMap((e) => e.facts.map((f) => f.stream)));
          const strays = log.filter((e) => streams.has(e.stream) && !commandIds.has(e.metadata.commandId ?? ''));
          if (strays.length > 0)
            problems.push(
              `events of no command of the story on its streams: ${strays.map((e) => `${e.stream}@${e.revision} ${e.type}`).join(', ')}`,
            );
          expectNoProblems(problems, seed);
        });

        it("accepts every command, and answers with what the log holds for it: its stream's revision after its events, and its last event's position", () => {
          const problems: string[] = [];
          story.forEach((command, i) => {
            const answer = answers[i]!;
            if (answer.kind !== 'accepted') {
              problems.push(`#${i} ${command.type}: ${describeAnswer(answer)}`);
              return;
            }
            const events = ofCommand(i);
            const last = events.reduce<RecordedEvent | null>(
              (latest, e) => (latest === null || comparePositions(e.position, latest.position) > 0 ? e : latest),
              null,
            );
            const inItsStream = events.filter((e) => e.stream === answer.outcome.stream).at(-1);
            const want = expected[i]!.outcome;
            const holds =
              last !== null &&
              inItsStream !== undefined &&
              answer.outcome.stream === want.stream &&
              answer.outcome.revision === want.revision &&
              answer.outcome.revision === inItsStream.revision &&
              comparePositions(answer.outcome.position, last.position) === 0;
            if (!holds) {
              const held = last
                ? `${want.stream}@${inItsStream?.revision ?? '?'} at ${formatPosition(last.position)}`
                : 'no event';
              problems.push(`#${i} ${command.type}: ${describeAnswer(answer)}, the log holds ${held}`);
            }
          });
          expectNoProblems(problems, seed);
        });

        it('keeps the money right: every payment once, commitments within the budget, the invariants of the domain', () => {
          const logged: LoggedEvent[] = log
            .filter(ofTheStory)
            .map((e) => ({ stream: e.stream, event: { type: e.type, data: e.data } as FundingEvent }));
          const problems: string[] = [];
          const violation = firstViolation(logged);
          if (violation) problems.push(`invariant ${violation}`);
          const payments = new Map<string, number>();
          for (const c of story)
            if (c.type === 'RecordDisbursement') payments.set(`${c.grantId}/${c.disbursementId}`, c.amountCents);
          const paid = logged.reduce(
            (sum, { event }) => sum + (event.type === 'DisbursementRecorded' ? event.data.amountCents : 0),
            0,
          );
          const owed = [...payments.values()].reduce((a, b) => a + b, 0);
          if (paid !== owed) problems.push(`disbursed ${paid} cents, the story pays ${owed}`);
          const calls = new Map<string, { budget: number; held: number }>();
          for (const { event } of logged) {
            if (event.type === 'CallOpened') calls.set(event.data.callId, { budget: event.data.budgetCents, held: 0 });
            if (event.type === 'CallBudgetCommitted') calls.get(event.data.callId)!.held += event.data.amountCents;
            if (event.type === 'CallBudgetReleased') calls.get(event.data.callId)!.held -= event.data.amountCents;
          }
          for (const [callId, { budget, held }] of calls)
            if (held > budget) problems.push(`call ${callId} commits ${held} > its budget ${budget}`);
          expect(calls.size).toBe(2);
          expectNoProblems(problems, seed);
        });

        it('delivers the log once to a subscription that resubscribes from its checkpoint when dropped', async () => {
          const { events, drops } = await readBySubscription(faulty, start, log.at(-1)!.position);
          expect(events.filter(ofTheStory).map((e) => e.eventId)).toEqual(log.filter(ofTheStory).map((e) => e.eventId));
          if (faults['drop-subscription']) expect(drops).toBeGreaterThan(0);
          if (!faults['drop-subscription'] && !faults.unavailable && !faults['leader-change']) expect(drops).toBe(0);
        });

        it('was struck by every fault it was given, and by no other', () => {
          const struckBy = (fault: string) => struck.filter((s) => s.fault === fault).length;
          expect(EVENT_STORE_FAULTS.filter((fault) => faults[fault] && struckBy(fault) === 0)).toEqual([]);
          expect(EVENT_STORE_FAULTS.filter((fault) => !faults[fault] && struckBy(fault) > 0)).toEqual([]);
          // A leader change strikes on both sides of a write over the story.
          if (faults['leader-change']) {
            const appends = struck.filter(
              (s) => s.fault === 'leader-change' && (s.operation === 'append' || s.operation === 'appendMulti'),
            );
            expect(new Set(appends.map((s) => s.written))).toEqual(new Set([true, false]));
          }
        });

        it('answers a command sent again after it was answered as it answered first, and writes nothing', async () => {
          // Half of the retries reach the process that answered, half another one on the same store.
          const otherProcess = new CommandPipeline(faulty, clock);
          const problems: string[] = [];
          const head = await fixture.store.headPosition();
          for (const [i, command] of story.entries()) {
            const first = answers[i]!;
            if (first.kind !== 'accepted') continue;
            const again = await asAClientWould(() =>
              (i % 2 === 0 ? pipeline : otherProcess).execute(command, contexts[i]!),
            );
            if (
              again.kind !== 'accepted' ||
              JSON.stringify(again.outcome, positionsAsText) !== JSON.stringify(first.outcome, positionsAsText)
            ) {
              problems.push(
                `#${i} ${command.type} sent again: ${describeAnswer(again)}, first ${describeAnswer(first)}`,
              );
            }
          }
          const after = (await fixture.store.readAll({ after: head })).filter(ofTheStory);
          if (after.length > 0)
            problems.push(
              `sending answered commands again wrote ${after.length} events: ${after.map((e) => `${e.stream}@${e.revision} ${e.type}`).join(', ')}`,
            );
          if (!answers.some((a) => a.kind === 'accepted'))
            problems.push('no command of the story was accepted: none to send again');
          expectNoProblems(problems, seed);
        });
      });
    }
  },
);

function positionsAsText(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
