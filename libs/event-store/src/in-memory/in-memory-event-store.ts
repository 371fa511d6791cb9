import { EventEmitter } from 'node:events';
import {
  DEFAULT_MAX_EVENT_BYTES,
  assertStreamName,
  prepareAppends,
  satisfiesExpected as satisfies,
  type PreparedAppend,
} from '../append-validation.js';
import { ConcurrencyError, DuplicateEventIdError, EventStoreUnavailableError } from '../event-store.errors.js';
import type * as port from '../event-store.port.js';
import { comparePositions, sequencePosition } from '../log-position.js';

interface StoredEvent {
  readonly position: number;
  readonly eventId: string;
  readonly stream: string;
  readonly revision: number;
  readonly type: string;
  readonly schemaVersion: number;
  readonly dataJson: string;
  readonly metadataJson: string;
}

/**
 * The events of an in-memory store. Handing the same log to a new store is "opening the file
 * again": what one store instance wrote, the next one reads.
 */
export class InMemoryLog {
  readonly events: StoredEvent[] = [];
  readonly streams = new Map<string, StoredEvent[]>();
  readonly byId = new Map<string, StoredEvent>();
  readonly appended = new EventEmitter().setMaxListeners(0);
}

const SUBSCRIPTION_BATCH = 512;

/**
 * The event store in memory, for tests: the port's semantics (expected states, atomic
 * multi-stream appends, idempotent retries by event id, gapless global positions 1, 2, 3…,
 * pull-based subscriptions) without a file. Every call resolves asynchronously, as a real
 * store's would, so commands decided at once really race for their appends. It passes the same
 * contract suite as the embedded and KurrentDB adapters.
 */
export class InMemoryEventStore implements port.EventStore {
  private closed = false;

  constructor(
    private readonly log: InMemoryLog = new InMemoryLog(),
    private readonly options: { readonly maxEventBytes?: number } = {},
  ) {}

  async append(request: port.AppendRequest): Promise<port.AppendResult> {
    const [result] = await this.write(prepareAppends([request], this.maxEventBytes));
    return result!;
  }

  async appendMulti(requests: readonly port.AppendRequest[]): Promise<port.MultiAppendResult> {
    const streams = await this.write(prepareAppends(requests, this.maxEventBytes));
    const position = streams.map((s) => s.position).reduce((last, p) => (comparePositions(p, last) > 0 ? p : last));
    return { streams, position };
  }

  async readStream(stream: string, options: port.ReadStreamOptions = {}): Promise<port.RecordedEvent[]> {
    assertStreamName(stream);
    await this.turn();
    const events = this.log.streams.get(stream) ?? [];
    const from = options.fromRevision ?? 0;
    return events.slice(from, options.limit === undefined ? undefined : from + options.limit).map(toRecordedEvent);
  }

  async readAll(options: port.ReadAllOptions = {}): Promise<port.RecordedEvent[]> {
    await this.turn();
    return this.after(options.after ?? null, options.limit ?? Number.MAX_SAFE_INTEGER).map(toRecordedEvent);
  }

