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
 * starts, so that a node started after a crash covers what the crash left at once. A run never
 * overlaps another (a tick during one joins it). Stopping waits for the run under way and writes
 * one last anchor, so that a node stopped in good order leaves nothing unanchored.
 */
export class AnchorSchedule {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<AnchorData[]> | null = null;

  constructor(
    private readonly anchorer: Anchorer,
    private readonly options: AnchorScheduleOptions,
  ) {}

  /** How often the anchorer runs: half the interval (at least every millisecond). */
  static periodOf(intervalMs: number): number {
    return Math.max(1, Math.floor(intervalMs / 2));
  }

  /** Runs now (a node started after a crash covers what it left unanchored at once), then every period. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.anchorNow(), AnchorSchedule.periodOf(this.options.intervalMs));
    this.timer.unref();
    void this.anchorNow();
  }

  /** Anchors what was written, unless another process holds the lease; the anchors written (none on a failure, which is reported). */
  anchorNow(): Promise<AnchorData[]> {
    if (!this.options.mayAnchor()) return this.running ?? Promise.resolve([]);
    this.running ??= this.anchorer
      .anchorUntilCaughtUp()
      .catch((error: unknown) => {
        this.options.onError(error);
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
