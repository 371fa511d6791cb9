import { reading, type CommandPlan } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import { instant, type Fund } from '../funding.types.js';
import { assertPositiveCents, type Cents } from '../money.js';
import { programmeStream } from '../streams.js';
import { assertText } from '../text.js';
import { PROGRAMME, fundAllocatedCents, requireProgramme, type Programme } from './programme.js';

export type DefineMeasure = {
  readonly type: 'DefineMeasure';
  readonly programmeId: string;
  readonly measureId: string;
  readonly code: string;
  readonly title: string;
  readonly fund: Fund;
  readonly allocationCents: Cents;
  /** Touches health or social or economic hardship: its natural persons are never shown publicly. */
  readonly sensitive?: boolean;
  /** The programme's priority axis or priority it sits under. */
  readonly priorityAxis?: string | null;
};

/**
 * A measure ("misura") allocated from one fund share of its programme, in the programme's stream,
 * which owns the fund shares (invariant 1). Event: MeasureDefined.
 */
export const defineMeasure: CommandPlan<DefineMeasure, { programme: Programme }> = {
  reads: (command) => ({ programme: reading(PROGRAMME, programmeStream(command.programmeId)) }),
  about: 'programme',
  decide(command, state, now) {
    const programme = requireProgramme(state.programme, command.programmeId);
    if (programme.measures.has(command.measureId)) {
      refuse('MEASURE_ALREADY_DEFINED', `Measure ${command.measureId} is already defined`);
    }
    assertText(command.code, 'measure code');
    assertText(command.title, 'measure title');
    if ([...programme.measures.values()].some((m) => m.code === command.code)) {
      refuse('MEASURE_CODE_TAKEN', `Measure code ${command.code} is already used in this programme`);
    }
    assertPositiveCents(command.allocationCents, 'measure allocation');
    const priorityAxis = command.priorityAxis ?? null;
    if (priorityAxis !== null) assertText(priorityAxis, 'priority axis', 64);
    const share = programme.funds.find((f) => f.fund === command.fund);
    if (!share) refuse('FUND_NOT_IN_PROGRAMME', `Programme has no ${command.fund} share`);
    const allocated = fundAllocatedCents(programme, command.fund);
    if (allocated + command.allocationCents > share.amountCents) {
      refuse(
        'FUND_AMOUNT_EXCEEDED',
        `${command.fund} has ${share.amountCents - allocated} cents unallocated, measure asks for ${command.allocationCents}`,
      );
    }
    return [
      {
        type: 'MeasureDefined',
        data: {
          programmeId: command.programmeId,
          measureId: command.measureId,
          code: command.code,
          title: command.title,
          fund: command.fund,
          allocationCents: command.allocationCents,
          sensitive: command.sensitive ?? false,
          priorityAxis,
          definedAt: instant(now),
        },
      },
    ];
  },
};
