import { reading, type CommandPlan } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import { instant } from '../funding.types.js';
import type { Cents } from '../money.js';
import { irregularityStream } from '../streams.js';
import { assertText } from '../text.js';
import { IRREGULARITY_STATUSES, type IrregularityStatus } from './irregularity.events.js';
import { IRREGULARITY, requireIrregularity, type Irregularity } from './irregularity.js';

export type FollowUpIrregularity = {
  readonly type: 'FollowUpIrregularity';
  readonly irregularityId: string;
  readonly status: IrregularityStatus;
  /** Corrected to date, cumulative; null: as before. */
  readonly correctedCents: Cents | null;
  /** Recovered to date, cumulative; null: as before. */
  readonly recoveredCents: Cents | null;
  readonly note: string | null;
  readonly followedUpBy: string;
};

/**
 * Where the case of an irregularity stands now (the follow-up reported to OLAF each quarter): its
 * status and the amounts corrected and recovered to date, each at most the irregular amount. A
 * closed irregularity takes no more follow-up.
 */
export const followUpIrregularity: CommandPlan<FollowUpIrregularity, { irregularity: Irregularity }> = {
  reads: (command) => ({ irregularity: reading(IRREGULARITY, irregularityStream(command.irregularityId)) }),
  about: 'irregularity',
  decide(command, state, now) {
    const irregularity = requireIrregularity(state.irregularity, command.irregularityId);
    if (irregularity.status === 'closed')
      refuse(
        'IRREGULARITY_CLOSED',
        `Irregularity ${irregularity.irregularityId} is closed; it takes no more follow-up`,
      );
    if (!IRREGULARITY_STATUSES.includes(command.status))
      refuse('INVALID_INPUT', `status is one of ${IRREGULARITY_STATUSES.join(', ')}, got ${String(command.status)}`);
    const correctedCents = toDate(command.correctedCents, irregularity.correctedCents, 'correctedCents', irregularity);
    const recoveredCents = toDate(command.recoveredCents, irregularity.recoveredCents, 'recoveredCents', irregularity);
    const note = command.note === null ? null : assertText(command.note, 'note', 2_000);
    return [
      {
        type: 'IrregularityFollowedUp',
        data: {
          irregularityId: irregularity.irregularityId,
          grantId: irregularity.grantId,
          status: command.status,
          correctedCents,
          recoveredCents,
          note,
          followedUpBy: command.followedUpBy,
          followedUpAt: instant(now),
        },
      },
    ];
  },
};

/** An amount to date: the one given (a whole number of cents from 0 to the irregular amount), or the last one. */
function toDate(
  given: Cents | null,
  before: Cents,
  what: string,
  irregularity: { readonly irregularAmountCents: Cents },
): Cents {
  if (given === null) return before;
  if (!Number.isSafeInteger(given) || given < 0 || given > irregularity.irregularAmountCents)
    refuse(
      'INVALID_INPUT',
      `${what} is a whole number of cents from 0 to the irregular amount of ${irregularity.irregularAmountCents}, got ${String(given)}`,
    );
  return given;
}
