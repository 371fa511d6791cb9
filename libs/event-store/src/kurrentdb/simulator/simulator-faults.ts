/**
 * The faults a simulated KurrentDB node can show a client, each as the real client reports it:
 * - `commit-then-fail`: an append is written, then the call fails: DeadlineExceededError (the answer
 *   came too late) or UnavailableError (the connection dropped before the answer);
 * - `unavailable`: a call fails before reaching the node (UnavailableError): nothing is written;
 * - `not-leader`: the node answers an append, or a read that requires the leader, with
 *   NotLeaderError before doing anything (it is a follower);
 * - `drop-subscription`: a live subscription fails as when the node drops it (UnavailableError).
 * One-shot faults (`failNext`) strike the next call they apply to; shares strike calls at random,
 * drawn from a seeded generator so that a run can be repeated.
 */
import { seededRandom } from '../../faults/seeded-random.js';

export const SIMULATED_FAULTS = ['commit-then-fail', 'unavailable', 'not-leader', 'drop-subscription'] as const;
export type SimulatedFault = (typeof SIMULATED_FAULTS)[number];

/** How a `commit-then-fail` reaches the client. */
export type LostAnswer = 'deadline-exceeded' | 'unavailable';

/** The calls a fault can strike. */
export type SimulatedCall = 'append' | 'read' | 'read-from-leader' | 'subscription-event';

export interface InjectedFault {
  readonly fault: SimulatedFault;
  readonly call: SimulatedCall;
  /** For `commit-then-fail`: how the answer was lost. */
  readonly lostAnswer?: LostAnswer;
}

export interface FailNextOptions {
  /** For `commit-then-fail`: how the answer is lost (default: drawn from the generator). */
  readonly lostAnswer?: LostAnswer;
  /** The kind of call to strike (default: the next call the fault applies to). */
  readonly on?: SimulatedCall;
}

export interface SimulatorFaultOptions {
  /** The share (0 to 1) of the calls each fault strikes. */
  readonly shares?: Readonly<Partial<Record<SimulatedFault, number>>>;
  /** Seed of the generator the shares and lost answers are drawn from. Default 1. */
  readonly seed?: number;
}

const STRUCK_BY: Readonly<Record<SimulatedFault, readonly SimulatedCall[]>> = {
  'commit-then-fail': ['append'],
  unavailable: ['append', 'read', 'read-from-leader'],
  'not-leader': ['append', 'read-from-leader'],
  'drop-subscription': ['subscription-event'],
};

export class SimulatorFaults {
  readonly injected: InjectedFault[] = [];
  private readonly pending: Array<{ readonly fault: SimulatedFault } & FailNextOptions> = [];
  private readonly random: () => number;
  private readonly shares: Readonly<Partial<Record<SimulatedFault, number>>>;

  constructor(options: SimulatorFaultOptions = {}) {
    for (const [fault, share] of Object.entries(options.shares ?? {})) {
      if (!(share >= 0 && share <= 1)) throw new RangeError(`The share of ${fault} must be from 0 to 1, got ${share}`);
    }
    this.shares = options.shares ?? {};
    this.random = seededRandom(options.seed ?? 1);
  }

  /** Makes the next call the fault applies to (of the kind `on` names, if given) fail with it. */
  failNext(fault: SimulatedFault, options: FailNextOptions = {}): void {
    if (options.on !== undefined && !STRUCK_BY[fault].includes(options.on))
      throw new RangeError(`${fault} never strikes a ${options.on} call`);
    this.pending.push({ fault, ...options });
  }

  /** The fault striking this call, if any: a pending one-shot first, else a draw against each share. */
  strike(call: SimulatedCall): InjectedFault | null {
    const index = this.pending.findIndex(({ fault, on }) => (on ?? call) === call && STRUCK_BY[fault].includes(call));
    let chosen: ({ readonly fault: SimulatedFault } & FailNextOptions) | undefined;
    if (index >= 0) chosen = this.pending.splice(index, 1)[0];
    else
      chosen = SIMULATED_FAULTS.filter((fault) => STRUCK_BY[fault].includes(call))
        .map((fault) => ({ fault }))
        .find(({ fault }) => this.random() < (this.shares[fault] ?? 0));
    if (chosen === undefined) return null;
    const injected: InjectedFault =
      chosen.fault === 'commit-then-fail'
        ? {
            fault: chosen.fault,
            call,
            lostAnswer: chosen.lostAnswer ?? (this.random() < 0.5 ? 'deadline-exceeded' : 'unavailable'),
          }
        : { fault: chosen.fault, call };
    this.injected.push(injected);
    return injected;
  }
}
