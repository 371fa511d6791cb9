/**
 * Given events, when a command, then events (or a refusal), through the product's one write path:
 * the given events are appended to their streams of an in-memory event store, and the command runs
 * through the same CommandPipeline the API uses, with the clock fixed at `now`.
 */
import { randomUUID } from 'node:crypto';
import { expect } from '@jest/globals';
import { CommandPipeline, type CommandContext } from '@app/commands';
import { InMemoryEventStore, type EventStore } from '@app/event-store';
import { DomainError, FUNDING_EVENT_SCHEMA_VERSIONS, streamOf, type DomainErrorCode, type FundingCommand, type FundingEvent } from '@app/funding';

export function commandContext(actor = 'spec'): CommandContext {
  return { actor, correlationId: randomUUID(), causationId: null, commandId: randomUUID(), ifMatch: null };
}

/** Appends events as they were recorded: each to the stream it belongs to. */
export async function record(store: EventStore, events: readonly FundingEvent[]): Promise<void> {
  for (const event of events) {
    await store.append({
      stream: streamOf(event),
      expected: 'any',
      events: [
        {
          eventId: randomUUID(),
          type: event.type,
          schemaVersion: FUNDING_EVENT_SCHEMA_VERSIONS[event.type],
          data: event.data,
          metadata: { actor: 'given', correlationId: 'given', causationId: null, commandId: null, recordedAt: '2017-05-22T10:00:00.000Z' },
        },
      ],
    });
  }
}

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
