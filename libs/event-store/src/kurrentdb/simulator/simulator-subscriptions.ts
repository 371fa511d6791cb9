/**
 * Catch-up subscriptions to $all on a simulated node, as the server runs them
 * (src/KurrentDB.Core/Services/Transport/Enumerators/Enumerator.AllSubscriptionFiltered.cs and
 * Enumerator.AllSubscription.cs, v25.1.1) and as the client receives them: the messages are real
 * `ReadResp` protobufs written to a stand-in for the gRPC call and piped into the client's own
 * `Subscription` (streams/utils/Subscription.js), which emits 'data', 'caughtUp', 'error' and calls
 * the filter's `checkpointReached` exactly as it does over a network.
 */
import { PassThrough, type TransformOptions } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { END, START, type AllStreamSubscription, type Filter, type Position } from '@kurrent/kurrentdb-client';
import { Subscription } from '@kurrent/kurrentdb-client/dist/streams/utils/Subscription.js';
import { convertGrpcEvent } from '@kurrent/kurrentdb-client/dist/utils/convertGrpcEvent.js';
import {
  comparePositions,
  passes,
  positionOf,
  type AllFilter,
  type StoredRecord,
  type TfPosition,
} from './simulator-records.js';
import type { SimulatorStorage } from './simulator-storage.js';
import type { SimulatorFaults } from './simulator-faults.js';
import {
  GrpcStatus,
  caughtUpMessage,
  checkpointMessage,
  confirmationMessage,
  eventMessage,
  serviceError,
  unavailable,
  type ReadResp,
} from './simulator-wire.js';

/** Enumerator.DefaultReadBatchSize: the filter's search window when the client sets none. */
const DEFAULT_SEARCH_WINDOW = 32;

export interface SubscribeToAllRequest {
  readonly fromPosition?: Position | typeof START | typeof END;
  readonly filter?: Filter;
}

/** The server's side of one subscription: where it is in the log, and the call it writes to. */
class SubscriptionCall {
  readonly grpc = new PassThrough({ objectMode: true });
  private nextIndex: number;
  /** The last position sent or passed over (the enumerator's `checkpoint`); null before the first record. */
  private checkpoint: TfPosition | null;
  private considered = 0;
  private caughtUp = false;
  private closed = false;
  private pumping: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly storage: SimulatorStorage,
    private readonly faults: SimulatorFaults,
    private readonly filter: AllFilter | undefined,
    private readonly checkpointInterval: number,
    from: SubscribeToAllRequest['fromPosition'],
    private readonly onClose: (call: SubscriptionCall) => void,
  ) {
    // START reads the whole log; END starts at its last record; a position starts strictly after it
    // (AllSubscriptionFiltered.ConvertCheckpoint; events at or before the checkpoint are skipped).
    const log = storage.log;
    if (from === undefined || from === START) this.checkpoint = null;
    else if (from === END) this.checkpoint = log.length === 0 ? null : positionOf(log[log.length - 1]!);
    else this.checkpoint = { commit: from.commit, prepare: from.prepare };
    const after = this.checkpoint;
    this.nextIndex =
      after === null
        ? from === END
          ? log.length
          : 0
        : log.findIndex((r) => comparePositions(positionOf(r), after) > 0);
    if (this.nextIndex < 0) this.nextIndex = log.length;
    Object.assign(this.grpc, { cancel: () => this.close(serviceError(GrpcStatus.CANCELLED, 'Cancelled on client')) });
    this.grpc.write(confirmationMessage(randomUUID()));
  }

  /** Sends whatever the log holds past this subscription, in order; runs again if called meanwhile. */
  pump(): void {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = (async () => {
      do {
        this.again = false;
        await this.sendNew();
      } while (this.again && !this.closed);
      this.pumping = null;
    })();
  }

  /** Ends the call, with an error as the transport reports it to the client's Subscription ('error'). */
  close(error: Error | null): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
    if (error === null) {
      this.grpc.end();
      return;
    }
    // The Subscription listens for errors once its call has been created (a promise later): an
    // error must not reach the call before it does, nor crash the process when nobody listens.
    this.grpc.on('error', () => undefined);
    setImmediate(() => this.grpc.destroy(error));
  }

  private async sendNew(): Promise<void> {
    const log = this.storage.log;
    while (!this.closed && this.nextIndex < log.length) {
      const record = log[this.nextIndex++]!;
      if (this.caughtUp && this.faults.strike('subscription-event')) {
        this.close(unavailable('The subscription was dropped by the server'));
        return;
      }
      await this.consider(record);
    }
    if (this.closed || this.caughtUp) return;
    // Catching up ends with a checkpoint (when there is one to give) and the caught-up message,
    // then the subscription is live (AllSubscriptionFiltered.CatchUp, GoLive/NotifyCaughtUp).
    if (this.filter !== undefined && this.checkpoint !== null) await this.send(checkpointMessage(this.checkpoint));
    this.caughtUp = true;
    await this.send(caughtUpMessage());
  }

  /** Every record read is "considered"; a filter sends a checkpoint each `checkpointInterval` of them. */
  private async consider(record: StoredRecord): Promise<void> {
    this.considered += 1;
    this.checkpoint = positionOf(record);
    if (passes(this.filter, record)) await this.send(eventMessage(record));
    if (this.filter !== undefined && this.considered % this.checkpointInterval === 0)
      await this.send(checkpointMessage(this.checkpoint));
  }

  /** Writes one message, waiting while the client's buffers are full (gRPC flow control). */
  private async send(message: ReadResp): Promise<void> {
    if (this.closed) return;
    if (this.grpc.write(message)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.grpc.off('drain', done);
        this.grpc.off('close', done);
        resolve();
      };
      this.grpc.on('drain', done);
      this.grpc.on('close', done);
    });
  }
}

