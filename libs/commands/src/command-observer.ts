import type { DomainErrorCode, FundingCommand } from '@app/funding';

/**
 * How a command ended, as an operator counts it: written; refused by the domain (its code says
 * why); refused for a stale If-Match (412); given up after losing every race (409); or failed
 * (the store or the product itself: a 5xx).
 */
export type CommandResult = 'accepted' | 'refused' | 'stale' | 'conflict' | 'failed';

export interface CommandReport {
  readonly command: FundingCommand['type'];
  readonly result: CommandResult;
  /** The domain's refusal code when refused. */
  readonly refusal: DomainErrorCode | null;
  /** Decisions made: 1, plus one for each race lost to another writer. */
  readonly attempts: number;
  /** From arrival to answer, the wait behind earlier commands on the same stream included. */
  readonly seconds: number;
}

export interface AppendReport {
  /** Streams written by the one atomic append. */
  readonly streams: number;
  readonly events: number;
  /** `conflict`: another writer moved a stream first (the command decides again). */
  readonly result: 'appended' | 'conflict' | 'failed';
  readonly seconds: number;
  /** What the store threw, when the append did not land (a conflict or a failure). */
  readonly error?: unknown;
}

/**
 * What the pipeline tells about the commands it runs, for metrics; the API implements it. Called
 * on the write path: implementations count and return, and never throw.
 */
export interface CommandObserver {
  commandEnded(report: CommandReport): void;
  appendEnded(report: AppendReport): void;
}

/** One observer that tells each of several, in order (metrics, readiness). */
export function allObservers(...observers: readonly CommandObserver[]): CommandObserver {
  return {
    commandEnded: (report) => observers.forEach((o) => o.commandEnded(report)),
    appendEnded: (report) => observers.forEach((o) => o.appendEnded(report)),
  };
}
