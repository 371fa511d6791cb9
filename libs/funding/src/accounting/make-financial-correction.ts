import { checkedAct, type AdministrativeAct } from '../acts/administrative-act.js';
import { reading, type CommandPlan } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import { instant } from '../funding.types.js';
import { assertPositiveCents, type Cents } from '../money.js';
import { PROGRAMME, requireProgramme, type Programme } from '../programmes/programme.js';
import { declarationsStream, grantStream, programmeStream } from '../streams.js';
import { assertText } from '../text.js';
import type { CorrectionShare, DeclaredOperation } from './declarations.events.js';
import { FUND_DECLARATIONS, NO_GRANT_DECLARED, openDeclaredCents, type FundDeclarations } from './declarations.js';
import { fundCofinancing } from './fund-grants.js';
import { GRANT_PAYMENTS, type GrantPayments } from './grant-payments.js';

export const CORRECTION_TREATMENTS = ['withdrawal', 'recovery'] as const;
export type CorrectionTreatment = (typeof CORRECTION_TREATMENTS)[number];

export type MakeFinancialCorrection = {
  readonly type: 'MakeFinancialCorrection';
  readonly correctionId: string;
  readonly programmeId: string;
  /** One of the two: the grant corrected, or the measure whose every declared grant is. */
  readonly grantId?: string | null;
  readonly measureId?: string | null;
  /** One of the two: a flat rate of what is declared, or an amount of public contribution. */
  readonly rateBp?: number | null;
  readonly amountCents?: Cents | null;
  /** Withdrawn from the next application (default), or deducted as the beneficiary pays it back. */
  readonly treatment?: CorrectionTreatment;
  readonly reason: string;
  readonly act: AdministrativeAct;
  readonly madeBy: string;
};

type CorrectionState = { programme: Programme; grant?: GrantPayments; declarations?: FundDeclarations };

/**
 * A financial correction (docs/adr/0022): public contribution cancelled on a grant, or across the
 * declared grants of a measure (a flat rate of each; an amount shared in proportion to what each
 * has declared), never more than what is declared of each and not already deducted or corrected.
 * Appended to the fund's account at the revision it read, so two corrections at once cannot both
 * take the same euro.
 */
