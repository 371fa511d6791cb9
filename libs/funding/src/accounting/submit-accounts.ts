import { checkedAct, dayInItaly, type AdministrativeAct } from '../acts/administrative-act.js';
import { reading, type CommandPlan } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import { instant, type Fund } from '../funding.types.js';
import { PROGRAMME, requireProgramme } from '../programmes/programme.js';
import { declarationsStream, programmeStream } from '../streams.js';
import { accountingYear } from './accounting-year.js';
import { addAmounts, sumAmounts } from './declarable.js';
import type { DeclaredAmounts, LineUnderAssessment } from './declarations.events.js';
import { FUND_DECLARATIONS, NO_GRANT_DECLARED, openDeclaredCents, type FundDeclarations } from './declarations.js';
import { fundCofinancing, fundGrants, fundStreamsToRead, type FundStreams } from './fund-grants.js';
import { checkedFund } from './submit-payment-application.js';

export type SubmitAccounts = {
  readonly type: 'SubmitAccounts';
  readonly programmeId: string;
  readonly fund: Fund;
  readonly accountingYear: string;
  readonly act: AdministrativeAct;
  /** Payments declared in the year whose expenditure is under assessment: left out, declared again later. */
  readonly underAssessment?: readonly string[];
  readonly submittedBy: string;
};

type AccountsState = FundStreams & { declarations: FundDeclarations };

const negate = (a: DeclaredAmounts): DeclaredAmounts => ({
  eligibleExpenditureCents: -a.eligibleExpenditureCents,
  publicContributionCents: -a.publicContributionCents,
  euShareCents: -a.euShareCents,
  nationalShareCents: -a.nationalShareCents,
  regionalShareCents: -a.regionalShareCents,
});

/**
 * The accounts of one fund and accounting year (docs/adr/0022), once the year has ended: the year's
 * applications, what they declared, withdrew and deducted as recovered, the lines left out while
 * assessed, and what stays to recover or was written off. The accounted amounts are the sum of the
 * year's applications less the lines left out, to the cent; after them no application is made for
 * the year (ACCOUNTING_YEAR_CLOSED).
 */
export const submitAccounts: CommandPlan<SubmitAccounts, AccountsState> = {
  reads: (command) => ({
    programme: reading(PROGRAMME, programmeStream(command.programmeId)),
    declarations: reading(FUND_DECLARATIONS, declarationsStream(command.programmeId, checkedFund(command.fund))),
  }),
  alsoReads: (command, state) => fundStreamsToRead(state, command.fund),
  about: 'declarations',
  decide(command, state, now) {
    const programme = requireProgramme(state.programme, command.programmeId);
    fundCofinancing(programme, command.fund);
    const year = accountingYear(command.accountingYear);
    const today = dayInItaly(now);
    if (today <= year.to)
      refuse(
        'ACCOUNTING_YEAR_NOT_ENDED',
        `The accounting year ${year.label} ends on ${year.to}; its accounts follow it`,
      );
    const declarations = state.declarations;
    if (declarations.closedYears.has(year.label))
      refuse('ACCOUNTS_ALREADY_SUBMITTED', `The accounts of ${command.fund} for ${year.label} are already submitted`);
    const act = checkedAct(command.act, now, 'accounts');
    const applications = declarations.applications.filter((a) => a.accountingYear === year.label);
    // What each grant has declared and not yet taken back: a payment leaves the accounts only from that.
    const open = new Map<string, number>();
    const underAssessment: LineUnderAssessment[] = [...new Set(command.underAssessment ?? [])].map((disbursementId) => {
      const declared = declarations.declaredPayments.get(disbursementId);
      if (!declared || !applications.some((a) => a.applicationId === declared.applicationId))
        refuse(
          'NOT_UNDER_ASSESSMENT',
          `Payment ${disbursementId} is not declared in an application of ${year.label}: only those can be left out`,
        );
      const { grantId, publicContributionCents } = declared.line;
      const left = open.get(grantId) ?? openDeclaredCents(declarations.byGrant.get(grantId) ?? NO_GRANT_DECLARED);
      if (publicContributionCents > left)
        refuse(
          'NOT_UNDER_ASSESSMENT',
          `Payment ${disbursementId} cannot be left out: grant ${grantId} has ${left} cents declared and not already deducted or corrected, the payment ${publicContributionCents}`,
        );
      open.set(grantId, left - publicContributionCents);
      const { disbursementId: _id, kind: _kind, paidOn: _paidOn, claimIds: _claims, ...amounts } = declared.line;
      return { ...amounts, disbursementId, applicationId: declared.applicationId };
    });
    const declared = sumAmounts(applications.flatMap((a) => a.lines));
    const withdrawn = sumAmounts(applications.flatMap((a) => a.deductions.filter((d) => d.kind === 'withdrawal')));
    const recovered = sumAmounts(applications.flatMap((a) => a.deductions.filter((d) => d.kind === 'recovery')));
    const accounted = addAmounts(sumAmounts([declared, withdrawn, recovered]), negate(sumAmounts(underAssessment)));
    const grants = fundGrants(state, programme, command.fund);
    const declaredGrants = new Set(declarations.byGrant.keys());
    let irrecoverableCents = 0;
    for (const { grant } of grants) {
      if (!declaredGrants.has(grant.grantId)) continue;
      for (const writeOff of grant.writeOffs)
        if (writeOff.on >= year.from && writeOff.on <= year.to) irrecoverableCents += writeOff.amountCents;
    }
    const toBeRecoveredCents = [...declarations.byGrant.values()].reduce((sum, g) => sum + g.toRecoverCents, 0);
    const receivedCents = applications.reduce((sum, a) => sum + a.receivedCents, 0);
    return [
      {
        type: 'AccountsSubmitted',
        data: {
          programmeId: command.programmeId,
          fund: command.fund,
          accountingYear: year.label,
          act,
          applications: applications.map((a) => ({
            applicationId: a.applicationId,
            cutOffDate: a.cutOffDate,
            ...a.totals,
          })),
          declared,
          withdrawn,
          recovered,
          underAssessment,
          accounted,
          toBeRecoveredCents,
          irrecoverableCents,
          receivedCents,
          balanceCents: accounted.euShareCents - receivedCents,
          submittedBy: command.submittedBy,
          submittedAt: instant(now),
        },
      },
    ];
  },
};
