import {
  ConcurrencyError,
  type AppendRequest,
  type AppendResult,
  type EventStore,
  type ExpectedState,
  type LogPosition,
  type RecordedEvent,
} from '@app/event-store';
import {
  DomainError,
  planOf,
  streamOf,
  type DomainErrorCode,
  type FundingCommand,
  type FundingEvent,
  type StreamToRead,
} from '@app/funding';
import { SpanStatusCode } from '@opentelemetry/api';
import type { Clock } from './clock.js';
import type { CommandContext } from './command-context.js';
import { CommandConflictError, StaleRevisionError } from './command-errors.js';
import type { CommandObserver, CommandResult } from './command-observer.js';
import { inSpan, inSyncSpan } from './command-spans.js';
import { DecidedStateCache } from './decided-state-cache.js';
import { envelope } from './event-envelope.js';
import { outcomeOf, recordedDespite, recordedOutcome, withWrittenUnread } from './recorded-command.js';

/** What a command wrote: the stream it is about at its new revision (the ETag), and where its last event sits in the log. */
export interface CommandOutcome {
  readonly stream: string;
  readonly revision: number;
  readonly position: LogPosition;
}

/** How many times a command decides again after losing a race before it answers 409. */
export const MAX_ATTEMPTS = 8;

/** A stream as read for a decision: its state and the revision it was read at (null: no stream yet). */
interface Loaded {
  readonly state: Record<string, unknown>;
  /** The stream each state was read from, by its name in the plan. */
  readonly streams: ReadonlyMap<string, string>;
  readonly revisions: ReadonlyMap<string, number | null>;
  /** The events this command already recorded in the streams read (a retry of a command that was written): by stream. */
  readonly own: ReadonlyMap<string, readonly RecordedEvent[]>;
}

/** How many times a plan's `alsoReads` is asked before its reads must have settled. */
const MAX_READ_ROUNDS = 4;

/**
 * The one write path: every command runs through here, from HTTP, from the seed and from the tests.
 * For a command's plan it loads the streams the plan reads and folds them (only what was appended
 * since this process last read a stream, folded on the state it kept: DecidedStateCache), checks If-Match on the
 * stream the command is about, decides, and appends each event to its stream with the revision
 * that stream was read at (a stream written but not read must exist), all streams in one atomic
 * append. A conflict means another writer got there first: decide again on fresh state, a bounded
 * number of times, then 409.
 *
 * Commands on the stream a plan serializes on wait for each other inside this process, so a burst
 * on one call (fifty awards at once) is decided one at a time instead of fifty racing; expected
 * revisions still guard against other processes and against commands whose streams overlap.
 * Nothing is published before it is stored: the only output is the append, and projections read the store.
 *
 * One answer per command, whatever happens to the append: every event carries the command's id
 * (its event ids derive from it). A command whose events are already in the streams it reads (a
 * retry after a timeout, a crash, a lost answer) answers what was recorded and appends nothing. An
 * append whose outcome is unknown (timeout, reset, leader change: anything but a conflict or a
 * refused input) is looked for by its event ids before anything else happens; found, it is the
 * answer; not found, the failure goes back to the caller, who retries with the same command id.
 * Never appending again on the unknown outcome is what keeps a payment from being recorded twice on
 * engines that deduplicate event ids only at the revision they were first written at (KurrentDB).
 */
