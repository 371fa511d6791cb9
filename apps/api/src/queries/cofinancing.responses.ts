import type { Cofinancing as CofinancingShown, ContributionSplit as ContributionSplitShown } from '@app/funding';
import { Cents, Integer } from '../http/response-fields.js';
import type { Shows } from './shows-document.js';

/** Who pays each euro of a fund share's public contribution, as grants and programme dashboards show it (issue #27). */
export class Cofinancing implements Shows<CofinancingShown, Cofinancing> {
  @Integer('The EU fund, in basis points of the public contribution', { example: 5000 }) euBp!: number;
  @Integer('The State (for Italy the rotation fund of law 183/1987), in basis points', { example: 3500 })
  nationalBp!: number;
  @Integer('The region, in basis points; the three sum to 10000', { example: 1500 }) regionalBp!: number;
}

/**
 * An amount of public contribution split by its co-financing: each part rounded toward zero, the
 * cents left over to the largest remainders (ties to the EU, then the State), so the three sum to
 * the amount exactly.
 */
export class ContributionSplit implements Shows<ContributionSplitShown, ContributionSplit> {
  @Cents('Paid by the EU fund', { example: 6_000_000 }) euCents!: number;
  @Cents('Paid by the State', { example: 4_200_000 }) nationalCents!: number;
  @Cents('Paid by the region', { example: 1_800_000 }) regionalCents!: number;
}
