/**
 * An in-memory KurrentDB node, and clients of it that answer exactly as @kurrent/kurrentdb-client
 * 1.3.1 does over a network, so that the product's real adapter (KurrentDbEventStore) runs against
 * the server's real semantics where no server can run: tests, demos, `kurrentdb-simulator://`.
 *
 * The node follows kurrent-io/KurrentDB v25.1.1 (docker-compose.yml's image): writes, their commit
 * checks and idempotency, deletes and reads in simulator-storage.ts; its records and positions in
 * simulator-records.ts; subscriptions in simulator-subscriptions.ts; what the client makes of each
 * answer in simulator-wire.ts; faults in simulator-faults.ts. A client (simulator-client.ts)
 * implements the part of KurrentDBClient the adapter calls (KurrentDbClientPort), plus deleteStream,
 * tombstoneStream and setStreamMetadata for tests; what it sends is in simulator-requests.ts.
 *
 * ```ts
 * const node = new KurrentDbSimulator({ seed: 7 });
 * const store = new KurrentDbEventStore(node.connect());
 * node.failNext('commit-then-fail');           // the next append is written, and its answer lost
 * await node.connect().tombstoneStream('bid-1');
 * ```
 */
import { metastreamOf } from '@kurrent/kurrentdb-client/dist/streams/utils/systemStreams.js';
import { SimulatedKurrentDbClient } from './simulator-client.js';
import { SimulatorFaults, type FailNextOptions, type InjectedFault, type SimulatedFault } from './simulator-faults.js';
import * as records from './simulator-records.js';
import { SimulatorStorage } from './simulator-storage.js';
import { SimulatorSubscriptions } from './simulator-subscriptions.js';
import * as wire from './simulator-wire.js';

export { SimulatedKurrentDbClient } from './simulator-client.js';
export {
  SIMULATED_FAULTS,
  type FailNextOptions,
  type InjectedFault,
  type LostAnswer,
  type SimulatedCall,
  type SimulatedFault,
} from './simulator-faults.js';

export interface KurrentDbSimulatorOptions {
  /** The share (0 to 1) of the calls each fault strikes at random. */
  readonly faults?: Readonly<Partial<Record<SimulatedFault, number>>>;
  /** Seed of the faults' generator: the same seed and calls give the same faults. Default 1. */
  readonly seed?: number;
  /** How many recent event ids the node remembers for the idempotency of appends naming no revision. Default 100 000. */
  readonly idempotencyWindow?: number;
  /** The clock of the events' `created`. */
  readonly now?: () => Date;
  /** The node's MaxAppendSize in bytes (ClusterVNodeOptions: one chunk, 256 MiB). */
  readonly maxAppendSize?: number;
}

export class KurrentDbSimulator {
  readonly storage: SimulatorStorage;
  readonly subscriptions: SimulatorSubscriptions;
  readonly faults: SimulatorFaults;
  readonly maxAppendSize: number;

  constructor(options: KurrentDbSimulatorOptions = {}) {
    const now = options.now ?? (() => new Date());
    this.storage = new SimulatorStorage(now, options.idempotencyWindow ?? 100_000);
    this.faults = new SimulatorFaults({
      ...(options.faults ? { shares: options.faults } : {}),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
    });
    this.subscriptions = new SimulatorSubscriptions(this.storage, this.faults);
    this.maxAppendSize = options.maxAppendSize ?? 256 * 1024 * 1024;
    // A fresh node's first write (TFChunkScavengerLogManager.SetScavengeStreamMetadata): a system
    // event, so that $all never starts with the product's own events.
    this.storage.write([
      {
        stream: metastreamOf('$scavenges'),
        expectedVersion: records.ANY,
        events: [
          {
            eventId: '8d4a0ee1-4f0c-4a0b-9c3c-2c7a1f1d0001',
            type: '$metadata',
            isJson: true,
            data: Buffer.from('{"$maxAge":2592000,"$acl":{"$r":"$ops"}}'),
            metadata: new Uint8Array(),
          },
        ],
      },
    ]);
  }

  /** A new client of this node (a connection: its dispose ends its own subscriptions only). */
  connect(): SimulatedKurrentDbClient {
    return new SimulatedKurrentDbClient(this);
  }

  /** The next call the fault applies to fails with it (`on`: only a call of that kind; `lostAnswer`: how a commit-then-fail answer is lost). */
  failNext(fault: SimulatedFault, options: FailNextOptions = {}): void {
    this.faults.failNext(fault, options);
  }

  get injectedFaults(): readonly InjectedFault[] {
    return this.faults.injected;
  }

  /** Drops every live subscription, as a node shutting down does: each fails with `error` as the client converts it. */
  dropSubscriptions(error: Error = wire.serviceError(wire.GrpcStatus.UNAVAILABLE, 'Server is shutting down')): void {
    this.subscriptions.dropAll(error);
  }
}
