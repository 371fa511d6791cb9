import type { AnchorData } from './anchors.js';
import type { Anchorer } from './anchorer.js';

export interface AnchorScheduleOptions {
  /** AUDIT_ANCHOR_INTERVAL_MS: no event stays unanchored longer than this while the anchorer runs. */
  readonly intervalMs: number;
  /** Whether this process may anchor now: it holds the projector's lease (one anchorer per store). */
  readonly mayAnchor: () => boolean;
  /** Told of a run that failed (the store unavailable, a last anchor that does not verify); the next run tries again. */
  readonly onError: (error: unknown) => void;
}

/**
 * When the anchors are written. Verification fails an event older than the interval that no anchor
 * covers (docs/adr/0024), so the anchorer runs every half interval and each run anchors everything
 * written so far: an event waits at most half an interval and the time of a run. It also runs as it
 * starts, so that a node started after a crash covers what the crash left at once, and within a
 * second of taking the projector's lease over, so that a takeover costs the lease's time and not
 * half an interval more (with the defaults, 30 s + 15 s + 1 s, under the 60 s interval). A run never
 * overlaps another (a tick during one joins it). Stopping waits for the run under way and writes
 * one last anchor, so that a node stopped in good order leaves nothing unanchored.
 */
export class AnchorSchedule {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<AnchorData[]> | null = null;
  /** When the last run started (Date.now()); null before the first. */
  private lastRunAt: number | null = null;
  /** Whether this process held the lease at the last check. */
  private allowed = false;

  constructor(
    private readonly anchorer: Anchorer,
    private readonly options: AnchorScheduleOptions,
  ) {}

  /** How often the anchorer runs: half the interval (at least every millisecond). */
  static periodOf(intervalMs: number): number {
    return Math.max(1, Math.floor(intervalMs / 2));
  }

  /** How often the schedule looks whether a run is due, or the lease was taken over: every second at most. */
  static checkEveryOf(intervalMs: number): number {
    return Math.min(1_000, AnchorSchedule.periodOf(intervalMs));
  }

  /** Runs now (a node started after a crash covers what it left unanchored at once), then every period. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.check(), AnchorSchedule.checkEveryOf(this.options.intervalMs));
    this.timer.unref();
    this.check();
  }

  /** A run when a period has passed since the last one, or the lease was just taken over. */
  private check(): void {
    const allowed = this.options.mayAnchor();
    const takenOver = allowed && !this.allowed;
    this.allowed = allowed;
    if (!allowed) return;
    const due =
      this.lastRunAt === null || Date.now() - this.lastRunAt >= AnchorSchedule.periodOf(this.options.intervalMs);
    if (due || takenOver) void this.anchorNow();
  }

  /** Anchors what was written, unless another process holds the lease; the anchors written (none on a failure, which is reported). */
  anchorNow(): Promise<AnchorData[]> {
    if (!this.options.mayAnchor()) return this.running ?? Promise.resolve([]);
    if (!this.running) this.lastRunAt = Date.now();
    this.running ??= this.anchorer
      .anchorUntilCaughtUp()
      .catch((error: unknown) => {
        this.options.onError(error);
        // Due again at once: the next check (within a second) tries again, not the next period.
        this.lastRunAt = null;
        return [];
      })
      .finally(() => (this.running = null));
    return this.running;
  }

  /** Resolves once no run is under way. */
  async whenIdle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops the timer, lets the run under way end, and anchors what came since (while the stores are still open). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.whenIdle();
    await this.anchorNow();
  }
}
