import type { RecordedEvent } from '@app/event-store';
import type { FundingEvent } from '@app/funding';
import type { ReadModelDocument } from '../read-model-store.port.js';

/** The documents one batch of a projection reads and writes, cached for the batch. */
export interface DocumentAccess {
  get<D extends ReadModelDocument>(collection: string, id: string): Promise<D | null>;
  put(collection: string, id: string, document: ReadModelDocument): void;
}

/**
 * A projection routes each event to the documents it changes and computes the new documents
 * with pure evolve functions (`<read-model>.projection.ts`). It must not read the clock or
 * anything but its own documents, so a rebuild from position 0 gives the same documents.
 */
export interface Projection {
  readonly name: string;
  /** The collections this projection owns (nobody else writes them). */
  readonly collections: readonly string[];
  apply(event: RecordedEvent, docs: DocumentAccess): Promise<void>;
}

/** The domain event inside a recorded one (the store has already upcast it to the current shape). */
export function fundingEvent(recorded: RecordedEvent): FundingEvent {
  return { type: recorded.type, data: recorded.data } as FundingEvent;
}