export class CommandPipeline {
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly streams: DecidedStateCache;

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly options: {
      readonly maxAttempts?: number;
      readonly observer?: CommandObserver;
      /** How many streams' decided state is kept between commands (DecidedStateCache). */
      readonly cachedStreams?: number;
    } = {},
  ) {
    this.streams = new DecidedStateCache(store, options.cachedStreams);
  }

  /**
   * Runs a command in a span of its own (`command <type>`, with `read`, `decide <type>` and `append`
   * under it for each attempt) and tells the observer how it ended.
   */
  execute(command: FundingCommand, context: CommandContext): Promise<CommandOutcome> {
    const started = performance.now();
    const attempts = { made: 0 };
    return inSpan(
      `command ${command.type}`,
      { 'ledger.command.type': command.type, 'ledger.command.id': context.commandId },
      async (span) => {
        const ended = (result: CommandResult, refusal: DomainErrorCode | null) => {
          span.setAttributes({
            'ledger.command.attempts': attempts.made,
            'ledger.command.result': result,
            ...(refusal ? { 'ledger.refusal.code': refusal } : {}),
          });
          this.observe((o) =>
            o.commandEnded({
              command: command.type,
              result,
              refusal,
              attempts: attempts.made,
              seconds: secondsSince(started),
            }),
          );
        };
        try {
          const outcome = await this.run(command, context, attempts);
          span.setAttribute('ledger.stream', outcome.stream);
          ended('accepted', null);
          return outcome;
        } catch (error) {
          const { result, refusal } = resultOf(error);
          // A refusal is an answer, not a fault: only a command the product could not write marks its span as failed.
          if (result === 'failed' || result === 'conflict') {
            span.recordException(error instanceof Error ? error : String(error));
            span.setStatus({
              code: SpanStatusCode.ERROR,
              message: error instanceof Error ? error.message : String(error),
            });
          }
          ended(result, refusal);
          throw error;
        }
      },
    );
  }

  private run(command: FundingCommand, context: CommandContext, attempts: { made: number }): Promise<CommandOutcome> {
    const plan = planOf(command);
    const reads = plan.reads(command) as Record<string, StreamToRead<unknown>>;
    // The stream the plan serializes on is among its first reads; the one it is about may come from `alsoReads`.
    const serializeOn = reads[plan.serializeOn ?? plan.about]!.stream;
    const maxAttempts = this.options.maxAttempts ?? MAX_ATTEMPTS;
    return this.oneAtATime(serializeOn, async () => {
      const now = this.clock.now();
      for (let attempt = 1; ; attempt++) {
        attempts.made = attempt;
        const { state, streams, revisions, own } = await inSpan('read', { 'ledger.command.attempt': attempt }, () =>
          this.loadAll(plan, command, reads, context.commandId),
        );
        const about = streams.get(plan.about) ?? serializeOn;
        if (own.size > 0) return recordedOutcome(about, await withWrittenUnread(this.store, own, context.commandId));
        const read = revisions.get(about) ?? null;
        if (context.ifMatch !== null && read !== context.ifMatch)
          throw new StaleRevisionError(about, context.ifMatch, read);
        const events = inSyncSpan(`decide ${command.type}`, { 'ledger.command.attempt': attempt }, (span) => {
          try {
            const decided = plan.decide(command, state, now);
            span.setAttribute('ledger.events', decided.length);
            return decided;
          } catch (error) {
            if (error instanceof DomainError) span.setAttribute('ledger.refusal.code', error.code);
            throw error;
          }
        });
        const requests = appendRequests(context, about, events, revisions, now);
        try {
          return outcomeOf(about, await this.timedAppend(requests));
        } catch (error) {
          // What this process knew of the streams written is in doubt: their next read is a full one.
          this.streams.forget(requests.map((request) => request.stream));
          if (!(error instanceof ConcurrencyError)) {
            const recorded = await recordedDespite(this.store, error, about, requests);
            if (recorded === null) throw error;
            return recorded;
          }
          // If-Match speaks of the stream the command is about: a conflict there is a stale revision (412);
          // one on another stream of the command is a race like any other, decided again on fresh state,
          // where the next read checks If-Match once more.
          if (context.ifMatch !== null && error.stream === about)
            throw new StaleRevisionError(about, context.ifMatch, error.actual);
          if (attempt >= maxAttempts) throw new CommandConflictError(error.stream, attempt);
          await delay(Math.random() * 5 * attempt);
        }
      }
    });
  }

  /**
   * The plan's reads, then those that depend on them (`alsoReads`), asked again with each new state
   * until it names nothing new (a claim names its grant, the grant its bid), as one state and one
   * set of revisions.
   */
  private async loadAll(
    plan: ReturnType<typeof planOf>,
    command: FundingCommand,
    reads: Record<string, StreamToRead<unknown>>,
    commandId: string,
  ): Promise<Loaded> {
    let loaded = await this.load(reads, commandId);
    for (let round = 0; round < MAX_READ_ROUNDS; round++) {
      const asked = (plan.alsoReads?.(command, loaded.state) ?? {}) as Record<
        string,
        StreamToRead<unknown> | undefined
      >;
      const more = Object.fromEntries(
        Object.entries(asked).filter(
          (entry): entry is [string, StreamToRead<unknown>] => entry[1] !== undefined && !(entry[0] in loaded.state),
        ),
      );
      if (Object.keys(more).length === 0) return loaded;
      const then = await this.load(more, commandId);
      loaded = {
        state: { ...loaded.state, ...then.state },
        streams: new Map([...loaded.streams, ...then.streams]),
        revisions: new Map([...loaded.revisions, ...then.revisions]),
        own: new Map([...loaded.own, ...then.own]),
      };
    }
    throw new Error(`${command.type}: its reads did not settle after ${MAX_READ_ROUNDS} rounds`);
  }

  private async load(reads: Record<string, StreamToRead<unknown>>, commandId: string): Promise<Loaded> {
    const loaded = await Promise.all(
      Object.entries(reads).map(async ([name, { stream, fold }]) => ({
        name,
        stream,
        ...(await this.streams.read(stream, fold, commandId)),
      })),
    );
    return {
      state: Object.fromEntries(loaded.map(({ name, state }) => [name, state])),
      streams: new Map(loaded.map(({ name, stream }) => [name, stream])),
      revisions: new Map(loaded.map(({ stream, revision }) => [stream, revision])),
      own: new Map(loaded.filter(({ own }) => own.length > 0).map(({ stream, own }) => [stream, own])),
    };
  }

  /** One atomic append, in its own span, timed for the observer. */
  private timedAppend(requests: readonly AppendRequest[]): Promise<readonly AppendResult[]> {
    const size = { streams: requests.length, events: requests.reduce((n, r) => n + r.events.length, 0) };
    const started = performance.now();
    return inSpan(
      'append',
      { 'ledger.append.streams': size.streams, 'ledger.append.events': size.events },
      async (span) => {
        try {
          const results =
            requests.length === 1
              ? [await this.store.append(requests[0]!)]
              : (await this.store.appendMulti(requests)).streams;
          this.observe((o) => o.appendEnded({ ...size, result: 'appended', seconds: secondsSince(started) }));
          return results;
        } catch (error) {
          const conflict = error instanceof ConcurrencyError;
          span.setAttribute('ledger.append.result', conflict ? 'conflict' : 'failed');
          span.setStatus({
            code: SpanStatusCode.ERROR,
            message: conflict ? 'another writer moved a stream first' : String(error),
          });
          this.observe((o) =>
            o.appendEnded({
              ...size,
              result: conflict ? 'conflict' : 'failed',
              seconds: secondsSince(started),
              error,
            }),
          );
          throw error;
        }
      },
    );
  }

  /** Tells the observer, if any: a failing observer must not turn a command already written into an error. */
  private observe(tell: (observer: CommandObserver) => void): void {
    if (!this.options.observer) return;
    try {
      tell(this.options.observer);
    } catch {
      // Metrics are best effort on the write path.
    }
  }

  private async oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const run = previous.then(work, work);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, settled);
    try {
      return await run;
    } finally {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    }
  }
}

