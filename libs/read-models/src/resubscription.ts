import {
  EventDecodingError,
  type EventStore,
  type LogPosition,
  type SubscribeOptions,
  type SubscriptionItem,
} from '@app/event-store';

/** How long to wait before each new attempt: doubling from `initialMs`, never past `maxMs`. */
export interface Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
}

/** A dropped read of the log is tried again after 100 ms, 200 ms, 400 ms … then every 5 s, for as long as it takes. */
export const RECONNECT_BACKOFF: Backoff = { initialMs: 100, maxMs: 5_000 };

/**
 * The wait before attempt `attempt` (1, 2, …): `initialMs · 2^(attempt − 1)` capped at `maxMs`,
 * spread by ±25 % so that processes cut off together do not all come back in the same instant, and
 * always within [initialMs, maxMs].
 */
export function backoffDelay(
  attempt: number,
  backoff: Backoff = RECONNECT_BACKOFF,
  random: () => number = Math.random,
): number {
  const base = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  const spread = base * (0.75 + 0.5 * random());
  return Math.round(Math.min(backoff.maxMs, Math.max(backoff.initialMs, spread)));
}

/** Handed to a reader of the log in place of the error that ended its subscription, while it is being retried. */
export interface Interrupted {
  readonly kind: 'interrupted';
  readonly error: unknown;
  /** Attempts made since the read last delivered anything (1 for the first failure). */
  readonly attempt: number;
  /** When the first of these failures happened. */
  readonly since: Date;
  readonly nextAttemptAt: Date;
}

export type LogItem = SubscriptionItem | Interrupted;

/** A read of the log that survives its store: what a projection runner subscribes to. */
export interface LogReader {
  subscribe(options?: SubscribeOptions): AsyncIterable<LogItem>;
  /** The same read, handed over as the items that arrived together, in order (SharedLog). */
  subscribeChunks?(options?: SubscribeOptions): AsyncIterable<readonly LogItem[]>;
  /** A subscriber that will not subscribe after all (it failed first). */
  giveUp?(): void;
}

/** A reader's items in chunks: its own chunks when it has them, else one item at a time. */
export function chunksOf(reader: LogReader, options: SubscribeOptions): AsyncIterable<readonly LogItem[]> {
  if (reader.subscribeChunks) return reader.subscribeChunks(options);
  const items = reader.subscribe(options);
  return {
    async *[Symbol.asyncIterator]() {
      for await (const item of items) yield [item];
    },
  };
}

export interface ResubscribeOptions extends SubscribeOptions {
  readonly backoff?: Backoff;
  readonly random?: () => number;
  readonly now?: () => Date;
}

/**
 * The store's subscription, taken again after the last event it delivered whenever it fails (a
 * restarted server, a new leader, the network): each failure is handed on as an `interrupted`
 * item, then the next attempt follows after a backoff, for as long as it takes. An event the store
 * cannot decode is not a failure of the store: it ends the read with its error (a poison event
 * stops its projections, it is never skipped).
 */
export async function* resubscribe(
  events: Pick<EventStore, 'subscribe'>,
  options: ResubscribeOptions = {},
): AsyncGenerator<LogItem> {
  const { signal, backoff = RECONNECT_BACKOFF, random = Math.random, now = () => new Date() } = options;
  let after: LogPosition | null = options.after ?? null;
  let attempt = 0;
  let since: Date | null = null;
  while (!signal?.aborted) {
    try {
      for await (const item of events.subscribe({ after, signal })) {
        attempt = 0;
        since = null;
        if (item.kind === 'event') after = item.event.position;
        yield item;
      }
      return;
    } catch (error) {
      if (error instanceof EventDecodingError || signal?.aborted) throw error;
      attempt += 1;
      since ??= now();
      const delay = backoffDelay(attempt, backoff, random);
      yield { kind: 'interrupted', error, attempt, since, nextAttemptAt: new Date(now().getTime() + delay) };
      await pause(delay, signal);
    }
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