/** The live subscriptions of a node, fed after every write. */
export class SimulatorSubscriptions {
  private readonly calls = new Set<SubscriptionCall>();

  constructor(
    private readonly storage: SimulatorStorage,
    private readonly faults: SimulatorFaults,
  ) {}

  /** client.subscribeToAll: the client's Subscription over a new call (streams/subscribeToAll.js). */
  subscribeToAll(
    request: SubscribeToAllRequest,
    readableOptions: TransformOptions,
    owner: Set<{ close(error: Error | null): void }>,
  ): AllStreamSubscription {
    const filter = request.filter;
    if (filter !== undefined && filter.checkpointInterval <= 0)
      throw new Error('CheckpointInterval must be greater than 0.');
    if (filter?.maxSearchWindow !== undefined && filter.maxSearchWindow <= 0)
      throw new Error('MaxSearchWindow must be greater than 0.');
    const interval =
      filter === undefined
        ? Number.POSITIVE_INFINITY
        : filter.checkpointInterval * (filter.maxSearchWindow ?? DEFAULT_SEARCH_WINDOW);
    const call = new SubscriptionCall(
      this.storage,
      this.faults,
      filter === undefined ? undefined : toAllFilter(filter),
      interval,
      request.fromPosition,
      (closed) => {
        this.calls.delete(closed);
        owner.delete(closed);
      },
    );
    this.calls.add(call);
    owner.add(call);
    const createCall = (() => Promise.resolve(call.grpc)) as unknown as ConstructorParameters<typeof Subscription>[0];
    const subscription = new Subscription(createCall, convertGrpcEvent, readableOptions, filter?.checkpointReached);
    // The server starts on its own thread: the first messages come after subscribeToAll has returned.
    setImmediate(() => call.pump());
    return subscription as unknown as AllStreamSubscription;
  }

  /** After a write: every live subscription sends what is new. */
  notify(): void {
    for (const call of this.calls) call.pump();
  }

  /** The node drops every subscription: each client Subscription emits 'error' with the client's conversion of `error`. */
  dropAll(error: Error): void {
    for (const call of [...this.calls]) call.close(error);
  }
}

function toAllFilter(filter: Filter): AllFilter {
  return 'regex' in filter
    ? { filterOn: filter.filterOn, regex: filter.regex }
    : { filterOn: filter.filterOn, prefixes: filter.prefixes };
}
