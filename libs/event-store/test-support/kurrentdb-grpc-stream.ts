/**
 * The client's Subscription class (a Transform, as @kurrent/kurrentdb-client 1.3.1 builds it) fed by
 * a fake gRPC stream of ReadResp-like messages: a subscription without a server.
 */
import { PassThrough } from 'node:stream';
import { Subscription } from '@kurrent/kurrentdb-client/dist/streams/utils/Subscription.js';

type Message = {
  hasEvent?: () => boolean;
  getEvent?: () => unknown;
  hasCaughtUp?: () => boolean;
  getCaughtUp?: () => unknown;
};
export const eventMessage = (value: unknown): Message => ({ hasEvent: () => true, getEvent: () => value });
export const caughtUpMessage = (): Message => ({
  hasCaughtUp: () => true,
  getCaughtUp: () => ({ hasTimestamp: () => false }),
});

export interface FakeGrpcStream extends PassThrough {
  cancelled: boolean;
  cancel(): void;
}

export function fakeGrpcStream(): FakeGrpcStream {
  const stream = new PassThrough({ objectMode: true }) as FakeGrpcStream;
  stream.cancelled = false;
  stream.cancel = () => {
    stream.cancelled = true;
    stream.end();
  };
  return stream;
}

export function clientSubscription<E>(grpc: FakeGrpcStream, convert: (value: unknown) => E = (value) => value as E) {
  const SubscriptionClass = Subscription as unknown as new (
    create: () => Promise<FakeGrpcStream>,
    convert: (value: unknown) => E,
    options: object,
  ) => InstanceType<typeof PassThrough> & { unsubscribe(): Promise<void> };
  return new SubscriptionClass(() => Promise.resolve(grpc), convert, {});
}

export const tick = () => new Promise((resolve) => setImmediate(resolve));
