/**
 * Given events, when a command, then events (or a refusal), through the product's one write path:
 * the given events are appended to their streams of an in-memory event store, and the command runs
 * through the same CommandPipeline the API uses, with the clock fixed at `now`.
 */
import { expect } from '@jest/globals';
import { CommandPipeline } from '@app/commands';
import { InMemoryEventStore } from '@app/event-store';
import { DomainError, type DomainErrorCode, type FundingCommand, type FundingEvent } from '@app/funding';
import { commandContext, record } from './test-ledger.js';

export { commandContext, record };

export function given(...history: FundingEvent[]) {
  return {
    /** The events the command recorded, in log order. */
    async when(command: FundingCommand, now: Date): Promise<FundingEvent[]> {
      const store = new InMemoryEventStore();
      await record(store, history);
      const before = await store.headPosition();
      await new CommandPipeline(store, { now: () => now }).execute(command, commandContext());
      const recorded = await store.readAll({ after: before });
      return recorded.map((e) => ({ type: e.type, data: e.data }) as FundingEvent);
    },
  };
}

export async function expectRefusal(outcome: Promise<unknown>, code: DomainErrorCode): Promise<void> {
  await expect(outcome).rejects.toMatchObject({ constructor: DomainError, code });
}
