import {
  BACKWARDS,
  END,
  FORWARDS,
  KurrentDBClient,
  START,
  StreamDeletedError as ClientStreamDeletedError,
  StreamNotFoundError,
  excludeSystemEvents,
  type AppendResult as ClientAppendResult,
  type MultiAppendResult as ClientMultiAppendResult,
  type ReadPosition,
} from '@kurrent/kurrentdb-client';
import { DEFAULT_MAX_EVENT_BYTES, assertStreamName, prepareAppends } from '../append-validation.js';
import { EventStoreUnavailableError, StreamTombstonedError } from '../event-store.errors.js';
import type * as port from '../event-store.port.js';
import { comparePositions } from '../log-position.js';
import { confirmAppend, explainAppendFailure, type StreamReads } from './kurrentdb-append-checks.js';
import { catchUpSubscription } from './kurrentdb-catch-up-subscription.js';
import { connectionStringProblem } from './kurrentdb-connection.js';
import { DEFAULT_DEADLINE_MS, withDefaultDeadline, withinDeadline } from './kurrentdb-deadline.js';
import { toPortError } from './kurrentdb-errors.js';
import {
  isAfter,
  isSystemEvent,
  laterOf,
  multiAppendPosition,
  recordedPosition,
  toClientPosition,
  toEventData,
  toLogPosition,
  toReadRevision,
  toRecordedEvent,
  toStreamState,
} from './kurrentdb-mapping.js';

export interface KurrentDbEventStoreOptions {
  /** Refuse events whose data and metadata together exceed this many bytes. Default 1 MiB. */
  readonly maxEventBytes?: number;
  /**
   * How long any one call to KurrentDB may take, in milliseconds (each read, each append; see
   * kurrentdb-deadline.ts for how each call gets it). Default 10 s.
   */
  readonly deadlineMs?: number;
}

/**
 * The part of the client the adapter calls: the real KurrentDBClient (connect), or a stand-in that
 * answers as it does (simulator/kurrentdb-simulator.ts).
 */
export type KurrentDbClientPort = Pick<
  KurrentDBClient,
  'appendToStream' | 'multiStreamAppend' | 'readStream' | 'readAll' | 'subscribeToAll' | 'dispose'
>;

/** How many events headPosition reads per batch while it looks for the last non-system event. */
const HEAD_BATCH = 32;

/**
 * The event store on KurrentDB, through @kurrent/kurrentdb-client (gRPC; reads go through its
 * Rust bridge). Streams, revisions and the global log ($all) are KurrentDB's own; the port's
 * schemaVersion and metadata live in each event's KurrentDB metadata (see kurrentdb-mapping.ts).
 *
 * Where KurrentDB and the port differ, the adapter does extra reads to keep the port's promises
 * (correct rather than fast):
 * - Every append reads its events back (one readStream of the appended count per stream). The
 *   server treats ids already at the target revisions as an idempotent retry and writes nothing
 *   without looking at the content; the port wants a different event reusing an id refused with
 *   DuplicateEventIdError. The read-back also gives the exact (commit, prepare) position of the
 *   last event, which is what readAll and subscribe report, whereas an append's own position is
 *   the transaction's (absent for some idempotent retries; a single bigint for multi-stream appends).
 * - Event ids are unique per stream in KurrentDB (and only within its idempotency window), not
 *   across the log: reusing an id in another stream is not detected.
 * - A multi-stream append that repeats an earlier one only in part (some streams already hold
 *   their events, others do not) is refused by KurrentDB, where the embedded store writes the rest.
 *   The refusal reaches the client as an UnknownError; the adapter reads the streams and reports
 *   it as the port's ConcurrencyError or DuplicateEventIdError (explainRefusedMultiAppend).
 * - subscribe reads the head once before subscribing, for its caught-up fallback.
 * - An append at the stream's current revision is written whatever ids the stream holds
 *   (IndexWriter.CheckCommit, KurrentDB v25.1.1): a retry pinned to a new head is stored twice.
 *   Retries must repeat the expected state of the first attempt (the server then answers from
 *   the events already there), or find out first (AppendOutcomeUnknownError says so).
 *
 * The reads around an append are in kurrentdb-append-checks.ts, the subscription in
 * kurrentdb-catch-up-subscription.ts.
 *
 * Errors (kurrentdb-errors.ts): a failure after which an append may have been written is
 * AppendOutcomeUnknownError; one known to have written nothing is ConcurrencyError,
 * InvalidAppendError or EventStoreUnavailableError; a tombstoned stream is StreamTombstonedError.
 */
