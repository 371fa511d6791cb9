/**
 * A client of a simulated KurrentDB node: the part of KurrentDBClient the adapter calls
 * (KurrentDbClientPort), plus deleteStream, tombstoneStream and setStreamMetadata for tests. Each
 * call answers as @kurrent/kurrentdb-client 1.3.1 does over a network (simulator-wire.ts).
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
  TransactionMaxSizeExceededError,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendResult,
  type AppendStreamRequest,
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
import type { KurrentDbSimulator } from './kurrentdb-simulator.js';
import type { InjectedFault } from './simulator-faults.js';
import * as records from './simulator-records.js';
import {
  appendSize,
  assertPlainMetadata,
  expectedVersionOf,
  proposedEvent,
  recordEvent,
} from './simulator-requests.js';
import * as wire from './simulator-wire.js';

/** What a follower names as the leader in its NotLeader answers. */
const LEADER = { host: 'leader.kurrentdb-simulator.invalid', port: 2113 } as const;

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
    assertPlainMetadata(requests);
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
