/**
 * An in-memory KurrentDB node, and clients of it that answer exactly as @kurrent/kurrentdb-client
 * 1.3.1 does over a network, so that the product's real adapter (KurrentDbEventStore) runs against
 * the server's real semantics where no server can run: tests, demos, `kurrentdb-simulator://`.
 *
 * The node follows kurrent-io/KurrentDB v25.1.1 (docker-compose.yml's image): writes, their commit
 * checks and idempotency, deletes and reads in simulator-storage.ts; its records and positions in
 * simulator-records.ts; subscriptions in simulator-subscriptions.ts; what the client makes of each
 * answer in simulator-wire.ts; faults in simulator-faults.ts. A client implements the part of
 * KurrentDBClient the adapter calls (KurrentDbClientPort), plus deleteStream, tombstoneStream and
 * setStreamMetadata for tests.
 *
 * ```ts
 * const node = new KurrentDbSimulator({ seed: 7 });
 * const store = new KurrentDbEventStore(node.connect());
 * node.failNext('commit-then-fail');           // the next append is written, and its answer lost
 * await node.connect().tombstoneStream('bid-1');
 * ```
 */
import type { TransformOptions } from 'node:stream';
import {
  ANY,
  BACKWARDS,
  DeadlineExceededError,
  END,
  InvalidArgumentError,
  MaxAppendSizeExceededError,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  TransactionMaxSizeExceededError,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendResult,
  type AppendStreamRequest,
  type AppendStreamState,
  type AppendToStreamOptions,
  type DeleteResult,
  type DeleteStreamOptions,
  type EventData,
  type EventType,
  type MultiAppendResult,
  type ReadAllOptions,
  type ReadStreamOptions,
  type ResolvedEvent,
  type SetStreamMetadataOptions,
  type StreamMetadata,
  type SubscribeToAllOptions,
  type TombstoneStreamOptions,
} from '@kurrent/kurrentdb-client';
import { prepareStreamMetadata } from '@kurrent/kurrentdb-client/dist/streams/utils/streamMetadata.js';
import { metastreamOf } from '@kurrent/kurrentdb-client/dist/streams/utils/systemStreams.js';
import type { KurrentDbClientPort } from '../kurrentdb-event-store.js';
import { SimulatorFaults, type FailNextOptions, type InjectedFault, type SimulatedFault } from './simulator-faults.js';
import * as records from './simulator-records.js';
import { SimulatorStorage } from './simulator-storage.js';
import { SimulatorSubscriptions } from './simulator-subscriptions.js';
import * as wire from './simulator-wire.js';

export {
  SIMULATED_FAULTS,
  type FailNextOptions,
  type InjectedFault,
  type LostAnswer,
  type SimulatedCall,
  type SimulatedFault,
} from './simulator-faults.js';

export interface KurrentDbSimulatorOptions {
  /** The share (0 to 1) of the calls each fault strikes at random. */
  readonly faults?: Readonly<Partial<Record<SimulatedFault, number>>>;
  /** Seed of the faults' generator: the same seed and calls give the same faults. Default 1. */
  readonly seed?: number;
  /** How many recent event ids the node remembers for the idempotency of appends naming no revision. Default 100 000. */
  readonly idempotencyWindow?: number;
  /** The clock of the events' `created`. */
  readonly now?: () => Date;
  /** The node's MaxAppendSize in bytes (ClusterVNodeOptions: one chunk, 256 MiB). */
  readonly maxAppendSize?: number;
}

/** What a follower names as the leader in its NotLeader answers. */
const LEADER = { host: 'leader.kurrentdb-simulator.invalid', port: 2113 } as const;

export class KurrentDbSimulator {
  readonly storage: SimulatorStorage;
  readonly subscriptions: SimulatorSubscriptions;
  readonly faults: SimulatorFaults;
  readonly maxAppendSize: number;

  constructor(options: KurrentDbSimulatorOptions = {}) {
    const now = options.now ?? (() => new Date());
    this.storage = new SimulatorStorage(now, options.idempotencyWindow ?? 100_000);
    this.faults = new SimulatorFaults({
      ...(options.faults ? { shares: options.faults } : {}),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
    });
    this.subscriptions = new SimulatorSubscriptions(this.storage, this.faults);
    this.maxAppendSize = options.maxAppendSize ?? 256 * 1024 * 1024;
    // A fresh node's first write (TFChunkScavengerLogManager.SetScavengeStreamMetadata): a system
    // event, so that $all never starts with the product's own events.
    this.storage.write([
      {
        stream: metastreamOf('$scavenges'),
        expectedVersion: records.ANY,
        events: [
          {
            eventId: '8d4a0ee1-4f0c-4a0b-9c3c-2c7a1f1d0001',
            type: '$metadata',
            isJson: true,
            data: Buffer.from('{"$maxAge":2592000,"$acl":{"$r":"$ops"}}'),
            metadata: new Uint8Array(),
          },
        ],
      },
    ]);
  }

