/**
 * A client and a consumer of the store as the command pipeline's fault suite plays them: a command
 * sent again until it is answered, a subscription taken again from its checkpoint when it drops.
 */
import {
  EventStoreUnavailableError,
  comparePositions,
  formatPosition,
  type EventStore,
  type LogPosition,
  type RecordedEvent,
} from '@app/event-store';
import { DomainError } from '@app/funding';
import type { CommandOutcome } from '../src/command-pipeline.js';

/** How many times a client sends a command before it gives up. */
const CLIENT_ATTEMPTS = 25;
/** How many times a consumer subscribes again before the test gives up on its subscription. */
const RESUBSCRIPTIONS = 200;

/** How a client's command ended, after its retries. */
export type Answer =
  | { readonly kind: 'accepted'; readonly outcome: CommandOutcome; readonly attempts: number }
  | { readonly kind: 'refused'; readonly code: string; readonly attempts: number }
  | { readonly kind: 'gave up'; readonly error: string; readonly attempts: number };

/** Sends a command until it is answered: a refusal is an answer, any other failure is sent again. */
export async function asAClientWould(send: () => Promise<CommandOutcome>): Promise<Answer> {
  let last: unknown;
  for (let attempt = 1; attempt <= CLIENT_ATTEMPTS; attempt++) {
    try {
      return { kind: 'accepted', outcome: await send(), attempts: attempt };
    } catch (error) {
      if (error instanceof DomainError) return { kind: 'refused', code: error.code, attempts: attempt };
      last = error;
    }
  }
  return {
    kind: 'gave up',
    error: last instanceof Error ? `${last.name}: ${last.message}` : String(last),
    attempts: CLIENT_ATTEMPTS,
  };
}

/** Reads the log after `after` up to `until` through a subscription, subscribing again from its checkpoint when it drops. */
export async function readBySubscription(
  store: EventStore,
  after: LogPosition | null,
  until: LogPosition,
): Promise<{ events: RecordedEvent[]; drops: number }> {
  const events: RecordedEvent[] = [];
  let checkpoint = after;
  let drops = 0;
  for (;;) {
    try {
      for await (const item of store.subscribe({ after: checkpoint })) {
        if (item.kind !== 'event') continue;
        events.push(item.event);
        checkpoint = item.event.position;
        if (comparePositions(checkpoint, until) >= 0) return { events, drops };
      }
      throw new Error(
        `the subscription ended at ${checkpoint ? formatPosition(checkpoint) : 'the start'}, before ${formatPosition(until)}`,
      );
    } catch (error) {
      if (!(error instanceof EventStoreUnavailableError) || ++drops > RESUBSCRIPTIONS) throw error;
    }
  }
}

/** An answer as a failure message tells it. */
export const describeAnswer = (answer: Answer) =>
  answer.kind === 'accepted'
    ? `accepted ${answer.outcome.stream}@${answer.outcome.revision} at ${formatPosition(answer.outcome.position)} (attempt ${answer.attempts})`
    : answer.kind === 'refused'
      ? `refused ${answer.code} (attempt ${answer.attempts})`
      : `gave up after ${answer.attempts} attempts: ${answer.error}`;
