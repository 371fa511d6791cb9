import { createHash } from 'node:crypto';
import type { NewEvent } from '@app/event-store';
import { FUNDING_EVENT_SCHEMA_VERSIONS, type FundingEvent } from '@app/funding';
import type { CommandContext } from './command-context.js';

/**
 * An event as the store takes it: its id derived from the command (so a command retried after an
 * unanswered append is an idempotent append), its current schema version, and the metadata that
 * stays apart from the facts (who, when, correlation, causation, command).
 */
export function envelope(
  context: CommandContext,
  stream: string,
  index: number,
  event: FundingEvent,
  now: Date,
): NewEvent {
  return {
    eventId: deterministicUuid(`${context.commandId}:${stream}:${index}`),
    type: event.type,
    schemaVersion: FUNDING_EVENT_SCHEMA_VERSIONS[event.type],
    data: event.data,
    metadata: {
      actor: context.actor,
      correlationId: context.correlationId,
      causationId: context.causationId,
      commandId: context.commandId,
      recordedAt: now.toISOString(),
    },
  };
}

/** A UUID (version 8, name-based) from a name: the same name always gives the same id. */
export function deterministicUuid(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
