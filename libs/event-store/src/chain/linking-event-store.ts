import { DelegatingEventStore } from '../delegating-event-store.js';
import { ConcurrencyError, DuplicateEventIdError } from '../event-store.errors.js';
import { comparePositions } from '../log-position.js';
import type {
  AppendRequest,
  AppendResult,
  EventStore,
  ExpectedState,
  MultiAppendResult,
  NewEvent,
  ReadStreamOptions,
  RecordedEvent,
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
}

/** How many times a loose append ('any', 'exists') is linked again after another writer moved the stream. */
const LOOSE_ATTEMPTS = 5;

/**
 * Any adapter, with each appended event carrying its link in its stream's hash chain
 * (`metadata.streamLink`): the writer knows the previous link, because a decision reads its stream
 * before it appends and the append's expected revision proves the stream has not moved since.
 * Appends that name no revision ('any', 'exists') are pinned to the head read here, and linked
 * again if another writer moved it. Heads are cached from reads and appends, bounded. Reads of the
 * log, subscriptions and the adapter's own log-wide chain, when it keeps one (the embedded store
 * does), go through untouched (DelegatingEventStore).
 */
export class LinkingEventStore extends DelegatingEventStore {
  private readonly heads = new Map<string, Head>();

  constructor(
    inner: EventStore,
    private readonly cachedStreams = 20_000,
  ) {
    super(inner);
  }

  override async append(request: AppendRequest): Promise<AppendResult> {
    let movedTo: number | null | undefined;
    for (let attempt = 1; ; attempt++) {
      const linked = await this.link(request, movedTo);
      // A loose append pinned to the head: KurrentDB writes a batch appended at the stream's current
      // revision whatever ids the stream holds (IndexWriter.CheckCommit, kurrent-io/KurrentDB v25.1.1),
      // where the loose request would have been taken as a retry. A stream that already ends with
      // these events is that retry.
      if (linked.pinned && typeof linked.request.expected === 'number') {
        const found = await this.alreadyAppended(request, linked.request.expected);
        if (found) return found;
      }
      try {
        const result = await this.inner.append(linked.request);
        this.forget(request.stream);
        return result;
      } catch (error) {
        this.forget(request.stream);
        // A loose append retried with the same ids: the stream already ends with them.
        if (linked.pinned && isMoved(error)) {
          const found = await this.alreadyAppended(request, actualOf(error));
          if (found) return found;
        }
        if (!this.mayRelink(error, linked, attempt)) throw this.asAsked(error, request);
        movedTo = actualOf(error);
        await backOff(attempt);
      }
    }
  }

  override async appendMulti(requests: readonly AppendRequest[]): Promise<MultiAppendResult> {
    for (let attempt = 1; ; attempt++) {
      const linked = Array.isArray(requests) ? await Promise.all(requests.map((request) => this.link(request))) : [];
      const earlier = await this.earlierMulti(requests, linked);
      if (earlier) return earlier;
      try {
        const result = await this.inner.appendMulti(Array.isArray(requests) ? linked.map((l) => l.request) : requests);
        for (const l of linked) this.forget(l.request.stream);
        return result;
      } catch (error) {
        for (const l of linked) this.forget(l.request.stream);
        if (linked.some((l) => l.pinned) && isMoved(error)) {
          const found = await Promise.all(requests.map((r) => this.alreadyAppended(r, null)));
          if (found.every((f): f is AppendResult => f !== null)) {
            const position = found
              .map((f) => f.position)
              .reduce((last, p) => (comparePositions(p, last) > 0 ? p : last));
            return { streams: found, position };
          }
        }
        const moved =
          error instanceof ConcurrencyError ? linked.find((l) => l.request.stream === error.stream) : undefined;
        if (!moved || !this.mayRelink(error, moved, attempt)) {
          throw moved
            ? this.asAsked(
                error,
                requests.find((r) => r.stream === moved.request.stream)!,
              )
            : error;
        }
        await backOff(attempt);
      }
    }
  }

