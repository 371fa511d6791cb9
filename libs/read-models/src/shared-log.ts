import { comparePositions, type EventStore, type LogPosition, type SubscribeOptions } from '@app/event-store';
import { resubscribe, type Backoff, type LogItem, type LogReader } from './resubscription.js';

/** Events a reader may be ahead of the slowest projection before it waits for it. */
const HIGH_WATER = 2_000;
/** The most items a subscriber of chunks is handed at once. */
export const CHUNK = 250;

/** What a subscriber is handed: the store's items and interruptions, or the error its read of the log ended with. */
type Queued = LogItem | { readonly kind: 'failed'; readonly error: unknown };

interface Reader {
  readonly after: LogPosition | null;
  readonly queue: Queued[];
  /** Wakes the reader's consumer when the queue gets an item. */
  wake: (() => void) | null;
  done: boolean;
}

/**
 * One read of the log shared by several projections: a catch-up decodes each event once, not once
 * per projection. `expected` subscribers register (each from its own checkpoint); the shared
 * subscription starts after the earliest of them, and each gets only the events after its own
 * checkpoint, in order, plus the store's `caught-up` marks. A subscriber that stops leaves; the
 * read waits for the slowest one still there when it is HIGH_WATER events behind, so memory stays
 * bounded whatever the log's length.
 *
 * When the store's subscription fails, the shared read takes it again after the last event it
 * received, with a backoff, for as long as it takes (resubscription.ts); every subscriber is told
 * of each failure (an `interrupted` item, in order with its events) and loses nothing. Only an
 * event the store cannot decode ends the read, with that error, for every subscriber.
 */
export class SharedLog implements LogReader {
  private readonly readers: Reader[] = [];
  private pending: number;
  private readonly abort = new AbortController();
  private drained: (() => void) | null = null;
  private started = false;
  private wakeScheduled = false;

  constructor(
    private readonly events: Pick<EventStore, 'subscribe'>,
    expected: number,
    private readonly options: { readonly backoff?: Backoff; readonly chunk?: number } = {},
  ) {
    this.pending = expected;
  }

  subscribe(options: SubscribeOptions = {}): AsyncGenerator<LogItem> {
    return flatten(this.subscribeChunks(options));
  }

  /**
   * The same read, handed over as what has arrived together: whatever the read queued for this
   * subscriber until the next turn of the event loop, at most CHUNK items at a time, in order.
   * A catch-up then costs one hand-over per chunk instead of one per event.
   */
  subscribeChunks(options: SubscribeOptions = {}): AsyncGenerator<readonly LogItem[]> {
    const reader: Reader = { after: options.after ?? null, queue: [], wake: null, done: false };
    this.readers.push(reader);
    this.pending -= 1;
    this.startWhenAllAreHere();
    return this.consume(reader, options.signal);
  }

  /** A subscriber that will not subscribe after all (it failed first) no longer holds the others back. */
  giveUp(): void {
    this.pending -= 1;
    this.startWhenAllAreHere();
  }

  private async *consume(reader: Reader, signal: AbortSignal | undefined): AsyncGenerator<readonly LogItem[]> {
    const onAbort = () => reader.wake?.();
    signal?.addEventListener('abort', onAbort);
    try {
      for (;;) {
        if (signal?.aborted) return;
        if (reader.queue.length > 0) {
          // Up to the first failure: the items before it are handed over, then its error is thrown.
          const end = Math.min(this.options.chunk ?? CHUNK, reader.queue.length);
          let count = 0;
          while (count < end && reader.queue[count]!.kind !== 'failed') count += 1;
          const chunk = reader.queue.splice(0, Math.max(count, 1));
          if (reader.queue.length < HIGH_WATER / 2) this.drained?.();
          const first = chunk[0]!;
          if (first.kind === 'failed') throw first.error;
          yield chunk as LogItem[];
          continue;
        }
        if (reader.done) return;
        await new Promise<void>((resolve) => (reader.wake = resolve));
        reader.wake = null;
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.leave(reader);
    }
  }

  private leave(reader: Reader): void {
    const index = this.readers.indexOf(reader);
    if (index >= 0) this.readers.splice(index, 1);
    reader.done = true;
    this.drained?.();
    if (this.started && this.readers.length === 0) this.abort.abort();
  }

  private startWhenAllAreHere(): void {
    if (this.started || this.pending > 0) return;
    this.started = true;
    if (this.readers.length === 0) return;
    void this.pump();
  }

  /**
   * Wakes the subscribers once the current turn's work is done: the read delivers what the store
   * has ready in microtasks, so by then a subscriber finds all of it queued, and takes it as one chunk.
   */
  private wakeReaders(): void {
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      for (const reader of this.readers) reader.wake?.();
    });
  }

  private async pump(): Promise<void> {
    const after = this.readers.reduce<LogPosition | null | undefined>((earliest, r) => {
      if (earliest === undefined) return r.after;
      if (earliest === null || r.after === null) return null;
      return comparePositions(r.after, earliest) < 0 ? r.after : earliest;
    }, undefined);
    try {
      const read = resubscribe(this.events, {
        after: after ?? null,
        signal: this.abort.signal,
        ...(this.options.backoff ? { backoff: this.options.backoff } : {}),
      });
      for await (const item of read) {
        if (this.readers.length === 0) break;
        for (const reader of this.readers) {
          if (
            item.kind === 'event' &&
            reader.after !== null &&
            comparePositions(item.event.position, reader.after) <= 0
          )
            continue;
          reader.queue.push(item);
        }
        this.wakeReaders();
        while (this.readers.some((r) => r.queue.length >= HIGH_WATER)) {
          await new Promise<void>((resolve) => (this.drained = resolve));
          this.drained = null;
        }
      }
    } catch (error) {
      // An event the store cannot decode: every subscriber sees the error as its own read's.
      for (const reader of this.readers) reader.queue.push({ kind: 'failed', error });
    } finally {
      for (const reader of this.readers) {
        reader.done = true;
        reader.wake?.();
      }
    }
  }
}

async function* flatten(chunks: AsyncGenerator<readonly LogItem[]>): AsyncGenerator<LogItem> {
  try {
    for await (const chunk of chunks) yield* chunk;
  } finally {
    await chunks.return(undefined);
  }
}