export class KurrentDbEventStore implements port.EventStore {
  private readonly maxEventBytes: number;
  private readonly deadlineMs: number;
  /** The reads around an append (kurrentdb-append-checks.ts). */
  private readonly reads: StreamReads;
  private closed = false;

  constructor(
    private readonly client: KurrentDbClientPort,
    options: KurrentDbEventStoreOptions = {},
  ) {
    this.maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    this.deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
    if (!Number.isSafeInteger(this.deadlineMs) || this.deadlineMs <= 0)
      throw new RangeError(`deadlineMs must be a positive integer, got ${this.deadlineMs}`);
    this.reads = { client, deadlineMs: this.deadlineMs };
  }

  /**
   * Does not connect: the client connects on first use, so a bad server shows up as
   * EventStoreUnavailableError then. Refuses at once a connection string the adapter cannot work
   * with (see connectionStringProblem). The client's defaultDeadline, which bounds multi-stream
   * appends, is the adapter's deadline unless the connection string sets one.
   */
  static connect(connectionString: string, options: KurrentDbEventStoreOptions = {}): KurrentDbEventStore {
    const problem = connectionStringProblem(connectionString);
    if (problem !== null) throw new Error(problem);
    const client = KurrentDBClient.connectionString(
      withDefaultDeadline(connectionString, options.deadlineMs ?? DEFAULT_DEADLINE_MS),
    );
    return new KurrentDbEventStore(client, options);
  }

  async append(request: port.AppendRequest): Promise<port.AppendResult> {
    this.assertOpen();
    const append = prepareAppends([request], this.maxEventBytes)[0]!;
    const events = append.events.map((event) => toEventData(event, append.stream));
    let result: ClientAppendResult;
    try {
      result = await this.client.appendToStream(append.stream, events, {
        streamState: toStreamState(append.expected),
        deadline: this.deadlineMs,
      });
    } catch (error) {
      throw await explainAppendFailure(this.reads, error, [append]);
    }
    if (!result.success) {
      // Only a client built with throwOnAppendFailure=false answers so, and connect refuses that
      // option: the revision such a result carries cannot be trusted to report a conflict.
      throw new Error(`KurrentDB returned a failed append to ${append.stream} as a value (throwOnAppendFailure=false)`);
    }
    return confirmAppend(
      this.reads,
      append,
      result.nextExpectedRevision,
      result.position ? toLogPosition(result.position) : null,
    );
  }

  /**
   * One atomic multi-stream append (client.multiStreamAppend: KurrentDB 25.1 or later; older
   * servers make it fail with EventStoreUnavailableError). On a wrong expected revision the server
   * fails the whole append with the conflicting stream's details; nothing is written anywhere. Two
   * streams differing only in case are refused before sending (append-validation.ts). The call's
   * deadline is the client's defaultDeadline (the method takes no options in client 1.3.1).
   */
  async appendMulti(requests: readonly port.AppendRequest[]): Promise<port.MultiAppendResult> {
    this.assertOpen();
    const appends = prepareAppends(requests, this.maxEventBytes);
    const streamRequests = appends.map((append) => ({
      streamName: append.stream,
      events: append.events.map((event) => toEventData(event, append.stream)),
      expectedState: toStreamState(append.expected),
    }));
    let result: ClientMultiAppendResult;
    try {
      result = await this.client.multiStreamAppend(streamRequests);
    } catch (error) {
      throw await explainAppendFailure(this.reads, error, appends);
    }
    // Only a fallback for events read back without a position: see multiAppendPosition.
    const fallback = multiAppendPosition(result.position);
    const revisions = new Map(result.responses.map((response) => [response.streamName, response.revision]));
    const streams = await Promise.all(
      appends.map((append) => {
        const revision = revisions.get(append.stream);
        if (revision === undefined) {
          throw new Error(`KurrentDB's multi-stream append response does not mention ${append.stream}`);
        }
        return confirmAppend(this.reads, append, revision, fallback);
      }),
    );
    const position = streams.reduce<port.LogPosition>(
      (last, stream) => laterOf(last, stream.position)!,
      streams[0]!.position,
    );
    return { streams, position };
  }

