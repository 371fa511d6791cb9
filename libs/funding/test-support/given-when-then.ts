/**
 * Given events, when a command, then events (or a refusal), through the product's one write path:
 * the given events are appended to their streams of an in-memory event store, and the command runs
 * through the same CommandPipeline the API uses, with the clock fixed at `now`.
 */
import { expect } from '@jest/globals';
import { CommandPipeline } from '@app/commands';
import { InMemoryEventStore, type AppendRequest } from '@app/event-store';
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
    /**
     * As `when`, but another writer records `meanwhile` after the command has read its streams and
     * before it appends (a race lost): the events the command recorded once it decided again.
     */
    async whenMeanwhile(
      command: FundingCommand,
      now: Date,
      meanwhile: readonly FundingEvent[],
    ): Promise<FundingEvent[]> {
      const store = new RacedStore(meanwhile);
      await record(store, history);
      store.armed = true;
      await new CommandPipeline(store, { now: () => now }).execute(command, commandContext());
      if (store.armed) throw new Error('the command appended nothing: no race to lose');
      const recorded = await store.readAll({ after: store.raced });
      return recorded.map((e) => ({ type: e.type, data: e.data }) as FundingEvent);
    },
  };
}

/** Records `meanwhile` just before the first append it is asked for once armed. */
class RacedStore extends InMemoryEventStore {
  armed = false;
  raced: Awaited<ReturnType<InMemoryEventStore['headPosition']>> = null;

  constructor(private readonly meanwhile: readonly FundingEvent[]) {
    super();
  }

  override async append(request: AppendRequest) {
    await this.race();
    return super.append(request);
  }

  override async appendMulti(requests: readonly AppendRequest[]) {
    await this.race();
    return super.appendMulti(requests);
  }

  private async race(): Promise<void> {
    if (!this.armed) return;
    this.armed = false;
    await record(this, this.meanwhile);
    this.raced = await this.headPosition();
  }
}

export async function expectRefusal(outcome: Promise<unknown>, code: DomainErrorCode): Promise<void> {
  await expect(outcome).rejects.toMatchObject({ constructor: DomainError, code });
}
