/**
 * The faults a store can be made to show (FaultyEventStore), and their setting's text form:
 * `commit-then-fail:0.05,unavailable:0.02,drop-subscription:0.01`, each fault with the share of
 * calls it strikes. A clock skew is not a fault of the store: it is injected at the clock.
 */

export const EVENT_STORE_FAULTS = [
  /** An append is written, and its answer lost: the caller sees AppendOutcomeUnknownError. */
  'commit-then-fail',
  /** A call fails before it reaches the store: EventStoreUnavailableError, nothing written. */
  'unavailable',
  /** A leader election mid-call: on appends alternately before the write (unavailable) and after it (written, outcome unknown). */
  'leader-change',
  /** A live subscription ends with EventStoreUnavailableError instead of delivering its next event. */
  'drop-subscription',
] as const;

export type EventStoreFault = (typeof EVENT_STORE_FAULTS)[number];

/** The share of calls (0 to 1) each fault strikes; a fault not named never strikes. */
export type EventStoreFaults = Readonly<Partial<Record<EventStoreFault, number>>>;

/** The faults' text was refused; `part` is the piece at fault, as written. */
export class InvalidEventStoreFaultsError extends Error {
  override readonly name = 'InvalidEventStoreFaultsError';

  constructor(
    readonly part: string,
    reason: string,
  ) {
    super(`${JSON.stringify(part)}: ${reason}`);
  }
}

const SHARE = /^(?:\d+(?:\.\d+)?|\.\d+)$/;

/**
 * `<fault>:<share>` pairs separated by commas, spaces around each ignored; an empty text is no
 * fault. Unknown faults, a fault named twice and shares outside [0, 1] are refused, naming the part.
 */
export function parseEventStoreFaults(text: string): EventStoreFaults {
  const faults: Partial<Record<EventStoreFault, number>> = {};
  if (text.trim() === '') return faults;
  for (const raw of text.split(',')) {
    const part = raw.trim();
    const separator = part.lastIndexOf(':');
    if (separator < 0) throw new InvalidEventStoreFaultsError(part, 'expected <fault>:<share>, e.g. unavailable:0.02');
    const name = part.slice(0, separator).trim();
    const shareText = part.slice(separator + 1).trim();
    const fault = EVENT_STORE_FAULTS.find((known) => known === name);
    if (!fault)
      throw new InvalidEventStoreFaultsError(
        part,
        `unknown fault ${JSON.stringify(name)} (known: ${EVENT_STORE_FAULTS.join(', ')})`,
      );
    if (fault in faults) throw new InvalidEventStoreFaultsError(part, `${fault} is named more than once`);
    const share = Number(shareText);
    if (!SHARE.test(shareText) || !(share >= 0 && share <= 1))
      throw new InvalidEventStoreFaultsError(
        part,
        `the share must be a number from 0 to 1, got ${JSON.stringify(shareText)}`,
      );
    faults[fault] = share;
  }
  return faults;
}

/** The text form again, faults in their canonical order (for the log line a process writes when it starts with faults). */
export function formatEventStoreFaults(faults: EventStoreFaults): string {
  return EVENT_STORE_FAULTS.filter((fault) => faults[fault] !== undefined)
    .map((fault) => `${fault}:${faults[fault]}`)
    .join(',');
}
