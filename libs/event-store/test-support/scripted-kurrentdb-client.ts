import {
  NO_STREAM,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  convertToCommandError,
  type AllStreamRecordedEvent,
  type AppendStreamState,
  type EventData,
  type Filter,
  type KurrentDBClient,
  type Position,
} from '@kurrent/kurrentdb-client';
import { KurrentDbEventStore } from '../src/kurrentdb/kurrentdb-event-store.js';
import { at, serverHandlerFailure, storedAs } from './kurrentdb-events.js';
import {
  caughtUpMessage,
  clientSubscription,
  eventMessage,
  fakeGrpcStream,
  type FakeGrpcStream,
} from './kurrentdb-grpc-stream.js';

type Stored = AllStreamRecordedEvent;

/**
 * Answers like the client over a KurrentDB server, as far as the adapter depends on it: appends
 * check the expected state, treat ids already at the target revisions as an idempotent success
 * (ids only, as the server does) and throw WrongExpectedVersionError; an unknown stream reads as
 * StreamNotFoundError; $all reads start inclusively at a position and apply the server filter.
 */
export class ScriptedClient {
  readonly log: Stored[] = [];
  readonly subscriptions: FakeGrpcStream[] = [];
  private nextPosition = 1_000n;

  /** Set to make the next multi-stream append fail with it, whatever the streams hold. */
  failNextMultiAppend: Error | null = null;
  multiAppendsSent = 0;

  async appendToStream(stream: string, events: EventData[], { streamState }: { streamState: AppendStreamState }) {
    const decision = this.decide(stream, events, streamState);
    if (decision.kind === 'conflict') throw decision.error;
    if (decision.kind === 'idempotent')
      return { success: true, nextExpectedRevision: BigInt(decision.revision), position: undefined };
    const first = this.nextPosition;
    const revision = this.writeAll(stream, events);
    return { success: true, nextExpectedRevision: BigInt(revision), position: at(first) };
  }

  /**
   * All streams or none. Every stream an idempotent retry: success; some of them and not all: the
   * server's handler fails (gRPC UNKNOWN) instead of naming a stream; else the first conflict.
   */
  async multiStreamAppend(
    requests: Array<{ streamName: string; events: EventData[]; expectedState: AppendStreamState }>,
  ) {
    this.multiAppendsSent += 1;
    if (this.failNextMultiAppend) {
      const failure = this.failNextMultiAppend;
      this.failNextMultiAppend = null;
      throw failure;
    }
    const decisions = requests.map(({ streamName, events, expectedState }) =>
      this.decide(streamName, events, expectedState),
    );
    const idempotent = decisions.filter((decision) => decision.kind === 'idempotent').length;
    if (idempotent > 0 && idempotent < requests.length) throw convertToCommandError(serverHandlerFailure());
    const conflict = decisions.find((decision) => decision.kind === 'conflict');
    if (conflict?.kind === 'conflict') throw conflict.error;
    const position = this.nextPosition;
    const responses = requests.map(({ streamName, events }, i) => {
      const decision = decisions[i]!;
      const revision = decision.kind === 'idempotent' ? decision.revision : this.writeAll(streamName, events);
      return { streamName, revision: BigInt(revision) };
    });
    return { position, responses };
  }

  /** The server's commit decision for one stream: ids already where the expected state puts them are a retry. */
  private decide(
    stream: string,
    events: EventData[],
    streamState: AppendStreamState,
  ):
    | { kind: 'write' }
    | { kind: 'idempotent'; revision: number }
    | { kind: 'conflict'; error: WrongExpectedVersionError } {
    const current = this.log.filter((event) => event.streamId === stream);
    const last = current.length - 1;
    const expectedLast = streamState === NO_STREAM ? -1 : typeof streamState === 'bigint' ? Number(streamState) : null;
    const conflict = () => ({
      kind: 'conflict' as const,
      error: new WrongExpectedVersionError(undefined, {
        streamName: stream,
        expected: streamState,
        current: last < 0 ? 'no_stream' : BigInt(last),
      }),
    });
    if (expectedLast !== null) {
      const there = current.slice(expectedLast + 1, expectedLast + 1 + events.length);
      if (there.length === events.length && there.every((event, i) => event.id === events[i]!.id)) {
        return { kind: 'idempotent', revision: expectedLast + events.length };
      }
      if (last !== expectedLast) return conflict();
    } else if (streamState === STREAM_EXISTS && last < 0) {
      return conflict();
    }
    return { kind: 'write' };
  }

  /** Appends to the end of the stream; returns the stream's new last revision. */
  private writeAll(stream: string, events: EventData[]): number {
    const last = this.log.filter((event) => event.streamId === stream).length - 1;
    events.forEach((event, i) => this.write(storedAs(event, stream, last + 1 + i, at(this.nextPosition))));
    return last + events.length;
  }

  readStream(
    stream: string,
    options: { direction?: string; fromRevision?: bigint | string; maxCount?: number | bigint },
  ) {
    const events = this.log.filter((event) => event.streamId === stream);
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision;
    const selected = (backwards ? [...events].reverse() : events)
      .filter((event) => typeof from !== 'bigint' || (backwards ? event.revision <= from : event.revision >= from))
      .slice(0, Number(options.maxCount ?? Number.MAX_SAFE_INTEGER));
    return (async function* () {
      if (events.length === 0) throw new StreamNotFoundError(undefined, stream);
      for (const event of selected) yield { event };
    })();
  }

  readAll(options: {
    direction?: string;
    fromPosition?: Position | string;
    maxCount?: number | bigint;
    filter?: Filter;
  }) {
    const backwards = options.direction === 'backwards';
    const from = options.fromPosition;
    const selected = (backwards ? [...this.log].reverse() : this.log)
      .filter(
        (event) =>
          typeof from !== 'object' ||
          (backwards ? event.position.commit <= from.commit : event.position.commit >= from.commit),
      )
      .filter((event) => passes(options.filter, event))
      .slice(0, Number(options.maxCount ?? Number.MAX_SAFE_INTEGER));
    return (async function* () {
      for (const event of selected) yield { event };
    })();
  }

  subscribeToAll(options: { fromPosition?: Position | string; filter?: Filter }) {
    const grpc = fakeGrpcStream();
    this.subscriptions.push(grpc);
    const from = options.fromPosition;
    const live = (event: Stored) => {
      if (passes(options.filter, event)) grpc.write(eventMessage(event));
    };
    // Exclusive start, as the server does for subscriptions.
    for (const event of this.log) if (typeof from !== 'object' || event.position.commit > from.commit) live(event);
    grpc.write(caughtUpMessage());
    this.listeners.push(live);
    return clientSubscription(grpc, (event) => ({ event }));
  }

  async dispose(): Promise<void> {}

  /** Writes an event as another process would, e.g. a system event. */
  write(event: Stored): void {
    this.log.push(event);
    this.nextPosition += 100n;
    for (const listener of this.listeners) listener(event);
  }

  private readonly listeners: Array<(event: Stored) => void> = [];
}

function passes(filter: Filter | undefined, event: Stored): boolean {
  if (!filter) return true;
  const subject = filter.filterOn === 'eventType' ? event.type : event.streamId;
  return 'regex' in filter
    ? new RegExp(filter.regex).test(subject)
    : filter.prefixes.some((prefix) => subject.startsWith(prefix));
}

export function storeWith(client: ScriptedClient): KurrentDbEventStore {
  return new KurrentDbEventStore(client as unknown as KurrentDBClient);
}
