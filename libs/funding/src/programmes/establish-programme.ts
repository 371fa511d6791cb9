import { reading, type CommandPlan } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import { instant, type Fund } from '../funding.types.js';
import { assertPositiveCents } from '../money.js';
import { programmeStream } from '../streams.js';
import { assertText } from '../text.js';
import { PROGRAMME, type Programme } from './programme.js';
import { assertCofinancing, type Cofinancing } from '../accounting/cofinancing.js';
import type { FundShare } from './programme.events.js';
import { assertEligibilityPeriod } from './eligibility.js';
import {
  DEFAULT_PROGRAMME_RULES,
  ELIGIBILITY_BY_PERIOD,
  PROGRAMMING_PERIODS,
  type ProgrammeRules,
} from './programme.events.js';

export type EstablishProgramme = {
  readonly type: 'EstablishProgramme';
  readonly programmeId: string;
  readonly code: string;
  readonly title: string;
  readonly funds: ReadonlyArray<{
    readonly fund: Fund;
    readonly amountCents: number;
    readonly euCoFinancingRateBp?: number | null;
    /** EU / national / regional, summing to 10,000 basis points; its EU share is the EU co-financing rate. */
    readonly cofinancing?: Cofinancing | null;
  }>;
  /**
   * Absent: DEFAULT_PROGRAMME_RULES (EU Reg. 2021/1060 art. 82 retention, 60 days to appeal); an
   * absent eligibility period is its programming period's (ELIGIBILITY_BY_PERIOD).
   */
  readonly rules?: Partial<ProgrammeRules> | null;
};

/** A programme with its EU fund shares (e.g. WECARE: FSE EUR 15M, FESR EUR 5M). Event: ProgrammeEstablished. */
export const establishProgramme: CommandPlan<EstablishProgramme, { programme: Programme }> = {
  reads: (command) => ({ programme: reading(PROGRAMME, programmeStream(command.programmeId)) }),
  about: 'programme',
  decide(command, { programme }, now) {
    if (programme.status !== 'none') {
      refuse('PROGRAMME_ALREADY_ESTABLISHED', `Programme ${command.programmeId} is already established`);
    }
    assertText(command.code, 'programme code');
    assertText(command.title, 'programme title');
    if (command.funds.length === 0) refuse('INVALID_INPUT', 'A programme needs at least one fund share');
    const seen = new Set<Fund>();
    const funds: FundShare[] = [];
    for (const share of command.funds) {
      if (seen.has(share.fund)) refuse('DUPLICATE_FUND', `Fund ${share.fund} appears more than once`);
      seen.add(share.fund);
      assertPositiveCents(share.amountCents, `${share.fund} amount`);
      const given = share.euCoFinancingRateBp ?? null;
      if (given !== null && (!Number.isInteger(given) || given < 0 || given > 10_000))
        refuse('INVALID_INPUT', `${share.fund} co-financing rate must be 0 to 10000 basis points`);
      const cofinancing = share.cofinancing == null ? null : assertCofinancing(share.cofinancing, share.fund);
      if (cofinancing !== null && given !== null && given !== cofinancing.euBp)
        refuse(
          'INVALID_INPUT',
          `${share.fund}: euCoFinancingRateBp ${given} differs from the EU share of its co-financing, ${cofinancing.euBp}`,
        );
      funds.push({
        fund: share.fund,
        amountCents: share.amountCents,
        euCoFinancingRateBp: cofinancing?.euBp ?? given,
        cofinancing,
      });
    }
    const given = command.rules ?? {};
    const rules: ProgrammeRules = { ...DEFAULT_PROGRAMME_RULES, ...given };
    if (!PROGRAMMING_PERIODS.includes(rules.programmingPeriod))
      refuse('INVALID_INPUT', `Unknown programming period ${String(rules.programmingPeriod)}`);
    const eligibility = assertEligibilityPeriod(given.eligibility ?? ELIGIBILITY_BY_PERIOD[rules.programmingPeriod]);
    assertPositiveCents(rules.deMinimis.ceilingCents, 'de minimis ceiling');
    if (
      !Number.isInteger(rules.deMinimis.windowYears) ||
      rules.deMinimis.windowYears < 1 ||
      rules.deMinimis.windowYears > 10
    ) {
      refuse('INVALID_INPUT', 'The de minimis window is 1 to 10 years');
    }
    for (const list of [rules.interventionTypes, rules.specificObjectives]) {
      if (list !== null && (list.length === 0 || list.length > 500))
        refuse('INVALID_INPUT', 'A code list has 1 to 500 codes, or is absent');
      for (const code of list ?? []) assertText(code, 'code', 64);
    }
    if (
      !['last-payment', 'award'].includes(rules.retention.from) ||
      !Number.isInteger(rules.retention.years) ||
      rules.retention.years < 1 ||
      rules.retention.years > 50
    ) {
      refuse('INVALID_INPUT', 'A retention rule counts 1 to 50 years from the last payment or from the award');
    }
    if (!Number.isInteger(rules.appealWindowDays) || rules.appealWindowDays < 0 || rules.appealWindowDays > 3650) {
      refuse('INVALID_INPUT', 'The appeal window is 0 to 3650 days');
    }
    return [
      {
        type: 'ProgrammeEstablished',
        data: {
          programmeId: command.programmeId,
          code: command.code,
          title: command.title,
          funds,
          rules: {
            programmingPeriod: rules.programmingPeriod,
            eligibility,
            retention: { from: rules.retention.from, years: rules.retention.years },
            appealWindowDays: rules.appealWindowDays,
            deMinimis: { ceilingCents: rules.deMinimis.ceilingCents, windowYears: rules.deMinimis.windowYears },
            interventionTypes: rules.interventionTypes === null ? null : [...rules.interventionTypes],
            specificObjectives: rules.specificObjectives === null ? null : [...rules.specificObjectives],
          },
          establishedAt: instant(now),
        },
      },
    ];
  },
};
