/**
 * What the idempotency store's contract suites share: the adapters they run on, each case on a
 * fresh storage with a store opened on it, the API's settings, and a submitted bid's answer.
 */
import { afterEach, beforeEach, describe } from '@jest/globals';
import { IdempotencyKeys, type IdempotencyOptions } from '../src/idempotency-keys.js';
import type { IdempotencyStore, StoredResponse } from '../src/idempotency-store.port.js';
import {
  IDEMPOTENCY_STORES,
  type IdempotencyStorage,
  type IdempotencyStoreUnderTest,
  type StoreClock,
} from './idempotency-stores.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const RETENTION = 24 * HOUR;
export const LEASE = 30_000;

/** A failure after which the command may have been written all the same (the API's: a 5xx). */
export class OutcomeUnknownError extends Error {}
const isOutcomeUnknown = (error: unknown) => error instanceof OutcomeUnknownError;

export function keysOn(on: IdempotencyStore, options: Partial<IdempotencyOptions> = {}): IdempotencyKeys {
  return new IdempotencyKeys(on, { retentionMs: RETENTION, leaseMs: LEASE, isOutcomeUnknown, ...options });
}

export function gate(): { opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** A submitted bid's answer, as the API keeps it. */
export const submitted = (n: number): StoredResponse => ({
  status: 201,
  headers: { etag: '"0"', 'x-event-position': String(100 + n), 'x-correlation-id': `portal-batch-${n}` },
  body: {
    bidId: `bid-${n}`,
    callId: 'm4-welfare-aziendale',
    applicant: { name: 'Società Cooperativa «Il Nido»' },
    revision: 0,
    position: String(100 + n),
  },
});

export const mustNotRun = async (): Promise<StoredResponse> => {
  throw new Error('ran a request that had been answered already');
};

/** The storage of the case running, its clock, and the store opened on it before the case. */
export interface ContractStore {
  readonly storage: IdempotencyStorage;
  readonly store: IdempotencyStore;
  readonly clock: StoreClock;
}

/**
 * Declares `cases` once per adapter, each on a fresh storage (`current()`, while a case runs);
 * an adapter whose server is not configured is skipped, and says so.
 */
export function idempotencyStoreContract(
  topic: string,
  cases: (adapter: IdempotencyStoreUnderTest, current: () => ContractStore) => void,
): void {
  for (const adapter of IDEMPOTENCY_STORES) {
    if (adapter.skipped)
      console.warn(`Idempotency store contract suite (${topic}) for ${adapter.name} SKIPPED: ${adapter.skipped}`);
    const suite = adapter.skipped ? describe.skip : describe;

    suite(
      `idempotency store contract, ${topic}: ${adapter.name}${adapter.skipped ? ` (skipped: ${adapter.skipped})` : ''}`,
      () => {
        let storage: IdempotencyStorage | null = null;
        let store: IdempotencyStore | null = null;

        beforeEach(async () => {
          storage = await adapter.setUp({ retentionMs: RETENTION });
          store = await storage.open();
        });
        afterEach(async () => {
          await storage?.tearDown();
          storage = store = null;
        });

        cases(adapter, () => {
          if (storage === null || store === null)
            throw new Error('No store: current() is for the cases, while they run');
          return { storage, store, clock: storage.clock };
        });
      },
    );
  }
}