export const makeFinancialCorrection: CommandPlan<MakeFinancialCorrection, CorrectionState> = {
  reads: (command) => ({
    programme: reading(PROGRAMME, programmeStream(command.programmeId)),
    ...(command.grantId ? { grant: reading(GRANT_PAYMENTS, grantStream(command.grantId)) } : {}),
  }),
  alsoReads(command, state) {
    const measureId = command.measureId ?? (state.grant?.status === 'awarded' ? state.grant.measureId : null);
    const measure =
      state.programme.status === 'established' && measureId ? state.programme.measures.get(measureId) : undefined;
    return measure
      ? { declarations: reading(FUND_DECLARATIONS, declarationsStream(command.programmeId, measure.fund)) }
      : {};
  },
  about: 'declarations',
  serializeOn: 'programme',
  decide(command, state, now) {
    const programme = requireProgramme(state.programme, command.programmeId);
    const grantId = command.grantId ?? null;
    const measureId = command.measureId ?? null;
    if ((grantId === null) === (measureId === null))
      refuse('INVALID_INPUT', 'A correction names a grantId or a measureId, one of the two');
    const rateBp = command.rateBp ?? null;
    const amount = command.amountCents ?? null;
    if ((rateBp === null) === (amount === null))
      refuse('INVALID_INPUT', 'A correction gives a rateBp or an amountCents, one of the two');
    if (rateBp !== null && (!Number.isInteger(rateBp) || rateBp < 1 || rateBp > 10_000))
      refuse('INVALID_INPUT', 'rateBp is 1 to 10000 basis points');
    if (amount !== null) assertPositiveCents(amount, 'correction amount');
    const treatment = command.treatment ?? 'withdrawal';
    if (!CORRECTION_TREATMENTS.includes(treatment))
      refuse('INVALID_INPUT', `treatment is one of ${CORRECTION_TREATMENTS.join(', ')}`);
    assertText(command.reason, 'correction reason', 1_000);
    const act = checkedAct(command.act, now, 'correction');
    const grant = state.grant;
    if (grantId !== null && (grant?.status !== 'awarded' || grant.programmeId !== command.programmeId))
      refuse('GRANT_NOT_FOUND', `Programme ${command.programmeId} has no grant ${grantId}`);
    const measure = programme.measures.get(measureId ?? (grant?.status === 'awarded' ? grant.measureId : ''));
    if (!measure) refuse('MEASURE_NOT_FOUND', `Programme ${command.programmeId} has no measure ${String(measureId)}`);
    fundCofinancing(programme, measure.fund);
    const declarations = state.declarations!;
    if (declarations.correctionIds.has(command.correctionId))
      refuse('CORRECTION_ALREADY_MADE', `Correction ${command.correctionId} is already recorded`);
    // The grants corrected, with what each has open: declared, not deducted, not corrected already.
    const operations = new Map<string, DeclaredOperation>();
    for (const { line } of declarations.declaredPayments.values()) {
      if (grantId !== null ? line.grantId !== grantId : line.measureId !== measure.measureId) continue;
      const { grantId: id, cup, measureId: m, priorityAxis } = line;
      operations.set(id, { grantId: id, cup, measureId: m, priorityAxis });
    }
    const open = [...operations.values()].map((operation) => ({
      operation,
      openCents: Math.max(0, openDeclaredCents(declarations.byGrant.get(operation.grantId) ?? NO_GRANT_DECLARED)),
    }));
    const correctable = open.reduce((sum, o) => sum + o.openCents, 0);
    const amounts =
      rateBp !== null
        ? open.map((o) => Math.floor((o.openCents * rateBp) / 10_000))
        : amount! > correctable
          ? refuse(
              'CORRECTION_EXCEEDS_DECLARED',
              `${amount} cents is more than what is declared and not yet deducted or corrected: ${correctable}`,
              { correctableCents: correctable },
            )
          : shareOut(
              amount!,
              open.map((o) => o.openCents),
            );
    const shares: CorrectionShare[] = open
      .map((o, i) => ({ ...o.operation, amountCents: amounts[i]! }))
      .filter((share) => share.amountCents > 0);
    const total = shares.reduce((sum, s) => sum + s.amountCents, 0);
    if (total === 0)
      refuse('CORRECTION_EXCEEDS_DECLARED', 'Nothing is declared and open to correct there', {
        correctableCents: correctable,
      });
    return [
      {
        type: 'FinancialCorrectionMade',
        data: {
          correctionId: command.correctionId,
          programmeId: command.programmeId,
          fund: measure.fund,
          target: grantId !== null ? { grantId } : { measureId: measure.measureId },
          rateBp,
          amountCents: total,
          shares,
          treatment,
          reason: command.reason,
          act,
          madeBy: command.madeBy,
          madeAt: instant(now),
        },
      },
    ];
  },
};

/**
 * An amount shared in proportion to weights, in whole cents summing to it exactly: each share
 * rounded down, the cents left over one each to the largest remainders (ties to the earlier).
 */
export function shareOut(amount: Cents, weights: readonly Cents[]): Cents[] {
  const total = weights.reduce((sum, w) => sum + w, 0);
  if (total <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => {
    const product = BigInt(amount) * BigInt(w);
    return { whole: Number(product / BigInt(total)), remainder: product % BigInt(total) };
  });
  let left = amount - exact.reduce((sum, e) => sum + e.whole, 0);
  const order = exact
    .map((e, i) => ({ i, remainder: e.remainder }))
    .sort((a, b) => (a.remainder === b.remainder ? a.i - b.i : a.remainder > b.remainder ? -1 : 1));
  const shares = exact.map((e) => e.whole);
  for (const { i } of order) {
    if (left === 0) break;
    shares[i]! += 1;
    left -= 1;
  }
  return shares;
}