  async *subscribe(options: port.SubscribeOptions = {}): AsyncGenerator<port.SubscriptionItem> {
    let cursor = options.after ? Number(options.after.commit) : 0;
    let caughtUp = false;
    const signal = options.signal;
    while (!this.closed && !signal?.aborted) {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.closed || signal?.aborted) return;
      const batch = this.after(sequencePosition(cursor), SUBSCRIPTION_BATCH);
      const head = this.log.events.length;
      for (const stored of batch) {
        if (signal?.aborted) return;
        cursor = stored.position;
        yield { kind: 'event', event: toRecordedEvent(stored) };
      }
      if (batch.length < SUBSCRIPTION_BATCH) {
        if (!caughtUp) {
          caughtUp = true;
          const at = Math.max(cursor, head);
          yield { kind: 'caught-up', position: at === 0 ? null : sequencePosition(at) };
        }
        if (cursor >= this.log.events.length) await this.nextAppend(signal);
      }
    }
  }

  async headPosition(): Promise<port.LogPosition | null> {
    await this.turn();
    const head = this.log.events.length;
    return head === 0 ? null : sequencePosition(head);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.log.appended.emit('appended');
  }

  private get maxEventBytes(): number {
    return this.options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  }

  /** Resolves on a later turn of the event loop, as I/O would: callers that started together interleave here. */
  private turn(): Promise<void> {
    if (this.closed) return Promise.reject(new EventStoreUnavailableError('The event store is closed'));
    return new Promise((resolve) => setImmediate(resolve));
  }

  private after(position: port.LogPosition | null, limit: number): StoredEvent[] {
    const from = position === null ? 0 : Number(position.commit);
    return this.log.events.slice(from, from + limit);
  }

  /** Checks every stream first and writes only if all pass: all streams or none. */
  private async write(appends: readonly PreparedAppend[]): Promise<port.AppendResult[]> {
    await this.turn();
    const outcomes = appends.map((append) => this.check(append));
    const results: port.AppendResult[] = [];
    appends.forEach((append, i) => {
      const outcome = outcomes[i]!;
      results.push(outcome.retry ?? this.apply(append));
    });
    if (results.length > 0) this.log.appended.emit('appended');
    return results;
  }

  private check(append: PreparedAppend): { retry: port.AppendResult | null } {
    const { stream, expected, events } = append;
    const current = revisionOf(this.log.streams.get(stream));
    const existing = events.map((e) => this.log.byId.get(e.eventId));
    if (existing.some((e) => e !== undefined)) return { retry: this.idempotentRetry(append, existing, current) };
    if (!satisfies(expected, current)) throw new ConcurrencyError(stream, expected, current);
    return { retry: null };
  }

  /** A retry only if the whole batch is stored, unchanged, in this stream, where the same expected state put it. */
  private idempotentRetry(
    append: PreparedAppend,
    existing: ReadonlyArray<StoredEvent | undefined>,
    current: number | null,
  ): port.AppendResult {
    const { stream, expected, events } = append;
    const first = existing[0];
    events.forEach((event, i) => {
      const stored = existing[i];
      const same =
        stored !== undefined &&
        first !== undefined &&
        stored.stream === stream &&
        stored.revision === first.revision + i &&
        stored.type === event.type &&
        stored.schemaVersion === event.schemaVersion &&
        stored.dataJson === event.dataJson;
      if (!same) throw new DuplicateEventIdError(event.eventId, stream);
    });
    const revisionBefore = first!.revision === 0 ? null : first!.revision - 1;
    if (!satisfies(expected, revisionBefore)) throw new ConcurrencyError(stream, expected, current);
    const last = existing[existing.length - 1]!;
    return { stream, revision: last.revision, position: sequencePosition(last.position) };
  }

  private apply({ stream, events }: PreparedAppend): port.AppendResult {
    const streamEvents = this.log.streams.get(stream) ?? [];
    this.log.streams.set(stream, streamEvents);
    let last: StoredEvent | null = null;
    for (const event of events) {
      last = {
        position: this.log.events.length + 1,
        eventId: event.eventId,
        stream,
        revision: streamEvents.length,
        type: event.type,
        schemaVersion: event.schemaVersion,
        dataJson: event.dataJson,
        metadataJson: event.metadataJson,
      };
      this.log.events.push(last);
      streamEvents.push(last);
      this.log.byId.set(event.eventId, last);
    }
    return { stream, revision: last!.revision, position: sequencePosition(last!.position) };
  }

  private nextAppend(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.log.appended.off('appended', done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.log.appended.on('appended', done);
      signal?.addEventListener('abort', done);
    });
  }
}

function revisionOf(events: readonly StoredEvent[] | undefined): number | null {
  return events && events.length > 0 ? events.length - 1 : null;
}

function toRecordedEvent(stored: StoredEvent): port.RecordedEvent {
  return {
    eventId: stored.eventId,
    type: stored.type,
    schemaVersion: stored.schemaVersion,
    // Parsed again on every read, as a store would: a reader that changes what it got changes nothing stored.
    data: JSON.parse(stored.dataJson) as unknown,
    metadata: JSON.parse(stored.metadataJson) as port.EventMetadata,
    stream: stored.stream,
    revision: stored.revision,
    position: sequencePosition(stored.position),
  };
}