  async readStream(stream: string, options: port.ReadStreamOptions = {}): Promise<port.RecordedEvent[]> {
    this.assertOpen();
    assertStreamName(stream);
    const fromRevision = toReadRevision(options.fromRevision);
    const limit = boundedLimit(options.limit);
    if (limit === 0) return [];
    const events: port.RecordedEvent[] = [];
    try {
      const read = this.client.readStream(stream, {
        direction: FORWARDS,
        fromRevision,
        ...(limit === undefined ? {} : { maxCount: limit }),
      });
      for await (const resolved of withinDeadline(read, this.deadlineMs, `Reading ${stream}`)) {
        if (resolved.event) events.push(toRecordedEvent(resolved.event));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      if (error instanceof ClientStreamDeletedError) throw new StreamTombstonedError(stream, { cause: error });
      throw toPortError(error);
    }
    return events;
  }

  /**
   * KurrentDB reads $all from a position inclusively; the port's `after` is exclusive. So each
   * page asks for one more event than still wanted and drops whatever is not strictly after the
   * cursor. System events the server filter lets through are dropped on this side and make a page
   * come short: the next page continues from the last event seen.
   */
  async readAll(options: port.ReadAllOptions = {}): Promise<port.RecordedEvent[]> {
    this.assertOpen();
    const limit = boundedLimit(options.limit);
    if (limit === 0) return [];
    const events: port.RecordedEvent[] = [];
    let cursor: port.LogPosition | null = options.after ?? null;
    try {
      for (;;) {
        const maxCount = limit === undefined ? undefined : BigInt(limit - events.length) + 1n;
        const read = this.client.readAll({
          direction: FORWARDS,
          fromPosition: cursor === null ? START : toClientPosition(cursor),
          filter: excludeSystemEvents(),
          ...(maxCount === undefined ? {} : { maxCount }),
        });
        let received = 0n;
        for await (const resolved of withinDeadline(read, this.deadlineMs, 'Reading $all')) {
          received += 1n;
          const recorded = resolved.event;
          if (recorded === undefined) continue;
          const position = recordedPosition(recorded);
          if (!isAfter(position, cursor)) continue;
          cursor = position;
          if (isSystemEvent(recorded.streamId, recorded.type)) continue;
          events.push(toRecordedEvent(recorded));
          if (limit !== undefined && events.length >= limit) return events;
        }
        if (maxCount === undefined || received < maxCount) return events;
      }
    } catch (error) {
      throw toPortError(error);
    }
  }

  /**
   * A catch-up subscription to $all (catchUpSubscription), its caught-up fallback the head read
   * before subscribing.
   */
  async *subscribe(options: port.SubscribeOptions = {}): AsyncGenerator<port.SubscriptionItem, void, undefined> {
    this.assertOpen();
    const head = await this.headPosition();
    yield* catchUpSubscription(this.client, head, options, () => this.closed);
  }

  /**
   * The position of the last event that is not a system event: $all backwards, server-filtered on
   * '$' types, in small batches skipping events of '$' streams. Null when there is none.
   */
  async headPosition(): Promise<port.LogPosition | null> {
    this.assertOpen();
    let from: ReadPosition = END;
    let cursor: port.LogPosition | null = null;
    try {
      for (;;) {
        let received = 0;
        const read = this.client.readAll({
          direction: BACKWARDS,
          fromPosition: from,
          maxCount: HEAD_BATCH,
          filter: excludeSystemEvents(),
        });
        for await (const resolved of withinDeadline(read, this.deadlineMs, 'Reading the head of $all')) {
          received += 1;
          const recorded = resolved.event;
          if (recorded?.position === undefined) continue;
          const position = toLogPosition(recorded.position);
          if (cursor !== null && comparePositions(position, cursor) >= 0) continue;
          cursor = position;
          if (!isSystemEvent(recorded.streamId, recorded.type)) return position;
        }
        if (received < HEAD_BATCH || cursor === null) return null;
        from = toClientPosition(cursor);
      }
    } catch (error) {
      throw toPortError(error);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.dispose();
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreUnavailableError('The event store is closed');
  }
}

function boundedLimit(limit: number | undefined): number | undefined {
  if (limit === undefined) return undefined;
  if (!Number.isSafeInteger(limit) || limit < 0)
    throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
  return limit;
}
