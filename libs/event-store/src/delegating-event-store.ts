import { isTamperEvident, type ChainVerification, type EventStore, type TamperEvidentLog } from './event-store.port.js';

/**
 * An adapter wrapped: every call goes to the store inside, with the arguments and the answer the
 * port declares for it. The stores that wrap one (upcasting, hash links, injected faults) extend
 * it and override only the calls they change.
 */
export class DelegatingEventStore implements EventStore, Partial<TamperEvidentLog> {
  constructor(protected readonly inner: EventStore) {}

  append(...call: Parameters<EventStore['append']>): ReturnType<EventStore['append']> {
    return this.inner.append(...call);
  }

  appendMulti(...call: Parameters<EventStore['appendMulti']>): ReturnType<EventStore['appendMulti']> {
    return this.inner.appendMulti(...call);
  }

  readStream(...call: Parameters<EventStore['readStream']>): ReturnType<EventStore['readStream']> {
    return this.inner.readStream(...call);
  }

  readAll(...call: Parameters<EventStore['readAll']>): ReturnType<EventStore['readAll']> {
    return this.inner.readAll(...call);
  }

  subscribe(...call: Parameters<EventStore['subscribe']>): ReturnType<EventStore['subscribe']> {
    return this.inner.subscribe(...call);
  }

  headPosition(): ReturnType<EventStore['headPosition']> {
    return this.inner.headPosition();
  }

  close(): ReturnType<EventStore['close']> {
    return this.inner.close();
  }

  /** The inner store's own hash chain, when it keeps one: a wrapper does not change what the log holds. */
  get verifyChain(): (() => Promise<ChainVerification>) | undefined {
    const inner = this.inner;
    return isTamperEvident(inner) ? () => inner.verifyChain() : undefined;
  }
}
