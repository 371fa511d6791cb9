import { coveredCents } from '../figures.js';
import type { Cents } from '../money.js';
import { splitContribution, type Cofinancing } from './cofinancing.js';
import type { Deduction, DeclaredAmounts, DeclaredOperation, PaymentLine } from './declarations.events.js';
import { NO_GRANT_DECLARED, type FundDeclarations, type GrantDeclared } from './declarations.js';
import type { AwardedGrantPayments } from './grant-payments.js';

/** A grant of the fund, with where its totals go. */
export interface FundGrant {
  readonly grant: AwardedGrantPayments;
  readonly priorityAxis: string | null;
}

export const ZERO_AMOUNTS: DeclaredAmounts = {
  eligibleExpenditureCents: 0,
  publicContributionCents: 0,
  euShareCents: 0,
  nationalShareCents: 0,
  regionalShareCents: 0,
};

export function addAmounts(a: DeclaredAmounts, b: DeclaredAmounts): DeclaredAmounts {
  return {
    eligibleExpenditureCents: a.eligibleExpenditureCents + b.eligibleExpenditureCents,
    publicContributionCents: a.publicContributionCents + b.publicContributionCents,
    euShareCents: a.euShareCents + b.euShareCents,
    nationalShareCents: a.nationalShareCents + b.nationalShareCents,
    regionalShareCents: a.regionalShareCents + b.regionalShareCents,
  };
}

export const sumAmounts = (items: readonly DeclaredAmounts[]): DeclaredAmounts =>
  items.reduce<DeclaredAmounts>(addAmounts, ZERO_AMOUNTS);

/** Public contribution (signed) with its expenditure, split by the fund's co-financing. */
export function amountsOf(eligibleCents: Cents, publicCents: Cents, cofinancing: Cofinancing): DeclaredAmounts {
  const split = splitContribution(publicCents, cofinancing);
  return {
    eligibleExpenditureCents: eligibleCents,
    publicContributionCents: publicCents,
    euShareCents: split.euCents,
    nationalShareCents: split.nationalCents,
    regionalShareCents: split.regionalCents,
  };
}

/**
 * The expenditure behind an amount of a grant's declared public contribution: at the ratio the
 * grant's declarations stand at, rounded toward zero (computed in integers).
 */
function expenditureBehind(publicCents: Cents, grant: GrantDeclared): Cents {
  if (grant.declaredPublicCents <= 0) return 0;
  return Number((BigInt(publicCents) * BigInt(grant.declaredEligibleCents)) / BigInt(grant.declaredPublicCents));
}

/**
 * What a payment application with this cut-off declares of a fund (docs/adr/0022):
 *
 * - Lines: each payment made on or before the cut-off and not declared before. An interim or final
 *   payment settles a verified claim, so it is declared at once. An advance is declared once
 *   verified expenditure covers it: when the grant's payments up to and including it, less what
 *   was recovered by the cut-off, are no more than what the claims verified by then entitle the
 *   grant to (the funding rate times their eligible expenditure, up to the award). The eligible
 *   expenditure of claims verified by the cut-off and not declared goes with the grant's first line.
 * - Deductions: recoveries received by the cut-off and not deducted, up to what is declared of the
 *   grant and not yet taken back; then every correction withdrawn since the last application.
 */
export function declarable(
  declarations: FundDeclarations,
  grants: readonly FundGrant[],
  cutOffDate: string,
  cofinancing: Cofinancing,
): { lines: PaymentLine[]; deductions: Deduction[] } {
  const lines: PaymentLine[] = [];
  const deductions: Deduction[] = [];
  const tally = new Map<string, GrantDeclared>(declarations.byGrant);
  const operations = new Map<string, DeclaredOperation>();
  for (const { grant, priorityAxis } of grants) {
    const operation: DeclaredOperation = {
      grantId: grant.grantId,
      cup: grant.cup,
      measureId: grant.measureId,
      priorityAxis,
    };
    operations.set(grant.grantId, operation);
    const claims = grant.verifiedClaims.filter((c) => c.verifiedOn <= cutOffDate);
    const covered = coveredCents(
      grant.terms,
      claims.reduce((sum, c) => sum + c.eligibleCents, 0),
    );
    const recovered = grant.receipts.filter((r) => r.receivedOn <= cutOffDate).reduce((s, r) => s + r.amountCents, 0);
    let undeclaredClaims = claims.filter((c) => !declarations.declaredClaims.has(c.claimId));
    let paidSoFar = 0;
    let declared = tally.get(grant.grantId) ?? NO_GRANT_DECLARED;
    for (const payment of grant.payments) {
      // Stream order, not day order: two processes' clocks may differ by a moment around midnight.
      if (payment.paidOn > cutOffDate) continue;
      paidSoFar += payment.amountCents;
      if (declarations.declaredPayments.has(payment.disbursementId) || payment.amountCents === 0) continue;
      const onVerifiedClaim = payment.claimId !== null && claims.some((c) => c.claimId === payment.claimId);
      if (!onVerifiedClaim && (covered === 0 || paidSoFar - recovered > covered)) continue;
      const eligible = undeclaredClaims.reduce((sum, c) => sum + c.eligibleCents, 0);
      lines.push({
        ...operation,
        ...amountsOf(eligible, payment.amountCents, cofinancing),
        disbursementId: payment.disbursementId,
        kind: payment.kind,
        paidOn: payment.paidOn,
        claimIds: undeclaredClaims.map((c) => c.claimId),
      });
      declared = {
        ...declared,
        declaredPublicCents: declared.declaredPublicCents + payment.amountCents,
        declaredEligibleCents: declared.declaredEligibleCents + eligible,
      };
      undeclaredClaims = [];
    }
    for (const receipt of grant.receipts) {
      if (receipt.receivedOn > cutOffDate || declarations.deductedReceipts.has(receipt.receiptId)) continue;
      const room = declared.declaredPublicCents - declared.deductedPublicCents - declared.pendingWithdrawalCents;
      const amount = Math.min(receipt.amountCents, room);
      // Money recovered on payments never declared is not taken out of the declarations; it stays
      // for a later application, which may have declared them by then.
      if (amount <= 0) continue;
      deductions.push({
        ...operation,
        ...amountsOf(-expenditureBehind(amount, declared), -amount, cofinancing),
        kind: 'recovery',
        reference: receipt.receiptId,
      });
      declared = {
        ...declared,
        deductedPublicCents: declared.deductedPublicCents + amount,
        toRecoverCents: Math.max(0, declared.toRecoverCents - amount),
      };
    }
    tally.set(grant.grantId, declared);
  }
  for (const withdrawal of declarations.pendingWithdrawals) {
    const declared = tally.get(withdrawal.grantId) ?? NO_GRANT_DECLARED;
    const { grantId, cup, measureId, priorityAxis } = operations.get(withdrawal.grantId) ?? withdrawal;
    deductions.push({
      grantId,
      cup,
      measureId,
      priorityAxis,
      ...amountsOf(-expenditureBehind(withdrawal.amountCents, declared), -withdrawal.amountCents, cofinancing),
      kind: 'withdrawal',
      reference: withdrawal.correctionId,
    });
  }
  return { lines, deductions };
}
