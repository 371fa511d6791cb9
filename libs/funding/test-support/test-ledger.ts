/**
 * The write side as the property tests drive it: the product's CommandPipeline, twice, over one
 * in-memory event store, as two API processes sharing a data directory would be. Each pipeline
 * queues commands on the stream its plan serializes on; between the two, only the expected
 * revisions of the appends keep the money right. Conflicts the store refuses are counted, so a
 * test can show that its interleavings really raced.
 */
import { randomUUID } from 'node:crypto';
import { CommandConflictError, CommandPipeline, type Clock, type CommandContext } from '@app/commands';
import {
  ConcurrencyError,
  InMemoryEventStore,
  type AppendRequest,
  type EventStore,
  type LogPosition,
} from '@app/event-store';
import {
  DomainError,
  FUNDING_EVENT_SCHEMA_VERSIONS,
  streamOf,
  type FundingCommand,
  type FundingEvent,
} from '@app/funding';

export function commandContext(actor = 'spec'): CommandContext {
  return { actor, correlationId: randomUUID(), causationId: null, commandId: randomUUID(), ifMatch: null };
}

/** Appends events as they were recorded: each to the stream it belongs to. */
export async function record(store: EventStore, events: readonly FundingEvent[]): Promise<void> {
  for (const event of events) {
    await store.append(
      appendOutsideCommands(streamOf(event), event, {
        actor: 'given',
        correlationId: 'given',
        recordedAt: '2017-05-22T10:00:00.000Z',
      }),
    );
  }
}

/** The append of one event recorded outside any command, by `actor` on `correlationId`. */
export function appendOutsideCommands(
  stream: string,
  event: FundingEvent,
  by: { readonly actor: string; readonly correlationId: string; readonly recordedAt: string },
): AppendRequest {
  return {
    stream,
    expected: 'any',
    events: [
      {
        eventId: randomUUID(),
        type: event.type,
        schemaVersion: FUNDING_EVENT_SCHEMA_VERSIONS[event.type],
        data: event.data,
        metadata: {
          actor: by.actor,
          correlationId: by.correlationId,
          causationId: null,
          commandId: null,
          recordedAt: by.recordedAt,
        },
      },
    ],
  };
}

export interface LoggedEvent {
  readonly stream: string;
  readonly event: FundingEvent;
}

export type Outcome = { kind: 'accepted' } | { kind: 'refused'; code: string } | { kind: 'conflict' };

/** Counts the appends the store refused for a stale expected state. */
class CountingStore extends InMemoryEventStore {
  conflicts = 0;

  override async append(request: AppendRequest) {
    return this.counted(() => super.append(request));
  }

  override async appendMulti(requests: readonly AppendRequest[]) {
    return this.counted(() => super.appendMulti(requests));
  }

  private async counted<T>(append: () => Promise<T>): Promise<T> {
    try {
      return await append();
    } catch (error) {
      if (error instanceof ConcurrencyError) this.conflicts++;
      throw error;
    }
  }
}

export class TestLedger {
  private readonly counting = new CountingStore();
  readonly store: EventStore = this.counting;
  private now = new Date(0);
  private readonly clock: Clock = { now: () => this.now };
  /** Two processes on one store. */
  readonly processes: readonly CommandPipeline[];
  /** Every event recorded so far, in log order. */
  readonly log: LoggedEvent[] = [];
  private seen: LogPosition | null = null;
  private reading: Promise<void> = Promise.resolve();

  constructor(options: { maxAttempts?: number } = {}) {
    this.processes = [
      new CommandPipeline(this.store, this.clock, options),
      new CommandPipeline(this.store, this.clock, options),
    ];
  }

  get conflicts(): number {
    return this.counting.conflicts;
  }

  at(now: Date): this {
    this.now = now;
    return this;
  }

  async execute(command: FundingCommand, process = 0): Promise<Outcome> {
    try {
      await this.processes[process % this.processes.length]!.execute(command, commandContext(`process-${process}`));
      return { kind: 'accepted' };
    } catch (error) {
      if (error instanceof DomainError) return { kind: 'refused', code: error.code };
      if (error instanceof CommandConflictError) return { kind: 'conflict' };
      throw error;
    } finally {
      await this.catchUp();
    }
  }

  /** The commands sent at once, alternately through each process: they are decided on the same state and race to append. */
  executeConcurrently(commands: readonly FundingCommand[]): Promise<Outcome[]> {
    return Promise.all(commands.map((command, i) => this.execute(command, i)));
  }

  /** Reads what was appended since the last look into `log` (one reader at a time). */
  private catchUp(): Promise<void> {
    this.reading = this.reading.then(() => this.readNew());
    return this.reading;
  }

  private async readNew(): Promise<void> {
    for (const recorded of await this.store.readAll({ after: this.seen })) {
      this.log.push({ stream: recorded.stream, event: { type: recorded.type, data: recorded.data } as FundingEvent });
      this.seen = recorded.position;
    }
  }
}
