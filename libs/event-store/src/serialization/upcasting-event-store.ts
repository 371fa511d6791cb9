import { DelegatingEventStore } from '../delegating-event-store.js';
import type * as port from '../event-store.port.js';
import type { EventTypeRegistry } from './event-type-registry.js';

/**
 * What the product uses: any adapter, with the registry applied on the way in (only known types at
 * their current version are written) and on the way out (older versions upcast, unknown types and
 * undecodable events refused with a typed error). The adapter's own tamper evidence, when it keeps
 * a hash chain, shows through (DelegatingEventStore).
 */
export class UpcastingEventStore extends DelegatingEventStore {
  constructor(
    inner: port.EventStore,
    private readonly registry: EventTypeRegistry,
  ) {
    super(inner);
  }

  override async append(request: port.AppendRequest): Promise<port.AppendResult> {
    this.checkWritable([request]);
    return this.inner.append(request);
  }

  override async appendMulti(requests: readonly port.AppendRequest[]): Promise<port.MultiAppendResult> {
    this.checkWritable(requests);
    return this.inner.appendMulti(requests);
  }

  override async readStream(stream: string, options?: port.ReadStreamOptions): Promise<port.RecordedEvent[]> {
    return (await this.inner.readStream(stream, options)).map((e) => this.registry.upcast(e));
  }

  override async readAll(options?: port.ReadAllOptions): Promise<port.RecordedEvent[]> {
    return (await this.inner.readAll(options)).map((e) => this.registry.upcast(e));
  }

  override async *subscribe(options?: port.SubscribeOptions): AsyncGenerator<port.SubscriptionItem> {
    for await (const item of this.inner.subscribe(options)) {
      yield item.kind === 'event' ? { kind: 'event', event: this.registry.upcast(item.event) } : item;
    }
  }

  private checkWritable(requests: readonly port.AppendRequest[]): void {
    for (const request of requests) {
      for (const event of request.events ?? []) this.registry.assertWritable(event, request.stream);
    }
  }
}