  /** A new client of this node (a connection: its dispose ends its own subscriptions only). */
  connect(): SimulatedKurrentDbClient {
    return new SimulatedKurrentDbClient(this);
  }

  /** The next call the fault applies to fails with it (`on`: only a call of that kind; `lostAnswer`: how a commit-then-fail answer is lost). */
  failNext(fault: SimulatedFault, options: FailNextOptions = {}): void {
    this.faults.failNext(fault, options);
  }

  get injectedFaults(): readonly InjectedFault[] {
    return this.faults.injected;
  }

  /** Drops every live subscription, as a node shutting down does: each fails with `error` as the client converts it. */
  dropSubscriptions(error: Error = wire.serviceError(wire.GrpcStatus.UNAVAILABLE, 'Server is shutting down')): void {
    this.subscriptions.dropAll(error);
  }
}

export class SimulatedKurrentDbClient implements KurrentDbClientPort {
  private disposed = false;
  private readonly openSubscriptions = new Set<{ close(error: Error | null): void }>();

  constructor(private readonly node: KurrentDbSimulator) {}

  /** client.appendToStream over batchAppend (streams/appendToStream/batchAppend.js; server: Streams.BatchAppend). */
  async appendToStream<KnownEventType extends EventType = EventType>(
    streamName: string,
    event: EventData<KnownEventType> | EventData<KnownEventType>[],
    { streamState = ANY }: AppendToStreamOptions = {},
  ): Promise<AppendResult> {
    const fault = await this.reachNode('append');
    const events = (Array.isArray(event) ? event : [event]).map(proposedEvent);
    if (appendSize(events) > this.node.maxAppendSize)
      throw MaxAppendSizeExceededError.fromMaxAppendSize(this.node.maxAppendSize);
    const outcome = this.write([{ stream: streamName, expectedVersion: expectedVersionOf(streamState), events }]);
    if (fault?.fault === 'commit-then-fail') {
      // The answer is lost: Status.Timeout in the batch response, or the batch call failing.
      throw fault.lostAnswer === 'unavailable'
        ? wire.unavailable('Connection reset by peer')
        : new DeadlineExceededError();
    }
    switch (outcome.kind) {
      case 'written':
        return {
          success: true,
          nextExpectedRevision: outcome.lastEventNumbers[0]!,
          position: { commit: outcome.commitPosition, prepare: outcome.commitPosition },
        };
      case 'already-committed':
        // BatchAppendResp.Success.Completed: no position when the retried events' could not be read.
        return {
          success: true,
          nextExpectedRevision: outcome.lastEventNumbers[0]!,
          position:
            outcome.logPosition < 0n ? undefined : { commit: outcome.logPosition, prepare: outcome.logPosition },
        };
      case 'wrong-expected-version':
        throw wire.appendConflict(streamName, streamState, outcome.failures[0]?.currentVersion ?? records.NO_STREAM);
      case 'stream-deleted':
        throw wire.appendToDeletedStream(streamName);
    }
  }

  /** client.multiStreamAppend over an append session (multiStreamAppend.js; server: StreamsService.AppendSession). */
  async multiStreamAppend<KnownEventType extends EventType = EventType>(
    requests: AppendStreamRequest<KnownEventType>[],
  ): Promise<MultiAppendResult> {
    for (const request of requests) {
      for (const { metadata } of request.events) {
        if (metadata == null) continue;
        if (
          metadata instanceof Uint8Array ||
          typeof metadata !== 'object' ||
          Array.isArray(metadata) ||
          Object.values(metadata).some((value) => typeof value !== 'string')
        ) {
          throw new Error(
            'multiStreamAppend requires metadata to be a plain object with string keys and string values.',
          );
        }
      }
    }
    const fault = await this.reachNode('append');
    const writes = requests.map((request) => ({
      stream: request.streamName,
      expectedVersion: expectedVersionOf(request.expectedState),
      events: request.events.map(recordEvent),
    }));
    const size = appendSize(writes.flatMap((w) => w.events));
    if (size > this.node.maxAppendSize) {
      const raw = wire.serviceError(wire.GrpcStatus.FAILED_PRECONDITION, 'Append transaction size exceeded');
      throw new TransactionMaxSizeExceededError(
        raw as ConstructorParameters<typeof TransactionMaxSizeExceededError>[0],
        { size, maxSize: this.node.maxAppendSize },
      );
    }
    const outcome = this.write(writes);
    if (fault?.fault === 'commit-then-fail')
      throw fault.lostAnswer === 'unavailable' ? wire.unavailable('Connection reset by peer') : wire.deadlineExceeded();
    switch (outcome.kind) {
      case 'written':
      case 'already-committed':
        return {
          position: outcome.kind === 'written' ? outcome.commitPosition : outcome.logPosition,
          responses: requests.map((request, i) => ({
            streamName: request.streamName,
            revision: outcome.lastEventNumbers[i]!,
          })),
        };
      case 'wrong-expected-version': {
        const failure = outcome.failures[0];
        if (failure === undefined) throw wire.handlerException();
        const request = requests[failure.index]!;
        throw wire.revisionConflict(
          request.streamName,
          expectedVersionOf(request.expectedState),
          failure.currentVersion,
        );
      }
      case 'stream-deleted':
        throw wire.streamTombstoned(requests[outcome.index]!.streamName);
    }
  }

