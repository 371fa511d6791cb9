/**
 * In-process limits: token buckets per client address, and counts of work under way per principal.
 * Memory is bounded: a bucket that has refilled holds nothing worth keeping and is forgotten; when
 * every remembered address is still limited, a new address is refused rather than remembered (a
 * flood from more addresses than `capacity` within a minute is refused, never allowed to reset the
 * limits of the addresses already seen).
 */
export class AddressBuckets {
  /** In order of last use: the oldest first. */
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    /** Tokens a full bucket holds, and refills in a minute. */
    private readonly perMinute: number,
    private readonly capacity: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a token for `address`: 0 when it had one, else the seconds until it will have. */
  take(address: string): number {
    const bucket = this.current(address);
    if (bucket === null) return 60;
    if (bucket.tokens < 1) return Math.max(1, Math.ceil(((1 - bucket.tokens) * 60) / this.perMinute));
    bucket.tokens -= 1;
    return 0;
  }

  /** Seconds until `address` has a token again (0: it has one now), without taking it. */
  wait(address: string): number {
    const bucket = this.buckets.get(address);
    if (!bucket) return 0;
    const tokens = Math.min(this.perMinute, bucket.tokens + ((this.now() - bucket.at) / 60_000) * this.perMinute);
    return tokens >= 1 ? 0 : Math.max(1, Math.ceil(((1 - tokens) * 60) / this.perMinute));
  }

  get size(): number {
    return this.buckets.size;
  }

  private current(address: string): { tokens: number; at: number } | null {
    const now = this.now();
    const known = this.buckets.get(address);
    if (known) {
      known.tokens = Math.min(this.perMinute, known.tokens + ((now - known.at) / 60_000) * this.perMinute);
      known.at = now;
      this.buckets.delete(address);
      this.buckets.set(address, known);
      return known;
    }
    if (this.buckets.size >= this.capacity) this.forgetRefilled(now);
    if (this.buckets.size >= this.capacity) return null;
    const fresh = { tokens: this.perMinute, at: now };
    this.buckets.set(address, fresh);
    return fresh;
  }

  /** Buckets untouched for a minute are full again: the oldest go first, and the sweep stops at the first that is not. */
  private forgetRefilled(now: number): void {
    for (const [address, bucket] of this.buckets) {
      if (now - bucket.at < 60_000) return;
      this.buckets.delete(address);
    }
  }
}

/** How much of one kind of work each principal has under way, bounded. */
export class WorkInProgress {
  private readonly running = new Map<string, number>();

  constructor(private readonly maxPerPrincipal: number) {}

  /** A release function, or null when the principal already runs its share. */
  start(principal: string): (() => void) | null {
    const count = this.running.get(principal) ?? 0;
    if (count >= this.maxPerPrincipal) return null;
    this.running.set(principal, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.running.get(principal) ?? 1) - 1;
      if (left <= 0) this.running.delete(principal);
      else this.running.set(principal, left);
    };
  }
}
