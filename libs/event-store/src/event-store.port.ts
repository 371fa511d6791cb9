/**
 * The event store port: the only way the product reads or writes events. Adapters: embedded
 * (SQLite, the default) and KurrentDB. Both pass the contract suite in event-store.contract-spec.ts.
 */

/** What the stream must look like for an append to go through. */
export type ExpectedState =
  /** The stream must not exist yet. */
  | 'no_stream'
  /** The stream must have at least one event. */
  | 'exists'
  /** No check. */
  | 'any'
  /** The stream's last event must be at this revision (0-based). */
  | number;

/**
 * A place in the global log. The embedded store numbers events 1, 2, 3… (commit = prepare);
 * KurrentDB gives the commit and prepare positions of its transaction file. Ordered by commit,
 * then prepare.
 */
export interface LogPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export interface EventMetadata {
  /** The principal the command came from (from its API key, never from the request body). */
  readonly actor: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly commandId: string | null;
  /** When the event was recorded, from the clock at the edge. ISO 8601. */
  readonly recordedAt: string;
}

export interface NewEvent {
  /** A UUID; appending the same ids again with the same expected state is an idempotent success. */
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
  readonly metadata: EventMetadata;
}

export interface RecordedEvent<Data = unknown> {
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: Data;
  readonly metadata: EventMetadata;
  readonly stream: string;
  /** 0-based position of the event in its stream. */
  readonly revision: number;
  readonly position: LogPosition;
  /** The hash link of a tamper-evident log (see TamperEvidentLog); absent where the adapter keeps none. */
  readonly link?: string;
}

export interface AppendRequest {
  readonly stream: string;
  readonly expected: ExpectedState;
  readonly events: readonly NewEvent[];
}

export interface AppendResult {
  readonly stream: string;
  /** The revision of the stream's last event after the append. */
  readonly revision: number;
  /** The global position of the last event written (or found, for an idempotent retry). */
  readonly position: LogPosition;
}

export interface MultiAppendResult {
  readonly streams: readonly AppendResult[];
  /** The global position of the last event of the whole append. */
  readonly position: LogPosition;
}

/** Streams are read forwards, from a revision. */
export interface ReadStreamOptions {
  /** Inclusive. Default: the start. */
  readonly fromRevision?: number;
  readonly limit?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Default: from the beginning. */
  readonly after?: LogPosition | null;
  readonly limit?: number;
}

export interface SubscribeOptions {
  /** The checkpoint: every event strictly after it, then live ones. Default: from the beginning. */
  readonly after?: LogPosition | null;
  /**
   * Ends the subscription (the iteration completes) even while it is waiting for the next event,
   * when an iterator's return() would have to wait for that event to arrive.
   */
  readonly signal?: AbortSignal;
}

export type SubscriptionItem =
  | { readonly kind: 'event'; readonly event: RecordedEvent }
  /** Every event that existed when the subscription reached the head has been delivered. */
  | { readonly kind: 'caught-up'; readonly position: LogPosition | null };

export interface EventStore {
  append(request: AppendRequest): Promise<AppendResult>;
  /** All streams or none: one stream's expected state failing writes nothing anywhere. */
  appendMulti(requests: readonly AppendRequest[]): Promise<MultiAppendResult>;
  /** An unknown stream reads as empty. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * Pull-based: the next events are read only when the consumer asks for them, so a slow
   * consumer is never flooded. Ends when the consumer stops iterating (break/return).
   */
  subscribe(options?: SubscribeOptions): AsyncIterable<SubscriptionItem>;
  /** The position of the last event in the log, or null for an empty log. */
  headPosition(): Promise<LogPosition | null>;
  close(): Promise<void>;
}

/** The outcome of recomputing a log's hash chain from its first event. */
export interface ChainVerification {
  readonly ok: boolean;
  /** Events whose links were recomputed. */
  readonly checked: number;
  /** The link of the last event: record it elsewhere to anchor the whole history. */
  readonly headLink: string | null;
  readonly headPosition: LogPosition | null;
  /** The first place where the log does not match its chain. */
  readonly firstBroken: { readonly position: LogPosition; readonly reason: string } | null;
}

/**
 * A log whose every event carries a hash over its content and the previous event's hash, computed
 * when it is appended, so that altering, removing or reordering any stored event is detected.
 */
export interface TamperEvidentLog {
  verifyChain(): Promise<ChainVerification>;
}

export function isTamperEvident(store: unknown): store is TamperEvidentLog {
  return typeof (store as Partial<TamperEvidentLog> | null)?.verifyChain === 'function';
}

export const EVENT_STORE = Symbol('EventStore');
