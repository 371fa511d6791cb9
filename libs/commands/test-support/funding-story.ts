/**
 * The funding story the command pipeline's fault suite (src/command-pipeline.faults.spec.ts) tells on
 * every adapter, and what it records told once on a store without faults.
 */
import fc from 'fast-check';
import { InMemoryEventStore, type EventStore, type RecordedEvent } from '@app/event-store';
import type { FundingCommand } from '@app/funding';
import { dayAt, setup } from '../../funding/test-support/funding.arbitraries.js';
import { ACT, FINANCE_OFFICER, awardTerms, cupFor } from '../../funding/test-support/funding.fixtures.js';
import { claimVerifyAndPay } from '../../funding/test-support/paying.js';
import type { CommandContext } from '../src/command-context.js';
import { CommandPipeline, type CommandOutcome } from '../src/command-pipeline.js';

/** The day the story is told on. */
export const clock = { now: () => dayAt(1) };

/**
 * The story: the property tests' setup (a programme, two measures, two calls, a grant on each),
 * then a second award, claims verified and paid, an advance, a revocation that releases budget to
 * its call, a partial one that makes money due, its recovery ordered, received in part and written
 * off in part, a close. Partial revocations and write-offs name no id of their own: decided twice,
 * they are accepted twice. Its ids carry `run`, so a shared server's earlier runs are not in its way.
 */
export function fundingStory(run: string): FundingCommand[] {
  const id = (value: string) => `${value}-${run}`;
  const [given] = fc.sample(setup, { seed: 7, numRuns: 1 });
  const renamed = given!.map((command) => inNamespace(command, id));
  const firstAward = renamed.find(
    (c): c is Extract<FundingCommand, { type: 'AwardGrant' }> => c.type === 'AwardGrant' && c.grantId === id('g1'),
  )!;
  return [
    ...renamed,
    // b2 waits behind b1 in c1's approved ranking: the next award goes to it.
    {
      type: 'AwardGrant',
      grantId: id('g2'),
      callId: id('c1'),
      bidId: id('b2'),
      amountCents: 20_000,
      ...awardTerms(id('g2'), 20_000),
    },
    // The operation may cost up to twice the award: declaring twice the payment covers it.
    ...claimVerifyAndPay(id('g1'), 'pay-1', 10_000, { declaredCents: 20_000 }),
    {
      type: 'RecordDisbursement',
      grantId: id('g3'),
      disbursementId: 'advance-1',
      kind: 'advance',
      claimId: null,
      amountCents: 5_000,
      paidBy: FINANCE_OFFICER,
    },
    ...claimVerifyAndPay(id('g1'), 'pay-2', 5_000, { declaredCents: 10_000 }),
    { type: 'RevokeGrant', grantId: id('g2'), reason: 'Irregularity found', act: ACT },
    // 15,000 paid on g1: an award cut to 10,000 makes 5,000 due.
    {
      type: 'RevokeGrant',
      grantId: id('g1'),
      reason: 'Costs not incurred',
      amountCents: firstAward.amountCents - 10_000,
      act: ACT,
    },
    {
      type: 'OrderRecovery',
      grantId: id('g1'),
      orderId: 'order-1',
      amountCents: 5_000,
      interestRateBp: 250,
      dueDate: '2027-01-31',
      reference: 'ORD-1',
      act: ACT,
    },
    {
      type: 'RecordRecoveryReceipt',
      grantId: id('g1'),
      receiptId: 'receipt-1',
      amountCents: 2_000,
      interestCents: 0,
      receivedAt: '2026-01-02',
      reference: 'RCV-1',
    },
    { type: 'WriteOffRecovery', grantId: id('g1'), amountCents: 1_000, reason: 'Beneficiary insolvent', act: ACT },
    { type: 'CloseCall', callId: id('c2') },
  ];
}

function inNamespace(command: FundingCommand, id: (value: string) => string): FundingCommand {
  const renamed: Record<string, unknown> = { ...command };
  for (const key of ['programmeId', 'callId', 'bidId', 'grantId', 'claimId']) {
    if (typeof renamed[key] === 'string') renamed[key] = id(renamed[key]);
  }
  if (Array.isArray(renamed['bidIds'])) renamed['bidIds'] = (renamed['bidIds'] as string[]).map(id);
  // A CUP is taken once across the whole log: each grant of the run has its own.
  if (command.type === 'AwardGrant') renamed['cup'] = cupFor(renamed['grantId'] as string);
  return renamed as FundingCommand;
}

/** What a command recorded, as the test compares it between runs: where and what, not ids or positions. */
export const fact = (e: RecordedEvent) => ({ stream: e.stream, type: e.type, data: e.data });

/**
 * The story without faults on a store of its own, of the same adapter (some facts carry log
 * positions, e.g. a first-come bid's arrival, and positions are the adapter's): what each command
 * must record, and the stream and revision it must answer.
 */
export async function reference(
  story: readonly FundingCommand[],
  contexts: readonly CommandContext[],
  store: EventStore = new InMemoryEventStore(),
) {
  const pipeline = new CommandPipeline(store, clock);
  const outcomes: CommandOutcome[] = [];
  for (const [i, command] of story.entries()) outcomes.push(await pipeline.execute(command, contexts[i]!));
  const events = await store.readAll();
  return story.map((_, i) => ({
    outcome: outcomes[i]!,
    facts: events.filter((e) => e.metadata.commandId === contexts[i]!.commandId).map(fact),
  }));
}
