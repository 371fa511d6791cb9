import type Database from 'better-sqlite3';
import type { PreparedAppend } from '../append-validation.js';
import { ConcurrencyError, DuplicateEventIdError, EventStoreError } from '../event-store.errors.js';
import type { AppendResult, ExpectedState } from '../event-store.port.js';
import { applyAppend } from './sqlite-append.js';
import type { EventStatements } from './sqlite-events-table.js';

/** One append's outcome in a group commit: its streams' results, or the reason it alone was refused. */
export type AppendOutcome = { readonly results: AppendResult[] } | { readonly refused: Refusal };

/** Why one append of a group was refused, as plain data: it crosses from the writer's thread. */
export type Refusal =
  | {
      readonly kind: 'conflict';
      readonly stream: string;
      readonly expected: ExpectedState;
      readonly actual: number | null;
    }
  | { readonly kind: 'duplicate'; readonly eventId: string; readonly stream: string; readonly message: string };

/**
 * The group commit on a connection: every append of a group in one IMMEDIATE transaction (one
 * fsync), each in a savepoint of its own, so one's conflict does not fail the others. The function
 * it gives throws when the transaction itself fails (the disk, a lock held past the busy timeout):
 * then nothing of the group is written.
 */
export function groupCommitter(
  db: Database.Database,
  statements: EventStatements,
): (group: readonly (readonly PreparedAppend[])[]) => AppendOutcome[] {
  // Nested inside the group's transaction, better-sqlite3 runs this one as a savepoint.
  const atomically = db.transaction((appends: readonly PreparedAppend[]) =>
    appends.map((append) => applyAppend(statements, append)),
  );
  const group = db.transaction((appendsOfGroup: readonly (readonly PreparedAppend[])[]) =>
    appendsOfGroup.map((appends): AppendOutcome => {
      try {
        return { results: atomically(appends) };
      } catch (error) {
        if (!(error instanceof EventStoreError)) throw error;
        return { refused: refusalOf(error) };
      }
    }),
  );
  return (appendsOfGroup) => group.immediate(appendsOfGroup);
}

function refusalOf(error: EventStoreError): Refusal {
  if (error instanceof ConcurrencyError)
    return { kind: 'conflict', stream: error.stream, expected: error.expected, actual: error.actual };
  if (error instanceof DuplicateEventIdError)
    return { kind: 'duplicate', eventId: error.eventId, stream: error.stream, message: error.message };
  throw error;
}

/** The refusal as the error the caller of the append gets. */
export function refusalError(refusal: Refusal): EventStoreError {
  return refusal.kind === 'conflict'
    ? new ConcurrencyError(refusal.stream, refusal.expected, refusal.actual)
    : new DuplicateEventIdError(refusal.eventId, refusal.stream, refusal.message);
}
