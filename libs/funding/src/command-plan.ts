import type { FundingEvent } from './funding.events.js';

/**
 * Where an event sits in the global log: a key that sorts as the log does (the event store's
 * `positionKey`), for the rules that depend on the order of arrival across streams.
 */
export interface EventAt {
  readonly position: string;
}

/** A capability's state as the fold of its stream: where it starts and how each event moves it. */
export interface Evolving<State, Event extends FundingEvent> {
  initialState(): State;
  /** `at`: where the event sits in the log; absent when a fold is made without the log (a spec's given events). */
  evolve(state: State, event: Event, at?: EventAt): State;
}

/** One stream a command reads, and how its events fold into the state the decision takes. */
export interface StreamToRead<State> {
  readonly stream: string;
  readonly fold: Evolving<State, FundingEvent>;
}

/** `fold` reads only its own capability's events: a stream holds nothing else (see streamOf). */
export function reading<State, Event extends FundingEvent>(
  fold: Evolving<State, Event>,
  stream: string,
): StreamToRead<State> {
  return { stream, fold: fold as Evolving<State, FundingEvent> };
}

/**
 * Everything needed to run one command, beside its decision: the streams it reads (named as its
 * decision names their states), the stream it is about, the stream whose commands one process runs
 * one at a time, and the decision. One pipeline runs every plan (libs/commands): it loads and folds
 * the streams, decides, and appends each event to the stream streamOf names, with the revision that
 * stream was read at, all streams in one atomic append.
 */
export interface CommandPlan<Command extends { readonly type: string }, State extends object> {
  reads(command: Command): { readonly [Name in keyof State]: StreamToRead<State[Name]> };
  /**
   * Streams to read once the first ones are folded, when which ones depends on what those hold (a
   * call's programme, the members of a bid's single undertaking, a claim's grant and that grant's
   * bid). Asked again with each new state until it names nothing new. Read with the same
   * guarantees: each is appended to, if at all, at the revision it was read at; their states join
   * `state` by name (absent while not read yet).
   */
  alsoReads?(command: Command, state: State): { readonly [Name in keyof State]?: StreamToRead<State[Name]> };
  /**
   * The entity the command is about: If-Match is checked against this stream, and its revision after
   * the write is the ETag. It may be read by `alsoReads`; then `serializeOn` names a first read.
   */
  readonly about: keyof State & string;
  /** The stream that owns the money the command contends for; its commands run one at a time in a process. Default: `about`. */
  readonly serializeOn?: keyof State & string;
  /** Pure: the events the command records, or a DomainError. Time comes in as `now`. */
  decide(command: Command, state: State, now: Date): FundingEvent[];
}
