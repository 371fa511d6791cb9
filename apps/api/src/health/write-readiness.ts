import { open, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import type { AppendReport, CommandObserver } from '@app/commands';
import { EventStoreUnavailableError } from '@app/event-store';
import { APP_CONFIG } from '../infrastructure/app-config.provider.js';

/** How long a reading of the disk, or a probe's outcome, stands: a storm of probes reads the disk once a second. */
export const WRITE_CHECK_TTL_MS = 1_000;

/** The file the probe writes in DATA_DIR: a write on the stores' filesystem that is not an event. */
export const WRITE_PROBE_FILE = '.write-probe';

/** The free space of the filesystem holding DATA_DIR, against HEALTH_MIN_FREE_DISK_BYTES. */
export type DiskReport =
  | {
      readonly status: 'ok' | 'low';
      readonly path: string;
      readonly freeBytes: number;
      readonly minFreeBytes: number;
    }
  | { readonly status: 'unreadable'; readonly path: string; readonly error: string }
  /** No store keeps its files in DATA_DIR (KurrentDB and MongoDB): their disks are their servers'. */
  | { readonly status: 'not-checked'; readonly why: string };

/** The last append that did not land for a storage error, while no append or probe has landed since. */
export interface AppendFailure {
  /** The store error's code, and the engine's when it gave one: `EVENT_STORE_UNAVAILABLE (SQLITE_FULL)`. */
  readonly code: string;
  readonly error: string;
  /** The first failure of this run of failures. */
  readonly since: string;
  /** The last probe's outcome, if one was made since. */
  readonly probe: string | null;
}

export interface WritesReport {
  readonly disk: DiskReport;
  readonly appendFailure: AppendFailure | null;
}

/**
 * Whether writes can land, for GET /health/ready: the free space of the disk the embedded stores
 * write to, and the outcome of the last append the command pipeline made (it observes every one).
 * After an append failed for the store (unavailable, disk full, I/O error; not a conflict, not
 * refused input) the process is not ready until an append lands again or a probe does: on the
 * embedded stores, a file written and synced in DATA_DIR; elsewhere, the event store answering a
 * read (docs/adr/0023).
 */
@Injectable()
export class WriteReadiness implements CommandObserver {
  private failure: { code: string; error: string; since: Date; probe: string | null } | null = null;
  private disk: { readonly at: number; readonly report: Promise<DiskReport> } | null = null;
  private probe: { readonly at: number; readonly outcome: Promise<string | null> } | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  commandEnded(): void {}

  appendEnded(report: AppendReport): void {
    if (report.result === 'appended') {
      this.failure = null;
      return;
    }
    if (report.result !== 'failed' || !(report.error instanceof EventStoreUnavailableError)) return;
    this.failure = {
      code: codeOf(report.error),
      error: String(report.error),
      since: this.failure?.since ?? new Date(),
      probe: null,
    };
    this.probe = null;
  }

  /** The disk and the last append's outcome; `eventStoreAnswers`: whether the event store just answered a read. */
  async report(eventStoreAnswers: boolean): Promise<WritesReport> {
    const [disk, appendFailure] = await Promise.all([this.diskReport(), this.appendFailure(eventStoreAnswers)]);
    return { disk, appendFailure };
  }

  private get embedded(): boolean {
    return this.config.kurrentDbUrl === null || this.config.mongoDbUrl === null;
  }

  private diskReport(): Promise<DiskReport> {
    if (!this.embedded)
      return Promise.resolve({
        status: 'not-checked',
        why: 'no store keeps its files in DATA_DIR (KurrentDB, MongoDB)',
      });
    const now = Date.now();
    if (this.disk && now - this.disk.at < WRITE_CHECK_TTL_MS) return this.disk.report;
    const path = this.config.dataDir;
    const minFreeBytes = this.config.healthMinFreeDiskBytes;
    const report = statfs(path).then(
      (fs): DiskReport => {
        const freeBytes = fs.bavail * fs.bsize;
        return { status: freeBytes < minFreeBytes ? 'low' : 'ok', path, freeBytes, minFreeBytes };
      },
      (error: unknown): DiskReport => ({ status: 'unreadable', path, error: String(error) }),
    );
    this.disk = { at: now, report };
    return report;
  }

  private async appendFailure(eventStoreAnswers: boolean): Promise<AppendFailure | null> {
    const failure = this.failure;
    if (!failure) return null;
    const now = Date.now();
    if (!this.probe || now - this.probe.at >= WRITE_CHECK_TTL_MS)
      this.probe = { at: now, outcome: this.probeWrite(eventStoreAnswers) };
    const error = await this.probe.outcome;
    if (this.failure !== failure) return this.appendFailure(eventStoreAnswers);
    if (error === null) {
      this.failure = null;
      return null;
    }
    failure.probe = error;
    return { code: failure.code, error: failure.error, since: failure.since.toISOString(), probe: failure.probe };
  }

  /** Null when a write landed; else why not. */
  private async probeWrite(eventStoreAnswers: boolean): Promise<string | null> {
    if (this.config.kurrentDbUrl !== null) return eventStoreAnswers ? null : 'the event store does not answer a read';
    try {
      const file = await open(join(this.config.dataDir, WRITE_PROBE_FILE), 'w');
      try {
        await file.writeFile(new Date().toISOString());
        await file.sync();
      } finally {
        await file.close();
      }
      return null;
    } catch (error) {
      return String(error);
    }
  }
}

/** The store error's code, with the engine's (SQLITE_FULL, EIO…) when its cause carries one. */
function codeOf(error: EventStoreUnavailableError): string {
  const cause: unknown = error.cause;
  const engine =
    typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string'
      ? cause.code
      : null;
  return engine ? `${error.code} (${engine})` : error.code;
}