  /**
   * The result of an earlier append of this very multi-stream append, when every stream pinned here
   * already ends with its events (appends are atomic: then every stream holds its own): the same
   * reason as in append, for the streams a multi-stream append names loosely.
   */
  private async earlierMulti(
    requests: readonly AppendRequest[],
    linked: readonly Linked[],
  ): Promise<MultiAppendResult | null> {
    const pinned = linked.filter((l) => l.pinned && typeof l.request.expected === 'number');
    if (pinned.length === 0 || linked.length !== requests.length) return null;
    const found = await Promise.all(
      requests.map((request, i) => {
        const l = linked[i]!;
        const expected = l.request.expected;
        if (typeof expected !== 'number') return null;
        return this.alreadyAppended(request, l.pinned ? expected : expected + request.events.length);
      }),
    );
    if (!found.every((f): f is AppendResult => f !== null)) return null;
    return {
      streams: found,
      position: found.map((f) => f.position).reduce((last, p) => (comparePositions(p, last) > 0 ? p : last)),
    };
  }

  /** Caches the head only when the read reached the end of the stream. */
  override async readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const events = await this.inner.readStream(stream, options);
    const last = events[events.length - 1];
    const link = last ? storedStreamLink(last.metadata) : null;
    const reachedEnd = options?.limit === undefined || events.length < options.limit;
    if (last && link && reachedEnd) this.cache(stream, { revision: last.revision, link });
    return events;
  }

  /** The request with every event carrying its link; malformed requests go through untouched, for the adapter to refuse. */
  /** `movedTo`: the revision another writer moved a loose append's stream to (from its conflict), when known. */
  private async link(request: AppendRequest, movedTo?: number | null): Promise<Linked> {
    const untouched: Linked = { request, pinned: false };
    if (!isWellFormed(request)) return untouched;
    let expected: ExpectedState = request.expected;
    let head: Head | null = null;
    let pinned = false;
    if (typeof expected === 'number') {
      // Not a revision: the adapter refuses it.
      if (!Number.isSafeInteger(expected) || expected < 0) return untouched;
      head = await this.headAt(request.stream, expected);
      // No event at that revision: the adapter refuses the append, with the stream's real revision.
      if (head === null) return untouched;
    } else if (expected === 'any' || expected === 'exists') {
      head = movedTo === undefined ? await this.lastOf(request.stream) : await this.movedHead(request.stream, movedTo);
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
    return { request: { stream: request.stream, expected, events }, pinned };
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

  /** The head after another writer moved the stream: at the revision its conflict named, else read. */
  private async movedHead(stream: string, actual: number | null): Promise<Head | null> {
    return actual === null ? chainHead(await this.inner.readStream(stream)) : this.headAt(stream, actual);
  }

  private mayRelink(error: unknown, linked: Linked, attempt: number): boolean {
    return error instanceof ConcurrencyError && linked.pinned && attempt < LOOSE_ATTEMPTS;
  }

  /** A conflict reported with the expected state the caller asked for, not the one pinned here. */
  private asAsked(error: unknown, request: AppendRequest): unknown {
    if (error instanceof ConcurrencyError && error.expected !== request.expected) {
      return new ConcurrencyError(error.stream, request.expected, error.actual);
    }
    return error;
  }

  /**
   * The result of an earlier append of these very events, when the stream ends with them (ids in
   * order): what the adapter answers to a retry, which a pinned expected revision would otherwise hide.
   */
  private async alreadyAppended(request: AppendRequest, actual: number | null): Promise<AppendResult | null> {
    if (!isWellFormed(request)) return null;
    const count = request.events.length;
    const tail =
      actual === null
        ? (await this.inner.readStream(request.stream)).slice(-count)
        : await this.inner.readStream(request.stream, { fromRevision: Math.max(0, actual - count + 1), limit: count });
    if (tail.length !== count) return null;
    const same = tail.every((event, i) => event.eventId.toLowerCase() === request.events[i]!.eventId.toLowerCase());
    const last = tail[count - 1]!;
    return same ? { stream: request.stream, revision: last.revision, position: last.position } : null;
  }

  /**
   * After an append the head is read again rather than taken from what was sent: a retry the
   * adapter accepted by its ids may hold links computed from other metadata.
   */
  private forget(stream: string): void {
    this.heads.delete(stream);
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
      (event) =>
        event !== null &&
        typeof event === 'object' &&
        typeof event.eventId === 'string' &&
        event.metadata !== null &&
        typeof event.metadata === 'object' &&
        !Array.isArray(event.metadata),
    )
  );
}

function isMoved(error: unknown): boolean {
  return error instanceof ConcurrencyError || error instanceof DuplicateEventIdError;
}

function actualOf(error: unknown): number | null {
  return error instanceof ConcurrencyError ? error.actual : null;
}

/** A little random wait before linking again, so that loose appends racing on one stream spread out. */
function backOff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * 3 * attempt));
}
