import { Body, Controller, Get, HttpCode, Inject, Logger, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '@app/commands';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { DomainError, subjectStream, type RetentionRecords } from '@app/funding';
import { PERSONAL_DATA_VAULT, type PersonalDataVault } from '@app/personal-data';
import type { BidSummary, CallSummary, GrantSummary, ProgrammeDashboard, ReadModelSpace } from '@app/read-models';
import { Roles } from '../auth/roles.decorator.js';
import { Commands, Written } from '../commands/commands.js';
import { ApiCommand, ApiRead } from '../http/api-docs.js';
import { CommandRequest } from '../http/command-request.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { IsText } from '../http/field-rules.js';
import { ReadSide } from '../queries/read-side.js';
import { DataSubjectAccess, DataSubjectFound, EraseDataSubjectResponse } from './data-subject.responses.js';

export class FindDataSubjectQuery {
  @IsText('The codice fiscale of the natural person', 32)
  taxCode!: string;
}

export class EraseDataSubjectDto {
  @IsText('Why the data are erased (no personal data here: it is kept in the log)')
  reason!: string;
}

const PAGE = 500;

/**
 * The data-protection officer's view of natural persons (GDPR art. 15 access, art. 17 erasure):
 * found by tax code, answered with everything the ledger holds about them, erased once no retention
 * obligation runs. The read models, caught up with the whole log, say which bids and grants are the
 * subject's; the erasure is decided on the grants' own streams (libs/funding data-subjects).
 */
@ApiTags('data subjects')
@ApiBearerAuth()
@Controller('data-subjects')
@Roles('data-protection-officer')
export class DataSubjectsController {
  private readonly logger = new Logger('DataSubjects');

  constructor(
    @Inject(PERSONAL_DATA_VAULT) private readonly vault: PersonalDataVault,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    private readonly readSide: ReadSide,
    private readonly commands: Commands,
  ) {}

  @Get()
  @ApiRead({
    operationId: 'findDataSubject',
    summary: "Find a natural person's subject id by their codice fiscale",
    type: DataSubjectFound,
    problems: { 404: 'DATA_SUBJECT_NOT_FOUND.' },
  })
  async find(@Query() query: FindDataSubjectQuery) {
    const subjectId = await this.vault.find(query.taxCode);
    if (!subjectId)
      throw new NotFoundException({ code: 'DATA_SUBJECT_NOT_FOUND', message: 'No data subject has that tax code' });
    return { subjectId };
  }

  /** The access answer: the identity (unless erased) and every bid, grant and payment of the subject. */
  @Get(':subjectId')
  @ApiRead({
    operationId: 'getDataSubject',
    summary: 'The access answer (GDPR art. 15): identity, bids, grants and payments of a natural person',
    type: DataSubjectAccess,
    problems: {
      404: 'DATA_SUBJECT_NOT_FOUND.',
      503: 'READ_MODELS_BEHIND: the read models are catching up with the log; retry shortly.',
    },
  })
  async access(@Param('subjectId', EntityIdPipe) subjectId: string) {
    const subject = await this.subject(subjectId);
    const space = await this.readSide.caughtUp();
    const bids = await all<BidSummary>(space, 'bids', subjectId);
    const grants = await all<GrantSummary>(space, 'grants', subjectId);
    return {
      subjectId,
      ...(subject.status === 'held'
        ? { status: 'held', identity: subject.identity, registeredAt: subject.registeredAt }
        : { status: 'erased', erasedAt: subject.erasedAt }),
      bids,
      grants,
      payments: grants.flatMap((g) => g.disbursements.map((d) => ({ grantId: g.grantId, ...d }))),
    };
  }

  /**
   * Erasure (GDPR art. 17): refused with 409 RETENTION_PERIOD_ACTIVE, `retainUntil` and every
   * reason with its date (`retentionReasons`) while a retention obligation runs. Otherwise recorded
   * as DataSubjectErased (who, when, why) and GrantBeneficiaryErased on each of their grants, and
   * the vault destroys the subject's key and identity.
   */
  @Post(':subjectId/erasure')
  @HttpCode(200)
  @ApiCommand({
    operationId: 'eraseDataSubject',
    summary: "Erase a natural person's identity (GDPR art. 17), once no retention obligation runs",
    description:
      "Recorded as DataSubjectErased (who, when, why), and as GrantBeneficiaryErased on each of the subject's grants; the vault destroys the subject's key and identity. " +
      "The read models, caught up with the whole log, give the subject's bids and grants; each grant's retention is decided on the grant's own stream (its payments, recoveries and aid) and its programme's rule, and the erasure is appended at the revisions it read: a payment or a recovery order recorded meanwhile makes it decide again. " +
      "Retention reasons (`retentionReasons[].reason`): `open-procedure` (a bid not yet decided), `appeal-window` (a refused bid may still be appealed), `operation-records` (the programme's retention: Reg. 2021/1060 art. 82, Reg. 1303/2013 art. 140), " +
      '`state-aid-records` (de minimis or GBER aid: its records are kept 10 years from the award, Reg. 651/2014 art. 12, Reg. 2023/2831 art. 6(4), 10 fiscal years under Reg. 1407/2013), `open-recovery` (money ordered back and neither received nor written off: no date, it holds until then).',
    status: 200,
    type: EraseDataSubjectResponse,
    body: { type: EraseDataSubjectDto, summary: 'On request', example: { reason: 'GDPR art. 17 request' } },
    problems: {
      404: 'DATA_SUBJECT_NOT_FOUND.',
      409: {
        description:
          'RETENTION_PERIOD_ACTIVE, with `retainUntil` (when every obligation ends; null while one runs without a date: a procedure or a recovery still open) and `retentionReasons` (each obligation: its reason, until when, its grant or bid), DATA_SUBJECT_ALREADY_ERASED (with `erasedAt`).',
        example: {
          code: 'RETENTION_PERIOD_ACTIVE',
          message:
            'The records must be kept while a procedure or a recovery is open: grant g-1 is kept 5 years from 31 December of the year of its last payment; grant g-1 is gber State aid, whose records are kept 10 years from the award; grant g-1 has 300000 cents ordered back, neither received nor written off',
          retainUntil: null,
          retentionReasons: [
            { reason: 'operation-records', retainUntil: '2031-12-31T23:59:59.999Z', grantId: 'g-1', bidId: null },
            { reason: 'state-aid-records', retainUntil: '2036-05-04T23:59:59.999Z', grantId: 'g-1', bidId: null },
            { reason: 'open-recovery', retainUntil: null, grantId: 'g-1', bidId: null },
          ],
        },
      },
      422: 'INVALID_INPUT.',
    },
  })
  async erase(
    @CommandRequest() context: CommandContext,
    @Param('subjectId', EntityIdPipe) subjectId: string,
    @Body() body: EraseDataSubjectDto,
  ) {
    await this.subject(subjectId);
    const space = await this.readSide.caughtUp();
    const records = await this.records(space, subjectId);
    let written;
    try {
      written = await this.commands.run(
        context,
        { type: 'EraseDataSubject', subjectId, reason: body.reason, records },
        { subjectId },
      );
    } catch (error) {
      // Erased in the log already (a retry after a failure): make sure the vault holds nothing either.
      if (error instanceof DomainError && error.code === 'DATA_SUBJECT_ALREADY_ERASED')
        await this.vault.erase(subjectId, new Date(String(error.details['erasedAt'])));
      throw error;
    }
    const recorded = (await this.events.readStream(subjectStream(subjectId))).find(
      (e) => e.type === 'DataSubjectErased',
    );
    const erasedAt = (recorded?.data as { erasedAt: string } | undefined)?.erasedAt ?? new Date().toISOString();
    await this.vault.erase(subjectId, new Date(erasedAt));
    this.logger.log(`Data subject ${subjectId} erased`);
    return new Written(written.outcome, { subjectId, erasedAt });
  }

  private async subject(subjectId: string) {
    const subject = await this.vault.read(subjectId);
    if (!subject)
      throw new NotFoundException({ code: 'DATA_SUBJECT_NOT_FOUND', message: `No data subject ${subjectId}` });
    return subject;
  }

  private async records(space: ReadModelSpace, subjectId: string): Promise<RetentionRecords> {
    const rules = new Map<string, ProgrammeDashboard['rules'] | undefined>();
    const rulesOf = async (programmeId: string) => {
      if (!rules.has(programmeId))
        rules.set(
          programmeId,
          ((await space.get('programme_dashboards', programmeId)) as ProgrammeDashboard | null)?.rules,
        );
      const found = rules.get(programmeId);
      if (!found) throw new Error(`Programme ${programmeId} has no rules in the read models`);
      return found;
    };
    const bids = [];
    for (const bid of await all<BidSummary>(space, 'bids', subjectId)) {
      const call = (await space.get('calls', bid.callId)) as CallSummary | null;
      if (!call) throw new Error(`Call ${bid.callId} is missing from the read models`);
      bids.push({
        bidId: bid.bidId,
        status: bid.status,
        evaluatedAt: bid.evaluatedAt,
        withdrawnAt: bid.withdrawnAt,
        appealWindowDays: (await rulesOf(call.programmeId)).appealWindowDays,
      });
    }
    // Which grants are theirs; what each one's retention depends on is read from its stream by the decision.
    const grants = (await all<GrantSummary>(space, 'grants', subjectId)).map((grant) => ({ grantId: grant.grantId }));
    return { bids, grants };
  }
}

async function all<D>(space: ReadModelSpace, collection: string, subjectId: string): Promise<D[]> {
  const found: D[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await space.find(collection, {
      where: { subjectId },
      orderBy: [{ field: collection === 'bids' ? 'submittedAt' : 'awardedAt', direction: 'asc' }],
      offset,
      limit: PAGE,
    });
    found.push(...(page as D[]));
    if (page.length < PAGE) return found;
  }
}
