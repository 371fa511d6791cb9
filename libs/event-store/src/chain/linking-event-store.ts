import { ConcurrencyError } from '../event-store.errors.js';
import { isTamperEvident } from '../event-store.port.js';
import type {
  AppendRequest,
  AppendResult,
  ChainVerification,
  EventStore,
  ExpectedState,
  LogPosition,
  MultiAppendResult,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  SubscriptionItem,
  TamperEvidentLog,
} from '../event-store.port.js';
import { STREAM_GENESIS, STREAM_LINK_KEY, storedStreamLink, streamLinkOf } from './stream-link.js';

/** A stream's last event as the writer knows it: its revision and its link. */
interface Head {
  readonly revision: number;
  readonly link: string;
}

interface Linked {
  readonly request: AppendRequest;
  /** The head the appended events follow, when the request's own expected state was loose ('any', 'exists'). */
  readonly pinned: boolean;
  readonly last: Head | null;
}

/** How many times a loose append ('any', 'exists') is linked again after another writer moved the stream. */
const LOOSE_ATTEMPTS = 5;

/**
 * Any adapter, with each appended event carrying its link in its stream's hash chain
 * (`metadata.streamLink`): the writer knows the previous link, because a decision reads its stream
 * before it appends and the append's expected revision proves the stream has not moved since.
 * Appends that name no revision ('any', 'exists') are pinned to the head read here, and linked
 * again if another writer moved it. Heads are cached from reads and appends, bounded.
 */
export class LinkingEventStore implements EventStore, Partial<TamperEvidentLog> {
  private readonly heads = new Map<string, Head>();

  constructor(
    private readonly inner: EventStore,
    private readonly cachedStreams = 20_000,
  ) {}

  async append(request: AppendRequest): Promise<AppendResult> {
    for (let attempt = 1; ; attempt++) {
      const linked = await this.link(request);
      try {
        const result = await this.inner.append(linked.request);
        this.remember(request.stream, linked.last, result.revision);
        return result;
      } catch (error) {
        if (!this.mayRelink(error, linked, attempt)) throw this.asAsked(error, request);
      }
    }
  }

  async appendMulti(requests: readonly AppendRequest[]): Promise<MultiAppendResult> {
    for (let attempt = 1; ; attempt++) {
      const linked = Array.isArray(requests) ? await Promise.all(requests.map((request) => this.link(request))) : [];
      try {
        const result = await this.inner.appendMulti(Array.isArray(requests) ? linked.map((l) => l.request) : requests);
        linked.forEach((l, i) => this.remember(l.request.stream, l.last, result.streams[i]?.revision));
        return result;
      } catch (error) {
        const moved = error instanceof ConcurrencyError ? linked.find((l) => l.request.stream === error.stream) : undefined;
        if (!moved || !this.mayRelink(error, moved, attempt)) {
          throw moved ? this.asAsked(error, requests.find((r) => r.stream === moved.request.stream)!) : error;
        }
      }
    }
  }

