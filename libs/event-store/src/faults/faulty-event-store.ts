import { DelegatingEventStore } from '../delegating-event-store.js';
import { AppendOutcomeUnknownError, EventStoreUnavailableError } from '../event-store.errors.js';
import type * as port from '../event-store.port.js';
import { EVENT_STORE_FAULTS, type EventStoreFault, type EventStoreFaults } from './event-store-faults.js';
import { seededRandom } from './seeded-random.js';

export type FaultyOperation = 'append' | 'appendMulti' | 'readStream' | 'readAll' | 'headPosition' | 'subscribe';

/** One fault as it struck. */
export interface InjectedFault {
  readonly fault: EventStoreFault;
  readonly operation: FaultyOperation;
  /** Whether the inner store wrote the append before the caller got the error. */
  readonly written: boolean;
}

export interface FaultyEventStoreOptions {
  /** The same seed over the same sequence of calls strikes the same calls. Default 1. */
  readonly seed?: number;
  /** Told of each fault as it strikes (a log line, a count). */
  readonly onFault?: (fault: InjectedFault) => void;
}

/**
 * Any adapter, with faults injected in front of it, each striking its share of calls as a seeded
 * random draws them, so a run can be played again. What a client of a real server sees:
 *
 * - `unavailable`: any call but close fails before it reaches the store (EventStoreUnavailableError);
 * - `commit-then-fail`: an append (single or multi) is written by the inner store, then the caller
 *   gets AppendOutcomeUnknownError, as a client whose request timed out after the server wrote it;
 * - `leader-change`: the leader steps down mid-call. On an append it strikes alternately before the
 *   write (the old leader never wrote: nothing is stored, EventStoreUnavailableError) and after it
 *   (the old leader wrote and replicated, the answer was lost: AppendOutcomeUnknownError), the
 *   first time before, so any run it strikes twice shows both; a read or the start of a
 *   subscription simply fails (EventStoreUnavailableError);
 * - `drop-subscription`: a subscription, instead of delivering an event, throws
 *   EventStoreUnavailableError; the consumer subscribes again from its checkpoint.
 *
 * When the inner store refuses an append the fault was to strike after (a conflict), nothing was
 * written and the refusal passes through: the fault had nothing to lose the answer of. Closing, and
 * the inner store's own hash chain when it keeps one, go through untouched (DelegatingEventStore).
 */
export class FaultyEventStore extends DelegatingEventStore {
  private readonly random: () => number;
  /** Which side of the write the next leader change on an append falls. */
  private leaderChangesAfterWrite = false;
  /** How many times each fault has struck. */
  readonly injected: Record<EventStoreFault, number> = Object.fromEntries(
    EVENT_STORE_FAULTS.map((fault) => [fault, 0]),
  ) as Record<EventStoreFault, number>;

  constructor(
    inner: port.EventStore,
    private readonly faults: EventStoreFaults,
    private readonly options: FaultyEventStoreOptions = {},
  ) {
    super(inner);
    this.random = seededRandom(options.seed ?? 1);
  }

  override append(request: port.AppendRequest): Promise<port.AppendResult> {
    return this.write('append', `the append to ${request.stream}`, () => this.inner.append(request));
  }

  override appendMulti(requests: readonly port.AppendRequest[]): Promise<port.MultiAppendResult> {
    return this.write('appendMulti', `the append to ${requests.map((r) => r.stream).join(', ')}`, () =>
      this.inner.appendMulti(requests),
    );
  }

  override async readStream(stream: string, options?: port.ReadStreamOptions): Promise<port.RecordedEvent[]> {
    this.beforeCall('readStream', `reading ${stream}`);
    return this.inner.readStream(stream, options);
  }

  override async readAll(options?: port.ReadAllOptions): Promise<port.RecordedEvent[]> {
    this.beforeCall('readAll', 'reading the log');
    return this.inner.readAll(options);
  }

  override async headPosition(): Promise<port.LogPosition | null> {
    this.beforeCall('headPosition', 'reading the head position');
    return this.inner.headPosition();
  }

  override async *subscribe(options?: port.SubscribeOptions): AsyncGenerator<port.SubscriptionItem> {
    // Runs on the first next(), as a real subscription connects when it is first read.
    this.beforeCall('subscribe', 'subscribing');
    let delivered = 0;
    // Leaving the loop by a throw ends the inner subscription (for await calls its return()).
    for await (const item of this.inner.subscribe(options)) {
      if (item.kind === 'event' && this.strikes('drop-subscription')) {
        this.struck('drop-subscription', 'subscribe', false);
        throw new EventStoreUnavailableError(
          `Injected fault drop-subscription: the subscription dropped after ${delivered} events; subscribe again from the checkpoint`,
        );
      }
      if (item.kind === 'event') delivered++;
      yield item;
    }
  }

  private async write<T>(operation: 'append' | 'appendMulti', what: string, write: () => Promise<T>): Promise<T> {
    this.beforeCall(operation, what);
    let loseAnswer: EventStoreFault | null = null;
    if (this.strikes('leader-change')) {
      const afterWrite = this.leaderChangesAfterWrite;
      this.leaderChangesAfterWrite = !afterWrite;
      if (!afterWrite) {
        this.struck('leader-change', operation, false);
        throw new EventStoreUnavailableError(
          `Injected fault leader-change: the leader stepped down before ${what} was written`,
        );
      }
      loseAnswer = 'leader-change';
    } else if (this.strikes('commit-then-fail')) {
      loseAnswer = 'commit-then-fail';
    }
    const result = await write();
    if (loseAnswer === null) return result;
    this.struck(loseAnswer, operation, true);
    throw new AppendOutcomeUnknownError(`Injected fault ${loseAnswer}: ${what} was written, and its answer lost`);
  }

  /** `unavailable` and, on a read, `leader-change`: the call fails before it reaches the store. */
  private beforeCall(operation: FaultyOperation, what: string): void {
    if (this.strikes('unavailable')) {
      this.struck('unavailable', operation, false);
      throw new EventStoreUnavailableError(`Injected fault unavailable: ${what} did not reach the store`);
    }
    if (operation !== 'append' && operation !== 'appendMulti' && this.strikes('leader-change')) {
      this.struck('leader-change', operation, false);
      throw new EventStoreUnavailableError(`Injected fault leader-change: the leader stepped down while ${what}`);
    }
  }

  /** Draws only for the faults asked for: with none, the wrapper changes nothing. */
  private strikes(fault: EventStoreFault): boolean {
    const share = this.faults[fault] ?? 0;
    return share > 0 && this.random() < share;
  }

  private struck(fault: EventStoreFault, operation: FaultyOperation, written: boolean): void {
    this.injected[fault]++;
    this.options.onFault?.({ fault, operation, written });
  }
}
