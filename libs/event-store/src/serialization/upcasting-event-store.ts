import { DelegatingEventStore } from '../delegating-event-store.js';
import type {
  AppendRequest,
  AppendResult,
  EventStore,
  MultiAppendResult,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  SubscriptionItem,
} from '../event-store.port.js';
import type { EventTypeRegistry } from './event-type-registry.js';

/**
 * What the product uses: any adapter, with the registry applied on the way in (only known types at
 * their current version are written) and on the way out (older versions upcast, unknown types and
 * undecodable events refused with a typed error). The adapter's own tamper evidence, when it keeps
 * a hash chain, shows through (DelegatingEventStore).
 */
export class UpcastingEventStore extends DelegatingEventStore {
  constructor(
    inner: EventStore,
    private readonly registry: EventTypeRegistry,
  ) {
    super(inner);
  }

  override async append(request: AppendRequest): Promise<AppendResult> {
    this.checkWritable([request]);
    return this.inner.append(request);
  }

  override async appendMulti(requests: readonly AppendRequest[]): Promise<MultiAppendResult> {
    this.checkWritable(requests);
    return this.inner.appendMulti(requests);
  }

  override async readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return (await this.inner.readStream(stream, options)).map((e) => this.registry.upcast(e));
  }

  override async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return (await this.inner.readAll(options)).map((e) => this.registry.upcast(e));
  }

  override async *subscribe(options?: SubscribeOptions): AsyncGenerator<SubscriptionItem> {
    for await (const item of this.inner.subscribe(options)) {
      yield item.kind === 'event' ? { kind: 'event', event: this.registry.upcast(item.event) } : item;
    }
  }

  private checkWritable(requests: readonly AppendRequest[]): void {
    for (const request of requests) {
      for (const event of request.events ?? []) this.registry.assertWritable(event, request.stream);
    }
  }
}
