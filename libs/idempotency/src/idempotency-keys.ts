import { randomUUID } from 'node:crypto';
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
  /** How long a response (or an unsettled request) is kept: a retry within it gets the response back; after it, the key is new. */
  readonly retentionMs: number;
  /**
   * Whether a request that failed with this error may have been written all the same (the store
   * unavailable mid-write, a fault of the product): its claim is then kept, unsettled, so that only a
   * retry of the same request may use the key again. Any other failure wrote nothing and releases it.
   */
  readonly isOutcomeUnknown: (error: unknown) => boolean;
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
 * A request refused or otherwise known not to be written releases its claim, and may be retried
 * with any body. One whose outcome is unknown keeps it, unsettled, with its fingerprint: a retry of
 * it runs again at once (the write path recognises a command already written by its id, derived
 * from the key), and another request reusing the key is refused as for a completed one.
 * A running request renews its lease; a claim whose lease ran out belongs to a process that died,
 * and is taken over. Every lease and retention is measured by the store's clock, never this
 * process's. Requests with one key in this process wake as soon as the one running ends, instead of
 * at their next poll; that is all the in-process bookkeeping is for.
 */
export class IdempotencyKeys {
  private readonly retentionMs: number;
  private readonly isOutcomeUnknown: (error: unknown) => boolean;
  private readonly leaseMs: number;
  private readonly renewEveryMs: number;
  private readonly waitMs: number;
  private readonly warn: (message: string) => void;
  /** This process's running requests, by key: their claim is settled (completed, released or kept) when the promise is. */
  private readonly running = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: IdempotencyStore,
    options: IdempotencyOptions,
  ) {
    this.retentionMs = options.retentionMs;
    this.isOutcomeUnknown = options.isOutcomeUnknown;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.renewEveryMs = options.renewEveryMs ?? Math.max(1, Math.floor(this.leaseMs / 3));
    this.waitMs = options.waitMs ?? 10_000;
    this.warn = options.warn ?? (() => undefined);
  }

  async run(
    principal: string,
    key: string,
    fingerprint: string,
    execute: () => Promise<StoredResponse>,
  ): Promise<IdempotentOutcome> {
    const id: IdempotencyKey = { principal, key };
    let waited = 0;
    for (let pause = FIRST_POLL_MS; ; pause = Math.min(pause * 2, LONGEST_POLL_MS)) {
      const owner = randomUUID();
      const found = await this.store.claim({ ...id, fingerprint, owner, leaseMs: this.leaseMs });
      if (found.status === 'claimed') return { kind: 'first', response: await this.runClaimed(id, owner, execute) };
      if (found.status !== 'pending' && found.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError(key);
      if (found.status === 'completed') return { kind: 'replay', response: found.response };
      // Pending: another request with this key is running, here or in another process. (Unsettled
      // with this fingerprint: it became so after the claim was refused; the next claim takes it.)
      if (waited >= this.waitMs) throw new IdempotencyKeyInUseError(key);
      const wait = Math.min(pause, this.waitMs - waited);
      waited += wait;
      await this.pause(slotOf(id), wait);
    }
  }

  private async runClaimed(
    id: IdempotencyKey,
    owner: string,
    execute: () => Promise<StoredResponse>,
  ): Promise<StoredResponse> {
    const slot = slotOf(id);
    const settled = this.executeAndSettle(id, owner, execute);
    this.running.set(slot, settled);
    try {
      return await settled;
    } finally {
      if (this.running.get(slot) === settled) this.running.delete(slot);
    }
  }

  private async executeAndSettle(
    id: IdempotencyKey,
    owner: string,
    execute: () => Promise<StoredResponse>,
  ): Promise<StoredResponse> {
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
      await this.settleFailure(id, owner, error);
      throw error;
    }
    stop();
    // The command is written: its answer goes back even if keeping it fails (a retry then waits
    // for the claim's lease to lapse, and the store's own refusals of a repeated id apply).
    const kept = await this.store.complete(id, owner, response, this.retentionMs).catch((error: unknown) => {
      this.warn(`Could not keep the response to Idempotency-Key ${JSON.stringify(id.key)}: ${String(error)}`);
      return null;
    });
    if (kept === false)
      this.warn(
        `The claim on Idempotency-Key ${JSON.stringify(id.key)} ran past its lease and was taken over; its response was not kept`,
      );
    return response;
  }

  private async settleFailure(id: IdempotencyKey, owner: string, error: unknown): Promise<void> {
    const key = JSON.stringify(id.key);
    let unknown: boolean;
    try {
      unknown = this.isOutcomeUnknown(error);
    } catch (e) {
      this.warn(
        `Could not tell whether the request with Idempotency-Key ${key} was written; its claim is kept: ${String(e)}`,
      );
      unknown = true;
    }
    if (!unknown) {
      // Were the release lost, the lease would run out and free the key all the same.
      await this.store
        .release(id, owner)
        .catch((e: unknown) => this.warn(`Could not release Idempotency-Key ${key}: ${String(e)}`));
      return;
    }
    // Were this lost, the lease would run out and the key be free for any request: the write path's
    // refusal of an id already used is then all that stands in the way of a different one.
    const kept = await this.store.keepUnsettled(id, owner, this.retentionMs).catch((e: unknown) => {
      this.warn(`Could not keep the unsettled claim on Idempotency-Key ${key}: ${String(e)}`);
      return null;
    });
    if (kept === false)
      this.warn(
        `The claim on Idempotency-Key ${key} ran past its lease and was taken over before its unknown outcome could be kept`,
      );
  }

  private renew(id: IdempotencyKey, owner: string, running: () => boolean): void {
    this.store.renew(id, owner, this.leaseMs).then(
      (held) => {
        // A renewal that lands after the request ended finds its claim settled: nothing lost.
        if (!held && running())
          this.warn(`The claim on Idempotency-Key ${JSON.stringify(id.key)} was lost before it could be renewed`);
      },
      (error: unknown) =>
        this.warn(`Could not renew the claim on Idempotency-Key ${JSON.stringify(id.key)}: ${String(error)}`),
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
}

function slotOf({ principal, key }: IdempotencyKey): string {
  return JSON.stringify([principal, key]);
}
