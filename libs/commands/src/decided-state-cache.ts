import { type EventStore, type RecordedEvent } from '@app/event-store';
import type { Evolving, FundingEvent } from '@app/funding';
import { foldStream } from './fold-stream.js';

/** A stream as a command reads it: its state under one fold, its revision (null: no stream), and the command's own events in it. */
export interface StreamRead {
  readonly state: unknown;
  readonly revision: number | null;
  readonly own: readonly RecordedEvent[];
}

/** What this process knows of a stream: each fold's state at one revision, and the commands whose events the stream holds up to it. */
interface Known {
  readonly revision: number;
  readonly states: Map<Evolving<unknown, FundingEvent>, unknown>;
  readonly commandIds: Set<string>;
}

type Fold = Evolving<unknown, FundingEvent>;

/** Streams whose state is kept, the least recently read forgotten first. */
export const CACHED_STREAMS = 10_000;

/**
 * The state of the streams commands read, folded once and kept at the revision it was read at. A
 * command reads only what was appended after that revision (usually nothing: one index lookup that
 * returns no row) and folds it on, instead of reading and folding the whole stream again. Every read
 * still asks the store, so the state is as fresh as a full read would give, whichever process wrote
 * the stream; nothing here is trusted over the log.
 *
 * A command whose events the stream already holds (a retry of a command that was written) is read in
 * full: the answer it gets is built from its own recorded events. Whatever looks wrong (a gap in the
 * revisions read) drops what is known of the stream and reads it in full; so does a conflict on it
 * (`forget`). States are frozen: a decision that changed one by mistake would throw, not leak into
 * the next command.
 */
export class DecidedStateCache {
  private readonly known = new Map<string, Known>();

  constructor(
    private readonly store: EventStore,
    private readonly capacity = CACHED_STREAMS,
  ) {}

  async read(stream: string, fold: Fold, commandId: string): Promise<StreamRead> {
    const known = this.known.get(stream);
    if (known && known.states.has(fold) && !known.commandIds.has(commandId)) {
      const newer = await this.store.readStream(stream, { fromRevision: known.revision + 1 });
      if (newer.length === 0 || newer[0]!.revision === known.revision + 1)
        return this.carryOn(stream, known, fold, newer, commandId);
    }
    return this.readInFull(stream, fold, commandId);
  }

  /** Forgets the streams named: their next read is a full one. */
  forget(streams: Iterable<string>): void {
    for (const stream of streams) this.known.delete(stream);
  }

  private async readInFull(stream: string, fold: Fold, commandId: string): Promise<StreamRead> {
    const events = await this.store.readStream(stream);
    const state = deepFreeze(foldStream(fold, events));
    const revision = events.length === 0 ? -1 : events[events.length - 1]!.revision;
    const earlier = this.known.get(stream);
    // Other folds' states stay only if they are at the same revision.
    const states = earlier?.revision === revision ? earlier.states : new Map<Fold, unknown>();
    states.set(fold, state);
    this.remember(stream, { revision, states, commandIds: new Set(events.map(commandOf)) });
    return { state, revision: revision < 0 ? null : revision, own: events.filter((e) => commandOf(e) === commandId) };
  }

  /** The known states with the events appended since, folded on. */
  private carryOn(
    stream: string,
    known: Known,
    fold: Fold,
    newer: readonly RecordedEvent[],
    commandId: string,
  ): StreamRead {
    if (newer.length === 0) {
      this.remember(stream, known);
      return { state: known.states.get(fold), revision: known.revision < 0 ? null : known.revision, own: [] };
    }
    const states = new Map<Fold, unknown>();
    for (const [each, state] of known.states) states.set(each, deepFreeze(foldStream(each, newer, state)));
    const commandIds = new Set(known.commandIds);
    for (const event of newer) commandIds.add(commandOf(event));
    const revision = newer[newer.length - 1]!.revision;
    this.remember(stream, { revision, states, commandIds });
    return { state: states.get(fold), revision, own: newer.filter((e) => commandOf(e) === commandId) };
  }

  private remember(stream: string, known: Known): void {
    // Most recently read last: the first key is the one to forget.
    this.known.delete(stream);
    this.known.set(stream, known);
    if (this.known.size > this.capacity) this.known.delete(this.known.keys().next().value!);
  }
}

function commandOf(event: RecordedEvent): string {
  return String(event.metadata.commandId);
}

/** Freezes what is not frozen yet: the parts a fold kept from the state before are frozen already. */
function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
  return value;
}
