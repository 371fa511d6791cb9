import { reading, type CommandPlan } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import type { FundingEvent } from '../funding.events.js';
import { DISBURSEMENT_KINDS, instant, type DisbursementKind } from '../funding.types.js';
import { assertPositiveCents, type Cents } from '../money.js';
import { grantStream } from '../streams.js';
import { assertText } from '../text.js';
import { GRANT, heldCents, requireGrant, type Grant } from './grant.js';

export type RecordDisbursement = {
  readonly type: 'RecordDisbursement';
  readonly grantId: string;
  readonly disbursementId: string;
  readonly kind: DisbursementKind;
  readonly amountCents: Cents;
  readonly reference?: string | null;
  /** Under an aid regime: the Deggendorf visura consulted before paying (no unrecovered illegal aid). */
  readonly deggendorfVisuraRef?: string | null;
  /** A final payment: the operation's actual end date, YYYY-MM-DD (default: the payment's date). */
  readonly actualEndDate?: string | null;
};

/**
 * A payment on an active grant, never beyond its current award (invariant 5): DisbursementRecorded.
 * The final one ("saldo") also completes the grant (GrantCompleted) and, when it pays less than the
 * grant held, hands the rest back to the call (CallBudgetReleased, on the call's stream, written
 * without reading it: the grant's own stream proves the release happens once).
 */
export const recordDisbursement: CommandPlan<RecordDisbursement, { grant: Grant }> = {
  reads: (command) => ({ grant: reading(GRANT, grantStream(command.grantId)) }),
  about: 'grant',
  decide(command, state, now) {
    const grant = requireGrant(state.grant, command.grantId);
    if (grant.status !== 'active') refuse('GRANT_NOT_ACTIVE', `Grant ${grant.grantId} is ${grant.status}; nothing more is paid`);
    if (!DISBURSEMENT_KINDS.includes(command.kind)) refuse('INVALID_INPUT', `Unknown disbursement kind ${String(command.kind)}`);
    if (grant.disbursementIds.includes(command.disbursementId)) {
      refuse('DISBURSEMENT_ALREADY_RECORDED', `Disbursement ${command.disbursementId} is already recorded`);
    }
    // A final payment may be zero: it closes a grant whose tranches already paid everything due.
    if (!(command.kind === 'final' && command.amountCents === 0)) assertPositiveCents(command.amountCents, 'disbursement amount');
    const reference = command.reference ?? null;
    if (reference !== null) assertText(reference, 'payment reference', 200);
    const deggendorfVisuraRef = command.deggendorfVisuraRef ?? null;
    if (grant.aidRegime !== 'none' && deggendorfVisuraRef === null) {
      refuse('DEGGENDORF_VISURA_REQUIRED', 'Every payment of aid cites the Deggendorf visura consulted before it');
    }
    if (deggendorfVisuraRef !== null) assertText(deggendorfVisuraRef, 'Deggendorf visura reference', 64);
    const actualEndDate = command.actualEndDate ?? instant(now).slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(actualEndDate) || Number.isNaN(Date.parse(actualEndDate))) refuse('INVALID_INPUT', 'actualEndDate must be a date YYYY-MM-DD');
    const paidAfter = grant.paidCents + command.amountCents;
    if (paidAfter > grant.currentAwardCents) {
      refuse(
        'DISBURSEMENT_EXCEEDS_GRANT',
        `Grant ${grant.grantId} can pay ${Math.max(0, grant.currentAwardCents - grant.paidCents)} cents more, disbursement asks for ${command.amountCents}`,
      );
    }
    const at = instant(now);
    const place = { grantId: grant.grantId, callId: grant.callId, programmeId: grant.programmeId, measureId: grant.measureId };
    const events: FundingEvent[] = [
      {
        type: 'DisbursementRecorded',
        data: { ...place, disbursementId: command.disbursementId, kind: command.kind, amountCents: command.amountCents, reference, deggendorfVisuraRef, paidAt: at },
      },
    ];
    if (command.kind !== 'final') return events;
    const releasedCents = heldCents(grant) - paidAfter;
    events.push({ type: 'GrantCompleted', data: { ...place, actualEndDate, paidCents: paidAfter, releasedCents, completedAt: at } });
    if (releasedCents > 0) {
      events.push({ type: 'CallBudgetReleased', data: { callId: grant.callId, grantId: grant.grantId, amountCents: releasedCents, cause: 'completion', releasedAt: at } });
    }
    return events;
  },
};
