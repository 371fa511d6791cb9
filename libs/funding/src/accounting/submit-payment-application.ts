import { dayInItaly } from '../acts/administrative-act.js';
import { reading, type CommandPlan } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import type { FundingEvent } from '../funding.events.js';
import { FUNDS, instant, type Fund } from '../funding.types.js';
import { PROGRAMME, requireProgramme } from '../programmes/programme.js';
import { INTERIM_PAYMENT_BP_BY_PERIOD } from '../programmes/programme.events.js';
import { declarationsStream, paymentApplicationStream, programmeStream } from '../streams.js';
import { accountingYear, assertDay } from './accounting-year.js';
import { declarable, sumAmounts } from './declarable.js';
import type { AxisTotals, Deduction, PaymentLine } from './declarations.events.js';
import {
  APPLICATION_POINTER,
  FUND_DECLARATIONS,
  type ApplicationPointer,
  type FundDeclarations,
} from './declarations.js';
import { fundCofinancing, fundGrants, fundStreamsToRead, type FundStreams } from './fund-grants.js';

export type SubmitPaymentApplication = {
  readonly type: 'SubmitPaymentApplication';
  readonly applicationId: string;
  readonly programmeId: string;
  readonly fund: Fund;
  /** "2025-2026": 1 July 2025 to 30 June 2026. */
  readonly accountingYear: string;
  /** YYYY-MM-DD, inside the accounting year and not after today. */
  readonly cutOffDate: string;
  /** The accounting officer's principal. */
  readonly submittedBy: string;
};

type ApplicationState = FundStreams & { declarations: FundDeclarations; application: ApplicationPointer };

/** How many grants one application reads (each a stream). */
export const MAX_GRANTS_PER_APPLICATION = 20_000;

/**
 * A payment application of one fund (docs/adr/0022): what `declarable` finds up to the cut-off,
 * totalled by priority axis, with the interim payment the Commission is expected to make. The
 * fund's account is the stream it appends to, at the revision it read: two applications at once are
 * decided one after the other, and the second finds the first one's payments declared.
 */
export const submitPaymentApplication: CommandPlan<SubmitPaymentApplication, ApplicationState> = {
  reads: (command) => ({
    programme: reading(PROGRAMME, programmeStream(command.programmeId)),
    declarations: reading(FUND_DECLARATIONS, declarationsStream(command.programmeId, checkedFund(command.fund))),
    application: reading(APPLICATION_POINTER, paymentApplicationStream(command.applicationId)),
  }),
  alsoReads: (command, state) => fundStreamsToRead(state, command.fund),
  about: 'declarations',
  decide(command, state, now) {
    const programme = requireProgramme(state.programme, command.programmeId);
    if (state.application.status !== 'none')
      refuse('PAYMENT_APPLICATION_ALREADY_SUBMITTED', `Payment application ${command.applicationId} already exists`);
    const cofinancing = fundCofinancing(programme, command.fund);
    const year = accountingYear(command.accountingYear);
    const cutOffDate = assertDay(command.cutOffDate, 'cutOffDate');
    if (cutOffDate < year.from || cutOffDate > year.to)
      refuse(
        'INVALID_INPUT',
        `The cut-off ${cutOffDate} is outside the accounting year ${year.label} (${year.from} to ${year.to})`,
      );
    const today = dayInItaly(now);
    if (cutOffDate > today) refuse('INVALID_INPUT', `The cut-off ${cutOffDate} is after today (${today})`);
    const declarations = state.declarations;
    if (declarations.closedYears.has(year.label))
      refuse('ACCOUNTING_YEAR_CLOSED', `The accounts of ${command.fund} for ${year.label} are submitted`);
    if (declarations.lastCutOff !== null && cutOffDate < declarations.lastCutOff)
      refuse(
        'CUT_OFF_BEFORE_LAST_APPLICATION',
        `The last application of ${command.fund} had its cut-off on ${declarations.lastCutOff}; a new one cannot end before it`,
        { lastCutOffDate: declarations.lastCutOff },
      );
    const grants = fundGrants(state, programme, command.fund);
    if (grants.length > MAX_GRANTS_PER_APPLICATION)
      refuse('INVALID_INPUT', `The fund has more than ${MAX_GRANTS_PER_APPLICATION} grants`);
    const { lines, deductions } = declarable(declarations, grants, cutOffDate, cofinancing);
    if (lines.length === 0 && deductions.length === 0)
      refuse(
        'NOTHING_TO_DECLARE',
        `No payment of ${command.fund} made on verified expenditure up to ${cutOffDate} is left to declare, and nothing to deduct`,
      );
    const totals = sumAmounts([...lines, ...deductions]);
    const interimPaymentBp = INTERIM_PAYMENT_BP_BY_PERIOD[programme.rules.programmingPeriod];
    const events: FundingEvent[] = [
      {
        type: 'PaymentApplicationSubmitted',
        data: {
          applicationId: command.applicationId,
          programmeId: command.programmeId,
          fund: command.fund,
          accountingYear: year.label,
          cutOffDate,
          cofinancing,
          lines,
          deductions,
          totals,
          byAxis: byAxis(lines, deductions),
          interimPaymentBp,
          expectedInterimPaymentCents: Number((BigInt(totals.euShareCents) * BigInt(interimPaymentBp)) / 10_000n),
          submittedBy: command.submittedBy,
          submittedAt: instant(now),
        },
      },
      {
        type: 'PaymentApplicationNumbered',
        data: { applicationId: command.applicationId, programmeId: command.programmeId, fund: command.fund },
      },
    ];
    return events;
  },
};

/** A fund the stream name can carry: anything else is refused before a stream is named. */
export function checkedFund(fund: Fund): Fund {
  if (!FUNDS.includes(fund)) refuse('INVALID_INPUT', `Unknown fund ${String(fund)}; one of ${FUNDS.join(', ')}`);
  return fund;
}

/** Totals per priority axis, in the order axes first appear; each the sum of its lines and deductions. */
function byAxis(lines: readonly PaymentLine[], deductions: readonly Deduction[]): AxisTotals[] {
  const axes = new Map<string | null, Array<PaymentLine | Deduction>>();
  for (const item of [...lines, ...deductions])
    axes.set(item.priorityAxis, [...(axes.get(item.priorityAxis) ?? []), item]);
  return [...axes].map(([priorityAxis, items]) => ({ priorityAxis, ...sumAmounts(items) }));
}
