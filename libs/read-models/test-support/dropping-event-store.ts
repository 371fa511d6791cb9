/**
 * An event store whose subscriptions get cut, as a restarted server, a leader change or the
 * network would cut them: every call goes to the store inside, but a subscription throws
 * EventStoreUnavailableError after a given number of events or when the test says so, and while
 * the store is "down" every new subscription fails at once.
 */
import {
  DelegatingEventStore,
  EventStoreUnavailableError,
  type LogPosition,
  type SubscribeOptions,
  type SubscriptionItem,
} from '@app/event-store';

export class DroppingEventStore extends DelegatingEventStore {
  /** Where each subscription opened so far (failed attempts included) asked to start. */
  readonly subscriptions: Array<LogPosition | null> = [];
  /** Events the open subscriptions may still deliver, between them, before each of the next failures. */
  private readonly budgets: number[] = [];
  private down = false;
  private readonly cuts = new Set<(error: Error) => void>();

  /**
   * The subscriptions fail once they have delivered `events` more events between them; with more
   * counts, again after each next count of events.
   */
  dropAfter(...events: number[]): void {
    this.budgets.splice(0, this.budgets.length, ...events);
  }

  /** Every open subscription fails now, even one waiting for the next event. */
  drop(reason = 'connection reset by the event store'): void {
    for (const cut of [...this.cuts]) cut(new EventStoreUnavailableError(reason));
  }

  /** The store goes away: open subscriptions fail, and new ones fail at once until up(). */
  goDown(): void {
    this.down = true;
    this.drop('the event store is restarting');
  }

  up(): void {
    this.down = false;
  }

  override subscribe(options: SubscribeOptions = {}): AsyncIterable<SubscriptionItem> {
    return this.subscription(options);
  }

  private async *subscription(options: SubscribeOptions): AsyncGenerator<SubscriptionItem> {
    this.subscriptions.push(options.after ?? null);
    if (this.down) throw new EventStoreUnavailableError('the event store is not reachable');
    let cut!: (error: Error) => void;
    const cutOff = new Promise<never>((_, reject) => (cut = reject));
    cutOff.catch(() => undefined);
    this.cuts.add(cut);
    const stop = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    const inner = this.inner.subscribe({ after: options.after ?? null, signal })[Symbol.asyncIterator]();
    try {
      for (;;) {
        const next = await Promise.race([inner.next(), cutOff]);
        if (next.done) return;
        if (next.value.kind === 'event' && this.budgets.length > 0) {
          if (this.budgets[0] === 0) {
            this.budgets.shift();
            throw new EventStoreUnavailableError('the event store closed the subscription');
          }
          this.budgets[0]! -= 1;
        }
        yield next.value;
      }
    } finally {
      this.cuts.delete(cut);
      stop.abort();
      await inner.return?.(undefined).catch(() => undefined);
    }
  }
}
