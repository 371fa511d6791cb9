import { reading, type CommandPlan } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import { instant, type Fund } from '../funding.types.js';
import { programmeStream } from '../streams.js';
import { assertCofinancing, type Cofinancing } from '../accounting/cofinancing.js';
import { PROGRAMME, requireProgramme, type Programme } from './programme.js';

export type StateCofinancing = {
  readonly type: 'StateCofinancing';
  readonly programmeId: string;
  readonly fund: Fund;
  readonly cofinancing: Cofinancing;
};

/**
 * States the co-financing split of a fund share established without one (a programme recorded
 * before splits were, or whose split was not known then): once stated it is fixed, since the
 * applications and awards after it are split by it. Event: FundCofinancingStated, on the programme.
 */
export const stateCofinancing: CommandPlan<StateCofinancing, { programme: Programme }> = {
  reads: (command) => ({ programme: reading(PROGRAMME, programmeStream(command.programmeId)) }),
  about: 'programme',
  decide(command, state, now) {
    const programme = requireProgramme(state.programme, command.programmeId);
    const share = programme.funds.find((f) => f.fund === command.fund);
    if (!share)
      refuse('FUND_NOT_IN_PROGRAMME', `Programme ${programme.programmeId} has no ${String(command.fund)} share`);
    if (share.cofinancing !== null)
      refuse(
        'COFINANCING_ALREADY_STATED',
        `The ${share.fund} share of programme ${programme.programmeId} is co-financed ${share.cofinancing.euBp} / ${share.cofinancing.nationalBp} / ${share.cofinancing.regionalBp} already`,
      );
    const cofinancing = assertCofinancing(command.cofinancing, share.fund);
    if (share.euCoFinancingRateBp !== null && share.euCoFinancingRateBp !== cofinancing.euBp)
      refuse(
        'INVALID_INPUT',
        `${share.fund}: the EU share of the split, ${cofinancing.euBp}, differs from the fund's EU co-financing rate, ${share.euCoFinancingRateBp}`,
      );
    return [
      {
        type: 'FundCofinancingStated',
        data: { programmeId: programme.programmeId, fund: share.fund, cofinancing, statedAt: instant(now) },
      },
    ];
  },
};
