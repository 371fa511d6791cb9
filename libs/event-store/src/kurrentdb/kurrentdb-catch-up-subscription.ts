import {
  START,
  excludeSystemEvents,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type KurrentDBClient,
} from '@kurrent/kurrentdb-client';
import { EventStoreUnavailableError } from '../event-store.errors.js';
import type { LogPosition, SubscribeOptions, SubscriptionItem } from '../event-store.port.js';
import { comparePositions } from '../log-position.js';
import { toPortError } from './kurrentdb-errors.js';
import {
  isAfter,
  isSystemEvent,
  recordedPosition,
  toClientPosition,
  toLogPosition,
  toRecordedEvent,
} from './kurrentdb-mapping.js';
import { SubscriptionFeed, type FeedItem } from './kurrentdb-subscription-feed.js';

/**
 * The KurrentDB adapter's subscription: a catch-up subscription to $all (client.subscribeToAll),
 * pulled by the consumer through a bounded queue (SubscriptionFeed). Events at or before `after`
 * are dropped (the server starts after the given position, but that is not relied on), as are
 * system events.
 *
 * Caught-up: yielded once, at the first of
 * - the client's 'caughtUp' (servers from 23.10), in order with the events: see SubscriptionFeed;
 * - the fallback for servers that never send it: `head` (the last non-system event, read before
 *   subscribing), and caught-up comes as soon as an event or a filter checkpoint at or past it
 *   has been seen (at once when the head is at or before `after`, or the log is empty).
 * Its position is the last event seen from the server (delivered or dropped here), else `after`.
 *
 * It ends when the consumer stops, on `options.signal`, or when the stream ends because the store
 * was closed (`closed`); any other end of the stream is EventStoreUnavailableError.
 */
export async function* catchUpSubscription(
  client: Pick<KurrentDBClient, 'subscribeToAll'>,
  head: LogPosition | null,
  options: SubscribeOptions,
  closed: () => boolean,
): AsyncGenerator<SubscriptionItem, void, undefined> {
  const after = options.after ?? null;
  let subscription: AllStreamSubscription | null = null;
  let feed: SubscriptionFeed<AllStreamResolvedEvent> | null = null;
  let caughtUp = false;
  let lastSeen: LogPosition | null = null;
  const caughtUpNow = (): SubscriptionItem => {
    caughtUp = true;
    return { kind: 'caught-up', position: lastSeen ?? after };
  };
  try {
    if (head === null || !isAfter(head, after)) yield caughtUpNow();
    try {
      subscription = client.subscribeToAll({
        fromPosition: after === null ? START : toClientPosition(after),
        filter: {
          ...excludeSystemEvents(),
          checkpointReached: (_subscription, position) =>
            feed?.mark({ kind: 'checkpoint', position: toLogPosition(position) }),
        },
      });
    } catch (error) {
      throw toPortError(error);
    }
    feed = new SubscriptionFeed<AllStreamResolvedEvent>(subscription);
    const openFeed = feed;
    options.signal?.addEventListener('abort', () => openFeed.close(), { once: true });
    for (;;) {
      if (options.signal?.aborted) return;
      let item: FeedItem<AllStreamResolvedEvent> | null;
      try {
        item = await feed.take();
      } catch (error) {
        throw toPortError(error);
      }
      if (item === null) {
        if (closed() || options.signal?.aborted) return;
        throw new EventStoreUnavailableError('The KurrentDB subscription to $all ended unexpectedly');
      }
      switch (item.kind) {
        case 'event': {
          const recorded = item.value.event;
          if (recorded === undefined) break;
          const position = recordedPosition(recorded);
          if (!isAfter(position, after)) break;
          lastSeen = position;
          if (!isSystemEvent(recorded.streamId, recorded.type))
            yield { kind: 'event', event: toRecordedEvent(recorded) };
          if (!caughtUp && head !== null && comparePositions(position, head) >= 0) yield caughtUpNow();
          break;
        }
        case 'checkpoint':
          if (!caughtUp && head !== null && comparePositions(item.position, head) >= 0) yield caughtUpNow();
          break;
        case 'caught-up':
          if (!caughtUp) yield caughtUpNow();
          break;
      }
    }
  } finally {
    feed?.close();
    if (subscription !== null) {
      await subscription.unsubscribe().catch(() => undefined);
      subscription.destroy();
    }
  }
}
