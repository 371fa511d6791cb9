/**
 * SubscriptionFeed (kurrentdb-subscription-feed.ts) driven by the client's own Subscription class,
 * fed by a fake gRPC stream: server order kept, backpressure, errors after the queued events.
 */
import { describe, expect, it } from '@jest/globals';
import { UnavailableError } from '@kurrent/kurrentdb-client';
import {
  caughtUpMessage,
  clientSubscription,
  eventMessage,
  fakeGrpcStream,
  tick,
} from '../../test-support/kurrentdb-grpc-stream.js';
import { SubscriptionFeed, type FeedItem } from './kurrentdb-subscription-feed.js';

describe('SubscriptionFeed', () => {
  it('keeps caught-up behind the events the server sent before it, through pauses', async () => {
    const grpc = fakeGrpcStream();
    const subscription = clientSubscription<number>(grpc);
    const feed = new SubscriptionFeed<number>(subscription, 4, 1);
    for (let n = 0; n < 40; n++) grpc.write(eventMessage(n));
    grpc.write(caughtUpMessage());
    for (let n = 40; n < 45; n++) grpc.write(eventMessage(n));
    grpc.end();

    const seen: Array<number | 'caught-up'> = [];
    for (;;) {
      const item = await feed.take();
      if (item === null) break;
      seen.push(item.kind === 'event' ? item.value : 'caught-up');
      await tick(); // a slow consumer: the client's buffers fill meanwhile
    }
    expect(seen).toEqual([...Array.from({ length: 40 }, (_, n) => n), 'caught-up', 40, 41, 42, 43, 44]);
    feed.close();
  });

  it('pauses the client stream at the high mark instead of buffering everything', async () => {
    const grpc = fakeGrpcStream();
    const subscription = clientSubscription<number>(grpc);
    const feed = new SubscriptionFeed<number>(subscription, 5, 2);
    for (let n = 0; n < 200; n++) grpc.write(eventMessage(n));
    for (let i = 0; i < 20; i++) await tick();
    expect(subscription.isPaused()).toBe(true);
    // The client's buffers stop at their high-water marks and the rest waits upstream, where gRPC
    // flow control would hold it on the server.
    expect(subscription.readableLength + subscription.writableLength).toBeLessThanOrEqual(16 + 16);
    expect(grpc.readableLength + grpc.writableLength).toBeGreaterThan(100);
    const taken: number[] = [];
    while (taken.length < 200) {
      const item = (await feed.take()) as FeedItem<number>;
      if (item.kind === 'event') taken.push(item.value);
    }
    expect(taken).toEqual(Array.from({ length: 200 }, (_, n) => n));
    feed.close();
    await subscription.unsubscribe();
    expect(grpc.cancelled).toBe(true);
  });

  it('delivers the queued events, then the error', async () => {
    const grpc = fakeGrpcStream();
    const subscription = clientSubscription<number>(grpc);
    const feed = new SubscriptionFeed<number>(subscription);
    grpc.write(eventMessage(1));
    await tick();
    const failure = new UnavailableError(undefined, 'connection reset');
    subscription.emit('error', failure);
    expect(await feed.take()).toEqual({ kind: 'event', value: 1 });
    await expect(feed.take()).rejects.toBe(failure);
    feed.close();
    subscription.emit('error', new Error('late, after close')); // must not crash
  });
});
