import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { foldStream } from '@app/commands';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import {
  APPLICATION_POINTER,
  FUND_DECLARATIONS,
  PROGRAMME,
  declarationsStream,
  paymentApplicationStream,
  programmeStream,
  type AccountsSubmitted,
  type DeclaredApplication,
  type Fund,
  type FundDeclarations,
} from '@app/funding';

/**
 * The funds' accounts with the Commission, read from their streams (never a read model): what an
 * auditor reads, and what a write answers with, is the record the decisions were taken on.
 */
@Injectable()
export class FundAccounts {
  constructor(@Inject(EVENT_STORE) private readonly events: EventStore) {}

  /** A payment application as recorded, with what the Commission paid on it; 404 when there is none. */
  async application(applicationId: string): Promise<DeclaredApplication> {
    const pointer = foldStream(
      APPLICATION_POINTER,
      await this.events.readStream(paymentApplicationStream(applicationId)),
    );
    const application =
      pointer.status === 'taken'
        ? (await this.declarations(pointer.programmeId, pointer.fund)).applications.find(
            (a) => a.applicationId === applicationId,
          )
        : undefined;
    if (!application)
      throw new NotFoundException({
        code: 'PAYMENT_APPLICATION_NOT_FOUND',
        message: `Payment application ${applicationId} does not exist`,
      });
    return application;
  }

  /** The accounts of a fund's accounting year; 404 when they are not submitted. */
  async accounts(programmeId: string, fund: Fund, accountingYear: string): Promise<AccountsSubmitted['data']> {
    const accounts = (await this.declarations(programmeId, fund)).closedYears.get(accountingYear);
    if (!accounts)
      throw new NotFoundException({
        code: 'PROGRAMME_NOT_FOUND',
        message: `Programme ${programmeId} has no ${fund} accounts for ${accountingYear}`,
      });
    return accounts;
  }

  /** Each fund of the programme (or the one asked) with its account; 404 PROGRAMME_NOT_FOUND for an unknown programme. */
  async ofProgramme(
    programmeId: string,
    fund: Fund | undefined,
  ): Promise<Array<{ fund: Fund; declarations: FundDeclarations }>> {
    const programme = foldStream(PROGRAMME, await this.events.readStream(programmeStream(programmeId)));
    if (programme.status === 'none')
      throw new NotFoundException({ code: 'PROGRAMME_NOT_FOUND', message: `Programme ${programmeId} does not exist` });
    const funds = programme.funds.map((share) => share.fund).filter((f) => fund === undefined || f === fund);
    return Promise.all(funds.map(async (f) => ({ fund: f, declarations: await this.declarations(programmeId, f) })));
  }

  private async declarations(programmeId: string, fund: Fund): Promise<FundDeclarations> {
    return foldStream(FUND_DECLARATIONS, await this.events.readStream(declarationsStream(programmeId, fund)));
  }
}