/**
 * A stream the decision read must still be at the revision it was read at; a stream it writes
 * without reading (a release to a call, decided on the grant's stream alone) must exist.
 */
function expectedState(stream: string, revisions: ReadonlyMap<string, number | null>): ExpectedState {
  if (!revisions.has(stream)) return 'exists';
  return revisions.get(stream) ?? 'no_stream';
}

/** The append of a decision: each stream's events at the revision the stream was read at, with ids derived from the command. */
function appendRequests(
  context: CommandContext,
  about: string,
  events: readonly FundingEvent[],
  revisions: ReadonlyMap<string, number | null>,
  now: Date,
): AppendRequest[] {
  const byStream = new Map<string, FundingEvent[]>();
  for (const event of events) {
    const stream = streamOf(event);
    byStream.set(stream, [...(byStream.get(stream) ?? []), event]);
  }
  if (byStream.size === 0) throw new Error(`A command on ${about} decided no events`);
  // The streams the decision read first: a command found again by its events in them finds the rest after them in the log.
  const ordered = [...byStream].sort(([a], [b]) => Number(!revisions.has(a)) - Number(!revisions.has(b)));
  return ordered.map(([stream, streamEvents]) => ({
    stream,
    expected: expectedState(stream, revisions),
    events: streamEvents.map((event, i) => envelope(context, stream, i, event, now)),
  }));
}

function resultOf(error: unknown): { result: CommandResult; refusal: DomainErrorCode | null } {
  if (error instanceof DomainError) return { result: 'refused', refusal: error.code };
  if (error instanceof StaleRevisionError) return { result: 'stale', refusal: null };
  if (error instanceof CommandConflictError) return { result: 'conflict', refusal: null };
  return { result: 'failed', refusal: null };
}

function secondsSince(started: number): number {
  return (performance.now() - started) / 1000;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