  /** client.readStream through the Rust bridge (streams/readStream.js): lazy, failing on first iteration. */
  readStream<KnownEventType extends EventType = EventType>(
    streamName: string,
    options: ReadStreamOptions = {},
  ): AsyncIterableIterator<ResolvedEvent<KnownEventType>> {
    const { maxCount = Number.MAX_SAFE_INTEGER, fromRevision = START, direction, requiresLeader = false } = options;
    if (typeof fromRevision === 'bigint' && fromRevision < 0n) {
      throw new InvalidArgumentError(
        `fromRevision value must be a non-negative integer. Value Received: ${fromRevision}`,
      );
    }
    const read = async function* (this: SimulatedKurrentDbClient) {
      await this.reachNodeForRead(requiresLeader);
      const backwards = direction === BACKWARDS;
      const count = Number(maxCount);
      const store = this.node.storage;
      const result = backwards
        ? store.readStreamBackwards(
            streamName,
            fromRevision === END ? 'end' : fromRevision === START ? 0n : fromRevision,
            count,
          )
        : store.readStreamForwards(
            streamName,
            fromRevision === START ? 0n : fromRevision === END ? store.lastEventNumber(streamName) + 1n : fromRevision,
            count,
          );
      if (result.kind === 'no-stream') throw wire.readFailure('StreamNotFoundError', streamName);
      if (result.kind === 'deleted') throw wire.readFailure('StreamDeletedError', streamName);
      for (const record of result.records) yield wire.readEvent<ResolvedEvent<KnownEventType>>(record);
    };
    return read.call(this);
  }

  /** client.readAll through the Rust bridge (streams/readAll.js), with the server-side filter. */
  readAll(options: ReadAllOptions = {}): AsyncIterableIterator<AllStreamResolvedEvent> {
    const {
      maxCount = Number.MAX_SAFE_INTEGER,
      fromPosition = START,
      direction,
      filter,
      requiresLeader = false,
    } = options;
    const read = async function* (this: SimulatedKurrentDbClient) {
      await this.reachNodeForRead(requiresLeader);
      const count = Number(maxCount);
      const allFilter =
        filter === undefined
          ? undefined
          : 'regex' in filter
            ? { filterOn: filter.filterOn, regex: filter.regex }
            : { filterOn: filter.filterOn, prefixes: filter.prefixes };
      const store = this.node.storage;
      const records =
        direction === BACKWARDS
          ? fromPosition === START
            ? []
            : store.readAllBackwards(fromPosition === END ? 'end' : fromPosition, count, allFilter)
          : fromPosition === END
            ? []
            : store.readAllForwards(fromPosition === START ? 'start' : fromPosition, count, allFilter);
      for (const record of records) yield wire.readEvent<AllStreamResolvedEvent>(record);
    };
    return read.call(this);
  }

  /** client.subscribeToAll: a catch-up subscription, live after 'caughtUp'. */
  subscribeToAll(options: SubscribeToAllOptions = {}, readableOptions: TransformOptions = {}): AllStreamSubscription {
    return this.node.subscriptions.subscribeToAll(
      {
        ...(options.fromPosition === undefined ? {} : { fromPosition: options.fromPosition }),
        ...(options.filter === undefined ? {} : { filter: options.filter }),
      },
      readableOptions,
      this.openSubscriptions,
    );
  }

  /** Soft delete (Streams.Delete): the stream reads as absent until written again, its revisions going on. */
  async deleteStream(streamName: string, { expectedRevision = ANY }: DeleteStreamOptions = {}): Promise<DeleteResult> {
    return this.delete(streamName, expectedRevision, false);
  }

  /** Hard delete (Streams.Tombstone): the stream can be neither read nor written again. */
  async tombstoneStream(
    streamName: string,
    { expectedRevision = ANY }: TombstoneStreamOptions = {},
  ): Promise<DeleteResult> {
    return this.delete(streamName, expectedRevision, true);
  }

