/**
 * Progress of a long command-line run (a rebuild, a replay, a verification, a benchmark phase):
 * on a terminal, one line redrawn in place with a bar, the rate and the time left; otherwise (a
 * log file, CI) a plain line every few seconds. Written to stderr, so stdout keeps the result.
 */
export interface ProgressOptions {
  readonly label: string;
  /** What is counted ("events", "positions"). */
  readonly unit: string;
  /** The amount at which it is done; null when unknown (no bar, no time left). */
  readonly total: number | null;
  readonly out?: NodeJS.WriteStream;
  /** Seconds between plain lines when not on a terminal. */
  readonly everySeconds?: number;
  readonly now?: () => number;
}

const BAR_WIDTH = 24;

export class Progress {
  private readonly out: NodeJS.WriteStream;
  private readonly tty: boolean;
  private readonly started: number;
  private readonly now: () => number;
  private lastDrawn = 0;
  private done = 0;
  private finished = false;

  constructor(private readonly options: ProgressOptions) {
    this.out = options.out ?? process.stderr;
    this.tty = this.out.isTTY === true;
    this.now = options.now ?? (() => performance.now());
    this.started = this.now();
    this.lastDrawn = this.started;
  }

  /** How far it has got (absolute, not an increment). */
  update(done: number): void {
    if (this.finished) return;
    this.done = done;
    const now = this.now();
    const interval = this.tty ? 100 : (this.options.everySeconds ?? 5) * 1000;
    if (now - this.lastDrawn < interval) return;
    this.lastDrawn = now;
    this.write(false);
  }

  finish(message?: string): void {
    if (this.finished) return;
    this.finished = true;
    if (this.options.total !== null) this.done = Math.max(this.done, this.options.total);
    this.write(true, message);
  }

  /** The line as it would be drawn now: exposed for tests. */
  line(): string {
    const { label, unit, total } = this.options;
    const seconds = Math.max((this.now() - this.started) / 1000, 1e-3);
    const rate = this.done / seconds;
    const count = `${format(this.done)}${total !== null ? `/${format(total)}` : ''} ${unit}`;
    const speed = `${format(Math.round(rate))} ${unit}/s`;
    if (total === null || total <= 0) return `${label}: ${count}, ${speed}, ${seconds.toFixed(0)} s`;
    const share = Math.min(this.done / total, 1);
    const left = rate > 0 ? (total - this.done) / rate : null;
    const eta = left === null ? 'ETA -' : `ETA ${duration(Math.max(left, 0))}`;
    const percent = `${(share * 100).toFixed(0).padStart(3)}%`;
    if (!this.tty) return `${label}: ${percent} (${count}, ${speed}, ${eta})`;
    const filled = Math.round(share * BAR_WIDTH);
    return `${label} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${percent} ${count} ${speed} ${eta}`;
  }

  private write(final: boolean, message?: string): void {
    const text = message ? `${this.line()}: ${message}` : this.line();
    if (this.tty) this.out.write(`\r\x1b[2K${text}${final ? '\n' : ''}`);
    else this.out.write(`${text}\n`);
  }
}

function format(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function duration(seconds: number): string {
  if (seconds < 90) return `${seconds.toFixed(0)} s`;
  if (seconds < 5400) return `${(seconds / 60).toFixed(0)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** Progress through the event log, up to its head when the run starts: events on the embedded store, log positions (bytes) on KurrentDB. */
export function logProgress(
  label: string,
  adapter: 'embedded' | 'kurrentdb',
  head: { readonly commit: bigint } | null,
): Progress {
  return new Progress({
    label,
    unit: adapter === 'embedded' ? 'events' : 'log positions',
    total: head ? Number(head.commit) : 0,
  });
}
