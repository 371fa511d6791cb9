import { randomUUID } from 'node:crypto';
import type { Clock } from '@app/commands';
import type { IdempotencyKey, IdempotencyStore, StoredResponse } from './idempotency-store.port.js';

export type IdempotentOutcome =
  | { readonly kind: 'first'; readonly response: StoredResponse }
  | { readonly kind: 'replay'; readonly response: StoredResponse };

export class IdempotencyKeyReusedError extends Error {
  override readonly name = 'IdempotencyKeyReusedError';
  readonly code = 'IDEMPOTENCY_KEY_REUSED';

  constructor(key: string) {
    super(`Idempotency-Key ${JSON.stringify(key)} was already used for a different request`);
  }
}

export class IdempotencyKeyInUseError extends Error {
  override readonly name = 'IdempotencyKeyInUseError';
  readonly code = 'IDEMPOTENCY_KEY_IN_USE';

  constructor(key: string) {
    super(`A request with Idempotency-Key ${JSON.stringify(key)} is still running; retry shortly`);
  }
}

export interface IdempotencyOptions {
  /** How long a response is kept: a retry within it gets the response back; after it, the key is new. */
  readonly retentionMs: number;
  /** How long a claim holds without renewal: how soon the key of a process that died may be taken over. Default 30 s. */
  readonly leaseMs?: number;
  /** How often a running request renews its claim. Default a third of the lease. */
  readonly renewEveryMs?: number;
  /** How long a request waits for another with the same key before answering IDEMPOTENCY_KEY_IN_USE. Default 10 s. */
  readonly waitMs?: number;
  readonly warn?: (message: string) => void;
}

const FIRST_POLL_MS = 5;
const LONGEST_POLL_MS = 200;

/**
 * Runs each (principal, Idempotency-Key) once, across every process sharing the store: a request
 * first claims its key (a pending record with its fingerprint, an owner token and a lease); a
 * request that finds the key pending polls, with a growing pause and for a bounded time, until the
 * record is completed (then gets its response) or released or abandoned (then claims it itself).
 * A failed request releases its claim: failures are not kept, they wrote nothing and may be retried.
 * A running request renews its lease; a claim whose lease ran out belongs to a process that died,
 * and is taken over. Requests with one key in this process wake as soon as the one running ends,
 * instead of at their next poll; that is all the in-process bookkeeping is for.
 */
export class IdempotencyKeys {
  private readonly retentionMs: number;
  private readonly leaseMs: number;
  private readonly renewEveryMs: number;
  private readonly waitMs: number;
  private readonly warn: (message: string) => void;
  /** This process's running requests, by key: their claim is settled (completed or released) when the promise is. */
  private readonly running = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: IdempotencyStore,
    private readonly clock: Clock,
    options: IdempotencyOptions,
  ) {
    this.retentionMs = options.retentionMs;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.renewEveryMs = options.renewEveryMs ?? Math.max(1, Math.floor(this.leaseMs / 3));
    this.waitMs = options.waitMs ?? 10_000;
    this.warn = options.warn ?? (() => undefined);
  }

  async run(principal: string, key: string, fingerprint: string, execute: () => Promise<StoredResponse>): Promise<IdempotentOutcome> {
    const id: IdempotencyKey = { principal, key };
    let waited = 0;
    for (let pause = FIRST_POLL_MS; ; pause = Math.min(pause * 2, LONGEST_POLL_MS)) {
      const at = this.clock.now();
      const owner = randomUUID();
      const found = await this.store.claim({ ...id, fingerprint, owner, at, leaseUntil: this.after(at, this.leaseMs) });
      if (found.status === 'claimed') return { kind: 'first', response: await this.runClaimed(id, owner, execute) };
      if (found.status === 'completed') {
        if (found.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError(key);
        return { kind: 'replay', response: found.response };
      }
      // Pending: another request with this key is running, here or in another process.
      if (waited >= this.waitMs) throw new IdempotencyKeyInUseError(key);
      const wait = Math.min(pause, this.waitMs - waited);
      waited += wait;
      await this.pause(slotOf(id), wait);
    }
  }

  private async runClaimed(id: IdempotencyKey, owner: string, execute: () => Promise<StoredResponse>): Promise<StoredResponse> {
    const slot = slotOf(id);
    const settled = this.executeAndSettle(id, owner, execute);
    this.running.set(slot, settled);
    try {
      return await settled;
    } finally {
      if (this.running.get(slot) === settled) this.running.delete(slot);
    }
  }

  private async executeAndSettle(id: IdempotencyKey, owner: string, execute: () => Promise<StoredResponse>): Promise<StoredResponse> {
    let running = true;
    const renewal = setInterval(() => this.renew(id, owner, () => running), this.renewEveryMs);
    renewal.unref();
    const stop = () => {
      running = false;
      clearInterval(renewal);
    };
    let response: StoredResponse;
    try {
      response = await execute();
    } catch (error) {
      stop();
      // Were the release lost, the lease would run out and free the key all the same.
      await this.store.release(id, owner).catch((e: unknown) => this.warn(`Could not release Idempotency-Key ${JSON.stringify(id.key)}: ${String(e)}`));
      throw error;
    }
    stop();
    // The command is written: its answer goes back even if keeping it fails (a retry then waits
    // for the claim's lease to lapse, and the store's own refusals of a repeated id apply).
    const kept = await this.store.complete(id, owner, response, this.after(this.clock.now(), this.retentionMs)).catch((error: unknown) => {
      this.warn(`Could not keep the response to Idempotency-Key ${JSON.stringify(id.key)}: ${String(error)}`);
      return null;
    });
    if (kept === false) this.warn(`The claim on Idempotency-Key ${JSON.stringify(id.key)} ran past its lease and was taken over; its response was not kept`);
    return response;
  }

  private renew(id: IdempotencyKey, owner: string, running: () => boolean): void {
    this.store.renew(id, owner, this.after(this.clock.now(), this.leaseMs)).then(
      (held) => {
        // A renewal that lands after the request ended finds its claim completed or released: nothing lost.
        if (!held && running()) this.warn(`The claim on Idempotency-Key ${JSON.stringify(id.key)} was lost before it could be renewed`);
      },
      (error: unknown) => this.warn(`Could not renew the claim on Idempotency-Key ${JSON.stringify(id.key)}: ${String(error)}`),
    );
  }

  /** Sleeps `ms`, or less when this process's own request with the key settles first. */
  private pause(slot: string, ms: number): Promise<void> {
    const local = this.running.get(slot);
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      local?.then(
        () => (clearTimeout(timer), resolve()),
        () => (clearTimeout(timer), resolve()),
      );
    });
  }

  private after(at: Date, ms: number): Date {
    return new Date(at.getTime() + ms);
  }
}

function slotOf({ principal, key }: IdempotencyKey): string {
  return JSON.stringify([principal, key]);
}
