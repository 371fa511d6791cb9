import { dayInItaly } from '../acts/administrative-act.js';
import { reading, type CommandPlan } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import { instant } from '../funding.types.js';
import { assertPositiveCents, type Cents } from '../money.js';
import { declarationsStream, paymentApplicationStream } from '../streams.js';
import { assertDay } from './accounting-year.js';
import {
  APPLICATION_POINTER,
  FUND_DECLARATIONS,
  type ApplicationPointer,
  type FundDeclarations,
} from './declarations.js';

export type RecordCommissionReceipt = {
  readonly type: 'RecordCommissionReceipt';
  readonly applicationId: string;
  readonly receiptId: string;
  readonly amountCents: Cents;
  /** The value date, YYYY-MM-DD. */
  readonly receivedOn: string;
  readonly recordedBy: string;
};

type ReceiptState = { application: ApplicationPointer; declarations?: FundDeclarations };

/**
 * What the Commission paid on an application, recorded on the fund's account: never more in all
 * than the EU share the application declared (the interim payment, then the balance of the accounts).
 */
export const recordCommissionReceipt: CommandPlan<RecordCommissionReceipt, ReceiptState> = {
  reads: (command) => ({ application: reading(APPLICATION_POINTER, paymentApplicationStream(command.applicationId)) }),
  alsoReads: (_command, state) =>
    state.application.status === 'taken'
      ? {
          declarations: reading(
            FUND_DECLARATIONS,
            declarationsStream(state.application.programmeId, state.application.fund),
          ),
        }
      : {},
  about: 'declarations',
  serializeOn: 'application',
  decide(command, state, now) {
    const pointer = state.application;
    const declarations = state.declarations;
    const application = declarations?.applications.find((a) => a.applicationId === command.applicationId);
    if (pointer.status !== 'taken' || !declarations || !application)
      refuse('PAYMENT_APPLICATION_NOT_FOUND', `Payment application ${command.applicationId} does not exist`);
    assertPositiveCents(command.amountCents, 'amount received');
    const receivedOn = assertDay(command.receivedOn, 'receivedOn');
    const today = dayInItaly(now);
    if (receivedOn > today) refuse('INVALID_INPUT', `receivedOn ${receivedOn} is after today (${today})`);
    const submittedOn = dayInItaly(new Date(application.submittedAt));
    if (receivedOn < submittedOn)
      refuse('INVALID_INPUT', `receivedOn ${receivedOn} is before the application was submitted (${submittedOn})`);
    if (declarations.applications.some((a) => a.receipts.some((r) => r.receiptId === command.receiptId)))
      refuse('RECEIPT_ALREADY_RECORDED', `Receipt ${command.receiptId} is already recorded`);
    const room = application.totals.euShareCents - application.receivedCents;
    if (command.amountCents > room)
      refuse(
        'RECEIPT_EXCEEDS_APPLICATION',
        `Application ${command.applicationId} declared an EU share of ${application.totals.euShareCents} cents and ${application.receivedCents} were received; ${command.amountCents} more is beyond it`,
        { receivableCents: Math.max(0, room) },
      );
    return [
      {
        type: 'CommissionPaymentReceived',
        data: {
          programmeId: pointer.programmeId,
          fund: pointer.fund,
          applicationId: command.applicationId,
          receiptId: command.receiptId,
          amountCents: command.amountCents,
          receivedOn,
          recordedBy: command.recordedBy,
          recordedAt: instant(now),
        },
      },
    ];
  },
};