  async readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const events = await this.inner.readStream(stream, options);
    const last = events[events.length - 1];
    const link = last ? storedStreamLink(last.metadata) : null;
    if (last && link) this.cache(stream, { revision: last.revision, link });
    return events;
  }

  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.inner.readAll(options);
  }

  subscribe(options?: SubscribeOptions): AsyncIterable<SubscriptionItem> {
    return this.inner.subscribe(options);
  }

  headPosition(): Promise<LogPosition | null> {
    return this.inner.headPosition();
  }

  /** The adapter's own log-wide chain, when it keeps one (the embedded store does). */
  get verifyChain(): (() => Promise<ChainVerification>) | undefined {
    const inner = this.inner;
    return isTamperEvident(inner) ? () => inner.verifyChain() : undefined;
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** The request with every event carrying its link; malformed requests go through untouched, for the adapter to refuse. */
  private async link(request: AppendRequest): Promise<Linked> {
    const untouched: Linked = { request, pinned: false, last: null };
    if (!isWellFormed(request)) return untouched;
    let expected: ExpectedState = request.expected;
    let head: Head | null = null;
    let pinned = false;
    if (typeof expected === 'number') {
      head = await this.headAt(request.stream, expected);
      // No event at that revision: the adapter refuses the append, with the stream's real revision.
      if (head === null) return untouched;
    } else if (expected === 'any' || expected === 'exists') {
      head = await this.lastOf(request.stream);
      if (head === null && expected === 'exists') return untouched;
      expected = head === null ? 'no_stream' : head.revision;
      pinned = true;
    }
    let previous = head?.link ?? STREAM_GENESIS;
    const first = head === null ? 0 : head.revision + 1;
    let events: NewEvent[];
    try {
      events = request.events.map((event, i): NewEvent => {
        previous = streamLinkOf(previous, { ...event, stream: request.stream, revision: first + i });
        return { ...event, metadata: { ...event.metadata, [STREAM_LINK_KEY]: previous } as NewEvent['metadata'] };
      });
    } catch {
      // Data that is not JSON (a bigint, a cycle): the adapter names the problem.
      return untouched;
    }
    return { request: { stream: request.stream, expected, events }, pinned, last: { revision: first + events.length - 1, link: previous } };
  }

  /** The head at a revision: from the cache, else its event, else (an event written before links) the chain recomputed from the start. */
  private async headAt(stream: string, revision: number): Promise<Head | null> {
    const cached = this.heads.get(stream);
    if (cached?.revision === revision) return cached;
    const [event] = await this.inner.readStream(stream, { fromRevision: revision, limit: 1 });
    if (!event || event.revision !== revision) return null;
    const link = storedStreamLink(event.metadata);
    if (link) return { revision, link };
    return chainHead(await this.inner.readStream(stream, { limit: revision + 1 }));
  }

  /** The head as last seen here (a stale one makes the pinned append conflict, and it is read again), else read. */
  private async lastOf(stream: string): Promise<Head | null> {
    return this.heads.get(stream) ?? chainHead(await this.inner.readStream(stream));
  }

  private mayRelink(error: unknown, linked: Linked, attempt: number): boolean {
    if (!(error instanceof ConcurrencyError) || !linked.pinned || attempt >= LOOSE_ATTEMPTS) return false;
    this.heads.delete(linked.request.stream);
    return true;
  }

  /** A conflict reported with the expected state the caller asked for, not the one pinned here. */
  private asAsked(error: unknown, request: AppendRequest): unknown {
    if (error instanceof ConcurrencyError && error.expected !== request.expected) {
      return new ConcurrencyError(error.stream, request.expected, error.actual);
    }
    if (error instanceof ConcurrencyError) this.heads.delete(error.stream);
    return error;
  }

  private remember(stream: string, last: Head | null, revision: number | undefined): void {
    if (last && revision === last.revision) this.cache(stream, last);
    else this.heads.delete(stream);
  }

  private cache(stream: string, head: Head): void {
    this.heads.delete(stream);
    this.heads.set(stream, head);
    if (this.heads.size > this.cachedStreams) this.heads.delete(this.heads.keys().next().value!);
  }
}

/** The head of a stream read from its start, each event's link recomputed (events written before links had none). */
function chainHead(events: readonly RecordedEvent[]): Head | null {
  let previous = STREAM_GENESIS;
  for (const event of events) previous = storedStreamLink(event.metadata) ?? streamLinkOf(previous, event);
  const last = events[events.length - 1];
  return last ? { revision: last.revision, link: previous } : null;
}

function isWellFormed(request: AppendRequest): boolean {
  return (
    request !== null &&
    typeof request === 'object' &&
    typeof request.stream === 'string' &&
    Array.isArray(request.events) &&
    request.events.length > 0 &&
    request.events.every(
      (event) => event !== null && typeof event === 'object' && typeof event.eventId === 'string' && event.metadata !== null && typeof event.metadata === 'object' && !Array.isArray(event.metadata),
    )
  );
}
