import type { LogPosition } from '../event-store.port.js';

/** A subscription's own queue: pause the client's stream at this many items, resume at the low mark. */
const SUBSCRIPTION_HIGH_WATER = 1000;
const SUBSCRIPTION_LOW_WATER = 100;

type Listener = (...args: never[]) => void;

/** What SubscriptionFeed needs of the client's subscription (a Node Readable in object mode). */
export interface FeedSource {
  readonly readableLength: number;
  on(event: string, listener: Listener): unknown;
  removeListener(event: string, listener: Listener): unknown;
  pause(): unknown;
  resume(): unknown;
}

export type FeedItem<E> =
  | { readonly kind: 'event'; readonly value: E }
  | { readonly kind: 'caught-up' }
  | { readonly kind: 'checkpoint'; readonly position: LogPosition };

/**
 * The client's subscription (streams/utils/Subscription.js) is an object-mode Transform: for each
 * server message it emits 'caughtUp' (or awaits a filter's checkpointReached) synchronously, and
 * pushes events into its readable buffer, from which they are emitted as 'data' later — possibly
 * much later when paused. Listening to both naively can put a caught-up ahead of events the
 * server sent before it. This feed keeps one queue in server order:
 * - every 'data' event is counted (`received`); events pushed but not yet emitted are
 *   `readableLength`, so `received + readableLength` is the number of events pushed so far;
 * - a marker (caught-up, checkpoint) signalled now is held until that many events have been
 *   received, then queued behind them.
 * Backpressure: the queue pauses the stream at `highWater` items and resumes it when drained to
 * `lowWater`; paused, the client's buffers fill and gRPC flow control stops the server. Nothing
 * is buffered without bound.
 */
export class SubscriptionFeed<E> {
  private readonly queue: Array<FeedItem<E>> = [];
  private readonly held: Array<{ readonly afterReceived: number; readonly item: FeedItem<E> }> = [];
  private received = 0;
  private paused = false;
  private ended = false;
  private failure: { readonly error: unknown } | null = null;
  private wake: (() => void) | null = null;
  private closed = false;

  constructor(
    private readonly source: FeedSource,
    private readonly highWater = SUBSCRIPTION_HIGH_WATER,
    private readonly lowWater = SUBSCRIPTION_LOW_WATER,
  ) {
    source.on('data', this.onData);
    source.on('caughtUp', this.onCaughtUp);
    source.on('error', this.onError);
    source.on('end', this.onEnd);
    source.on('close', this.onEnd);
  }

  /** Queues a marker behind every event the source has pushed so far. */
  mark(item: FeedItem<E>): void {
    if (this.closed) return;
    this.held.push({ afterReceived: this.received + this.source.readableLength, item });
    this.release();
  }

  /** The next item in server order; null once the source has ended; throws its error after the queued items. */
  async take(): Promise<FeedItem<E> | null> {
    for (;;) {
      const item = this.queue.shift();
      if (item !== undefined) {
        if (this.paused && this.queue.length <= this.lowWater) {
          this.paused = false;
          this.source.resume();
        }
        return item;
      }
      if (this.failure !== null) throw this.failure.error;
      if (this.ended || this.closed) return null;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  /** Stops listening. A late 'error' from the source is swallowed rather than crashing the process. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.source.removeListener('data', this.onData);
    this.source.removeListener('caughtUp', this.onCaughtUp);
    this.source.removeListener('error', this.onError);
    this.source.removeListener('end', this.onEnd);
    this.source.removeListener('close', this.onEnd);
    this.source.on('error', ignore);
    this.notify();
  }

  private readonly onData = (value: E): void => {
    this.received += 1;
    this.enqueue({ kind: 'event', value });
    this.release();
  };

  private readonly onCaughtUp = (): void => this.mark({ kind: 'caught-up' });

  private readonly onError = (error: unknown): void => {
    this.failure ??= { error };
    this.notify();
  };

  private readonly onEnd = (): void => {
    this.ended = true;
    this.notify();
  };

  private release(): void {
    while (this.held.length > 0 && this.held[0]!.afterReceived <= this.received) this.enqueue(this.held.shift()!.item);
  }

  private enqueue(item: FeedItem<E>): void {
    this.queue.push(item);
    if (!this.paused && this.queue.length >= this.highWater) {
      this.paused = true;
      this.source.pause();
    }
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

function ignore(): void {}
