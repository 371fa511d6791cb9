import { formatPosition, positionKey, type RecordedEvent } from '@app/event-store';
import type { FundingEvent, FundingEventType } from '@app/funding';
import type { ReadModelDocument } from '../read-model-store.port.js';

type EventOf<T extends FundingEventType> = Extract<FundingEvent, { type: T }>;

/** Where an event sits in the log: as the API shows positions, and as a key that sorts as the log does. */
export interface LogPlace {
  readonly position: string;
  readonly key: string;
}

export function logPlace(recorded: RecordedEvent): LogPlace {
  return { position: formatPosition(recorded.position), key: positionKey(recorded.position) };
}

/**
 * A read model: documents of one collection, each the pure fold of the events routed to it.
 * `evolve` reads nothing but its document and the event (no clock, no other document), so a
 * rebuild from position 0 gives the same documents, and a test needs no store.
 */
export interface ReadModel<D extends ReadModelDocument = ReadModelDocument, E extends FundingEvent = FundingEvent> {
  readonly collection: string;
  /** The events it takes; the runner hands it no other. */
  readonly eventTypes: ReadonlySet<E['type']>;
  /** Which of its documents the event changes; null: none (e.g. an advance, which settles no claim). */
  documentId(event: E): string | null;
  /** The document after the event; null when it does not exist (or no longer does). `at`: where the event sits in the log. */
  evolve(document: D | null, event: E, at: LogPlace): D | null;
}

export function readModel<D extends ReadModelDocument, T extends FundingEventType>(definition: {
  readonly collection: string;
  readonly eventTypes: readonly T[];
  documentId(event: EventOf<T>): string | null;
  evolve(document: D | null, event: EventOf<T>, at: LogPlace): D | null;
}): ReadModel<D, EventOf<T>> {
  return {
    ...definition,
    eventTypes: new Set<EventOf<T>['type']>(definition.eventTypes as ReadonlyArray<EventOf<T>['type']>),
  };
}

/**
 * Read models kept together: one subscription, one checkpoint, each batch of their documents
 * committed with it atomically. The runner (projection-runner.ts) does all the reading and writing.
 *
 * `version` (a positive integer) names what its read models are built by: raise it with any change
 * that makes the documents differ from those already stored (a new field, a fix in `evolve`). The
 * projector then rebuilds the projection into a new generation from position 0 and makes it live
 * once it has caught up, while queries read the old one (docs/adr/0025).
 */
export interface Projection {
  readonly name: string;
  readonly version: number;
  readonly readModels: readonly ReadModel[];
}

/**
 * The projections with some versions replaced, by name (PROJECTION_VERSION_OVERRIDES: a rehearsal
 * of a version bump without a change of code). A name that is not a projection is refused.
 */
export function withVersions(
  projections: readonly Projection[],
  versions: Readonly<Record<string, number>>,
): Projection[] {
  for (const name of Object.keys(versions))
    if (!projections.some((p) => p.name === name)) throw new Error(`No projection is called ${JSON.stringify(name)}`);
  return projections.map((p) => (versions[p.name] === undefined ? p : { ...p, version: versions[p.name]! }));
}

export function collectionsOf(projection: Projection): string[] {
  return projection.readModels.map((m) => m.collection);
}

/** The domain event inside a recorded one (the store has already upcast it to the current shape). */
export function fundingEvent(recorded: RecordedEvent): FundingEvent {
  return { type: recorded.type, data: recorded.data } as FundingEvent;
}

/** Where an event goes: for each read model that takes it, its document and the document after it. */
export function* routes(
  projection: Projection,
  event: FundingEvent,
): Generator<{ readonly model: ReadModel; readonly id: string }> {
  for (const model of projection.readModels) {
    if (!model.eventTypes.has(event.type)) continue;
    const id = model.documentId(event);
    if (id !== null) yield { model, id };
  }
}
