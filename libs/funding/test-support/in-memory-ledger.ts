/**
 * A test double of the write side: streams with optimistic concurrency and an atomic multi-stream
 * append, and a runner that loads the streams a command needs, folds, decides and appends exactly
 * as the command handlers do. The property tests drive it with random commands and interleavings.
 */
import * as bids from '../src/bids/bid.decider.js';
import * as calls from '../src/calls/call.decider.js';
import { DomainError } from '../src/domain-error.js';
import type { FundingEvent } from '../src/funding.events.js';
import * as grants from '../src/grants/grant.decider.js';
import * as programmes from '../src/programmes/programme.decider.js';
import { bidStream, callStream, grantStream, programmeStream } from '../src/streams.js';
import type { BidEvent } from '../src/bids/bid.events.js';
import type { CallEvent } from '../src/calls/call.events.js';
import type { GrantEvent } from '../src/grants/grant.events.js';
import type { ProgrammeEvent } from '../src/programmes/programme.events.js';

export type FundingCommand =
  | programmes.ProgrammeCommand
  | calls.CallCommand
  | bids.BidCommand
  | grants.GrantCommand;

export interface RecordedEvent {
  readonly stream: string;
  readonly event: FundingEvent;
}

export interface PendingWrite {
  readonly stream: string;
  /** -1: the stream must not exist yet. */
  readonly expectedRevision: number;
  readonly events: readonly FundingEvent[];
}

export type Outcome = { kind: 'accepted' } | { kind: 'refused'; code: string } | { kind: 'conflict' };

export class InMemoryLedger {
  private readonly streams = new Map<string, FundingEvent[]>();
  readonly log: RecordedEvent[] = [];
  /** Appends refused because a stream had moved on since the decision. */
  conflicts = 0;

  read<E extends FundingEvent>(stream: string): { events: E[]; revision: number } {
    const events = (this.streams.get(stream) ?? []) as E[];
    return { events, revision: events.length - 1 };
  }

  /** All or nothing: one stale expected revision and no stream is written. */
  append(writes: readonly PendingWrite[]): boolean {
    const nonEmpty = writes.filter((w) => w.events.length > 0);
    if (nonEmpty.some((w) => this.read(w.stream).revision !== w.expectedRevision)) {
      this.conflicts++;
      return false;
    }
    for (const write of nonEmpty) {
      const events = this.streams.get(write.stream) ?? [];
      events.push(...write.events);
      this.streams.set(write.stream, events);
      for (const event of write.events) this.log.push({ stream: write.stream, event });
    }
    return true;
  }

  /** Decides a command on the current state: the writes it would make, or its refusal. */
  decide(command: FundingCommand, now: Date): PendingWrite[] {
    const load = <S, E extends FundingEvent>(stream: string, evolve: (s: S, e: E) => S, initial: S) => {
      const { events, revision } = this.read<E>(stream);
      return { stream, revision, state: events.reduce(evolve, initial) };
    };
    const programme = (id: string) => load<programmes.Programme, ProgrammeEvent>(programmeStream(id), programmes.evolve, programmes.initialProgramme);
    const call = (id: string) => load<calls.Call, CallEvent>(callStream(id), calls.evolve, calls.initialCall);
    const bid = (id: string) => load<bids.Bid, BidEvent>(bidStream(id), bids.evolve, bids.initialBid);
    const grant = (id: string) => load<grants.Grant, GrantEvent>(grantStream(id), grants.evolve, grants.initialGrant);
    const write = (loaded: { stream: string; revision: number }, events: readonly FundingEvent[]): PendingWrite => ({
      stream: loaded.stream,
      expectedRevision: loaded.revision,
      events,
    });

    switch (command.type) {
      case 'EstablishProgramme':
      case 'DefineMeasure': {
        const p = programme(command.programmeId);
        return [write(p, programmes.decide(command, p.state, now))];
      }
      case 'OpenCall':
      case 'CloseCall':
      case 'CancelCall': {
        const c = call(command.callId);
        const programmeId = command.type === 'OpenCall' ? command.programmeId : c.state.status === 'none' ? '' : c.state.programmeId;
        const p = programme(programmeId);
        const decision = calls.decide(command, { call: c.state, programme: p.state }, now);
        return [write(c, decision.call), write(p, decision.programme)];
      }
      case 'SubmitBid':
      case 'WithdrawBid':
      case 'EvaluateBid': {
        const b = bid(command.bidId);
        const callId = command.type === 'SubmitBid' ? command.callId : b.state.status === 'none' ? '' : b.state.callId;
        const c = call(callId);
        return [write(b, bids.decide(command, { bid: b.state, call: c.state }, now))];
      }
      case 'AwardGrant':
      case 'RecordDisbursement':
      case 'RevokeGrant': {
        const g = grant(command.grantId);
        const existing = g.state.status === 'none' ? undefined : g.state;
        const c = call(command.type === 'AwardGrant' ? command.callId : (existing?.callId ?? ''));
        const b = bid(command.type === 'AwardGrant' ? command.bidId : (existing?.bidId ?? ''));
        const decision = grants.decide(command, { grant: g.state, call: c.state, bid: b.state }, now);
        return [write(g, decision.grant), write(c, decision.call), write(b, decision.bid)];
      }
      default: {
        const unhandled: never = command;
        throw new Error(`Unhandled command ${JSON.stringify(unhandled)}`);
      }
    }
  }

  /** What a handler does: decide on fresh state, append, and on a conflict retry a bounded number of times. */
  execute(command: FundingCommand, now: Date, maxAttempts = 3): Outcome {
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const outcome = this.attempt(() => this.decide(command, now));
      if (outcome.kind !== 'conflict') return outcome;
    }
    return { kind: 'conflict' };
  }

  attempt(decide: () => PendingWrite[]): Outcome {
    let writes: PendingWrite[];
    try {
      writes = decide();
    } catch (error) {
      if (error instanceof DomainError) return { kind: 'refused', code: error.code };
      throw error;
    }
    return this.append(writes) ? { kind: 'accepted' } : { kind: 'conflict' };
  }

  /**
   * Commands decided all on the same state, then appended one after the other in the order
   * given: each finds the streams the ones before it wrote at a later revision and must go
   * round again (bounded retries), as concurrent requests do.
   */
  executeConcurrently(commands: readonly FundingCommand[], now: Date): Outcome[] {
    type Decided = { command: FundingCommand; writes: PendingWrite[] } | { command: FundingCommand; refused: string };
    const decided = commands.map((command): Decided => {
      try {
        return { command, writes: this.decide(command, now) };
      } catch (error) {
        if (error instanceof DomainError) return { command, refused: error.code };
        throw error;
      }
    });
    return decided.map((d): Outcome => {
      if ('refused' in d) return { kind: 'refused', code: d.refused };
      if (this.append(d.writes)) return { kind: 'accepted' };
      return this.execute(d.command, now);
    });
  }
}
