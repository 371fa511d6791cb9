import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  ConcurrencyError,
  EVENT_STORE,
  type AppendRequest,
  type EventStore,
  type LogPosition,
  type NewEvent,
} from '@app/event-store';
import { FUNDING_EVENT_SCHEMA_VERSIONS, type FundingEvent } from '@app/funding';
import { CLOCK, type Clock } from '../infrastructure/clock.js';
import { CommandConflictError, StaleRevisionError } from './command-errors.js';
import type { CommandContext } from './command-context.js';

/** A stream folded to its current state, with the revision it was read at (null: no stream yet). */
export interface Loaded<S> {
  readonly stream: string;
  readonly state: S;
  readonly revision: number | null;
}

export interface StreamWrite {
  readonly stream: string;
  readonly expectedRevision: number | null;
  readonly events: readonly FundingEvent[];
}

export interface WriteOutcome {
  /** The entity's own stream and its revision after the write (the ETag). */
  readonly stream: string;
  readonly revision: number;
  /** The global position of the last event written (X-Event-Position). */
  readonly position: LogPosition;
}

/** How many times a command decides again after losing a race before it answers 409. */
export const MAX_ATTEMPTS = 8;

/**
 * What every command handler does: load the streams it needs, fold, decide on fresh state,
 * append with the revisions it read (atomically across streams), and on a conflict do it all
 * again, a bounded number of times. Nothing is published before it is stored: the only output
 * is the append, and projections read the store.
 *
 * Commands on the same entity wait for each other inside this process, so a burst on one call
 * (fifty awards at once) is decided one at a time instead of fifty racing; optimistic
 * concurrency on the store still guards against other processes and against commands whose
 * entity differs but whose streams overlap (an award and a revocation on one call).
 */
@Injectable()
export class FundingWriter {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async load<S, E extends FundingEvent>(stream: string, evolve: (s: S, e: E) => S, initial: S): Promise<Loaded<S>> {
    const events = await this.store.readStream(stream);
    const state = events.reduce((s, recorded) => evolve(s, { type: recorded.type, data: recorded.data } as E), initial);
    return { stream, state, revision: events.length === 0 ? null : events[events.length - 1]!.revision };
  }

  /**
   * Runs `decide` (which loads and decides with the given time) until its writes are appended.
   * `entity` is the stream the command is about: If-Match is checked against it, and its
   * revision after the write is returned. `serializeOn` (default: the entity) is the stream whose
   * commands run one at a time here: the one that owns the contended money.
   */
  write(
    context: CommandContext,
    target: { entity: string; serializeOn?: string },
    decide: (now: Date) => Promise<StreamWrite[]>,
  ): Promise<WriteOutcome> {
    const { entity } = target;
    return this.oneAtATime(target.serializeOn ?? entity, async () => {
      const now = this.clock.now();
      for (let attempt = 1; ; attempt++) {
        const writes = await decide(now);
        const own = writes.find((w) => w.stream === entity);
        if (context.ifMatch !== null && (own?.expectedRevision ?? null) !== context.ifMatch) {
          throw new StaleRevisionError(entity, context.ifMatch, own?.expectedRevision ?? null);
        }
        try {
          return await this.append(context, entity, writes, now);
        } catch (error) {
          if (!(error instanceof ConcurrencyError)) throw error;
          if (context.ifMatch !== null) throw new StaleRevisionError(entity, context.ifMatch, error.stream === entity ? error.actual : null);
          if (attempt >= MAX_ATTEMPTS) throw new CommandConflictError(error.stream, attempt);
          await delay(Math.random() * 5 * attempt);
        }
      }
    });
  }

  private async append(context: CommandContext, entity: string, writes: StreamWrite[], now: Date): Promise<WriteOutcome> {
    const requests: AppendRequest[] = writes
      .filter((w) => w.events.length > 0)
      .map((w) => ({
        stream: w.stream,
        expected: w.expectedRevision === null ? 'no_stream' : w.expectedRevision,
        events: w.events.map((event, i) => this.envelope(context, w.stream, i, event, now)),
      }));
    if (requests.length === 0) throw new Error(`A command on ${entity} decided no events`);
    const results =
      requests.length === 1 ? [await this.store.append(requests[0]!)] : (await this.store.appendMulti(requests)).streams;
    const own = results.find((r) => r.stream === entity) ?? results[0]!;
    const position = results.reduce((last, r) => (r.position.commit > last.commit || (r.position.commit === last.commit && r.position.prepare > last.prepare) ? r.position : last), results[0]!.position);
    return { stream: own.stream, revision: own.revision, position };
  }

  private envelope(context: CommandContext, stream: string, index: number, event: FundingEvent, now: Date): NewEvent {
    return {
      // Derived from the command, so a command retried after an unanswered append is an idempotent append.
      eventId: deterministicUuid(`${context.commandId}:${stream}:${index}`),
      type: event.type,
      schemaVersion: FUNDING_EVENT_SCHEMA_VERSIONS[event.type],
      data: event.data,
      metadata: {
        actor: context.actor,
        correlationId: context.correlationId,
        causationId: context.causationId,
        commandId: context.commandId,
        recordedAt: now.toISOString(),
      },
    };
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

/** A UUID (version 8, name-based) from a name: the same name always gives the same id. */
export function deterministicUuid(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The events a decision gives one loaded stream, with the revision it was read at. */
export function changes(loaded: Loaded<unknown>, events: readonly FundingEvent[]): StreamWrite {
  return { stream: loaded.stream, expectedRevision: loaded.revision, events };
}
