import type { Cents } from '../money.js';
import type { Instant } from '../funding.types.js';
import type { GrantPlace } from '../grants/grant.events.js';
import type { AdministrativeAct } from '../acts/administrative-act.js';

/** The managing authority ordered the beneficiary to pay back money due ("recupero"). On the grant's stream. v2: with its act (null before acts). */
export type RecoveryOrdered = {
  readonly type: 'RecoveryOrdered';
  readonly data: GrantPlace & {
    readonly orderId: string;
    /** Principal ordered back. */
    readonly amountCents: Cents;
    /** The yearly interest rate the order applies, in basis points (legal interest, or the programme's). */
    readonly interestRateBp: number;
    /** YYYY-MM-DD */
    readonly dueDate: string;
    /** The order's own reference (a protocol or payment notice number). */
    readonly reference: string;
    /** The act ordering the recovery; null on orders recorded before acts. */
    readonly act: AdministrativeAct | null;
    readonly orderedAt: Instant;
  };
};

/**
 * Money came back: principal (it returns to the call's and measure's available money, as
 * `releasedCents`) and interest (shown apart, never spendable budget). On the grant's stream.
 */
export type RecoveryReceived = {
  readonly type: 'RecoveryReceived';
  readonly data: GrantPlace & {
    readonly receiptId: string;
    readonly amountCents: Cents;
    readonly interestCents: Cents;
    /** The value date of the receipt, YYYY-MM-DD. */
    readonly receivedAt: string;
    readonly reference: string;
    /** Budget the grant stopped holding because of it (the principal, handed back to the call). */
    readonly releasedCents: Cents;
    readonly recordedAt: Instant;
  };
};

/** What is due and cannot be recovered (e.g. the beneficiary is insolvent) is written off, with the reason. v2: with its act (null before acts). */
export type RecoveryWrittenOff = {
  readonly type: 'RecoveryWrittenOff';
  readonly data: GrantPlace & {
    readonly amountCents: Cents;
    readonly reason: string;
    readonly act: AdministrativeAct | null;
    readonly writtenOffAt: Instant;
  };
};

export type RecoveryEvent = RecoveryOrdered | RecoveryReceived | RecoveryWrittenOff;