  /**
   * client.setStreamMetadata: a `$metadata` event on the metastream, e.g. `{ truncateBefore: 2 }`.
   * As the client (streams/setStreamMetadata.js), the options go to appendToStream as they are:
   * their `expectedRevision` is not applied.
   */
  async setStreamMetadata<MetadataType extends StreamMetadata = StreamMetadata>(
    streamName: string,
    metadata: StreamMetadata<MetadataType>,
    options: SetStreamMetadataOptions = {},
  ): Promise<AppendResult> {
    return this.appendToStream(
      metastreamOf(streamName),
      jsonEvent({ type: '$metadata', data: prepareStreamMetadata(metadata) }),
      options as AppendToStreamOptions,
    );
  }

  /** Closes this client: its subscriptions end; the node and its data stay. */
  dispose = async (): Promise<void> => {
    this.disposed = true;
    for (const subscription of [...this.openSubscriptions]) subscription.close(null);
  };

  private async delete(
    streamName: string,
    expectedRevision: typeof ANY | typeof NO_STREAM | bigint,
    hard: boolean,
  ): Promise<DeleteResult> {
    // Deletes are the tests' tools: no fault strikes them.
    await this.arrive();
    const expected = expectedVersionOf(expectedRevision);
    const outcome = this.node.storage.delete(streamName, expected, hard);
    switch (outcome.kind) {
      case 'stream-deleted':
        throw wire.deleteRefused(streamName, { kind: 'stream-deleted' });
      case 'wrong-expected-version':
        throw wire.deleteRefused(streamName, {
          kind: 'wrong-expected-version',
          expected,
          current: outcome.failures[0]?.currentVersion ?? records.NO_STREAM,
        });
      case 'deleted':
        this.node.subscriptions.notify();
        return { position: { commit: outcome.position, prepare: outcome.position } };
    }
  }

  private write(writes: readonly records.StreamWrite[]): records.WriteOutcome {
    const outcome = this.node.storage.write(writes);
    if (outcome.kind === 'written') this.node.subscriptions.notify();
    return outcome;
  }

  /** A call reaches the node on a later turn of the event loop; a disposed client's channel is shut. */
  private async arrive(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.disposed) throw wire.unavailable('Channel has been shut down');
  }

  /**
   * Every call reaches the node on a later turn of the event loop, as over a network, so calls
   * made at once really race. Faults that strike before anything is written strike here.
   */
  private async reachNode(call: 'append'): Promise<InjectedFault | null> {
    await this.arrive();
    const fault = this.node.faults.strike(call);
    if (fault?.fault === 'unavailable') throw wire.unavailable('No connection established');
    if (fault?.fault === 'not-leader') throw wire.notLeader(LEADER);
    return fault;
  }

  private async reachNodeForRead(requiresLeader: boolean): Promise<void> {
    await this.arrive();
    const fault = this.node.faults.strike(requiresLeader ? 'read-from-leader' : 'read');
    if (fault?.fault === 'unavailable') throw wire.readFailure('UnavailableError');
    if (fault?.fault === 'not-leader') throw wire.readFailure('NotLeaderError');
  }
}

/** The client's stream states as the server's expected versions (ExpectedVersion.cs). */
function expectedVersionOf(state: AppendStreamState): bigint {
  switch (state) {
    case ANY:
      return records.ANY;
    case NO_STREAM:
      return records.NO_STREAM;
    case STREAM_EXISTS:
      return records.STREAM_EXISTS;
    default:
      return state;
  }
}

/** An event as batchAppend sends it: JSON data and metadata stringified by the client, bytes as they are. */
function proposedEvent(event: EventData): records.ProposedEvent {
  const isJson = event.contentType === 'application/json';
  const data = isJson ? Buffer.from(JSON.stringify(event.data), 'utf8') : (event.data as Uint8Array);
  const metadata =
    event.metadata == null
      ? new Uint8Array()
      : event.metadata instanceof Uint8Array
        ? event.metadata
        : Buffer.from(JSON.stringify(event.metadata), 'utf8');
  return { eventId: event.id, type: event.type, isJson, data, metadata };
}

/**
 * An event as the append session stores it: the metadata as record properties, read back as JSON
 * with the schema's name and format added (Mapping.MapToEvent; EventRecord.SynthesizeMetadataFromProperties).
 */
function recordEvent(event: EventData): records.ProposedEvent {
  const proposed = proposedEvent({ ...event, metadata: undefined } as EventData);
  const properties: Record<string, string> = { ...((event.metadata ?? {}) as Record<string, string>) };
  if (!proposed.isJson) properties['$schema.format'] = 'Bytes';
  properties['$schema.name'] = event.type;
  if (proposed.isJson) properties['$schema.format'] = 'Json';
  return { ...proposed, metadata: Buffer.from(JSON.stringify(properties), 'utf8') };
}

function appendSize(events: readonly records.ProposedEvent[]): number {
  return events.reduce((size, event) => size + event.data.length + event.metadata.length, 0);
}
