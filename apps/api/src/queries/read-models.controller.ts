import { Controller, Get, Inject, NotFoundException, Param, Query, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { acceptsBidsAt } from '@app/funding';
import { PERSONAL_DATA_VAULT, type PersonalDataVault } from '@app/personal-data';
import {
  shownDashboard,
  type ProgrammeDashboard as ProgrammeDashboardDocument,
  type ReadModelDocument,
  type Where,
} from '@app/read-models';
import type { Principal } from '../auth/api-keys.js';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import { Roles } from '../auth/roles.decorator.js';
import { ApiRead } from '../http/api-docs.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { CLOCK, type Clock } from '../infrastructure/clock.js';
import { MinPositionInterceptor } from './min-position.interceptor.js';
import {
  ListBidsQuery,
  ListCallsQuery,
  ListExpenditureClaimsQuery,
  ListGrantsQuery,
  type PageQuery,
} from './queries.dto.js';
import {
  BidView,
  CallPage,
  Call,
  ExpenditureClaim,
  ExpenditureClaimPage,
  GrantPage,
  GrantView,
  ProgrammeDashboard,
  RankedBidPage,
} from './read-model.responses.js';
import { ReadSide } from './read-side.js';
import { ReadsProjections } from './reads-projections.decorator.js';
import { CLAIM_READERS, READERS, acts, listFilterFor, owns, visibleTo } from './read-access.js';

/** The dashboard and query API: reads the read models only; the domain is not involved. */
@ApiTags('queries')
@ApiBearerAuth()
@Controller()
@UseInterceptors(MinPositionInterceptor)
export class ReadModelsController {
  constructor(
    private readonly readSide: ReadSide,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PERSONAL_DATA_VAULT) private readonly vault: PersonalDataVault,
  ) {}

  // Declares no projection: waits for every one (test/support's readModelsAt reads it so, before the public lists).
  @Get('programmes/:programmeId/dashboard')
  @Roles(...READERS)
  @ApiRead({
    operationId: 'getProgrammeDashboard',
    summary: "A programme's money per fund and per measure",
    description:
      'Allocation, reserved, committed, released, disbursed, payable, declared, verified, recovery due and outstanding, available and absorption; amounts in integer euro cents.',
    type: ProgrammeDashboard,
    minPosition: true,
    problems: { 404: 'PROGRAMME_NOT_FOUND (or not seen by the read models yet: send X-Min-Position).' },
  })
  async dashboard(@Param('programmeId', EntityIdPipe) programmeId: string) {
    const dashboard = found(
      await (await this.readSide.space()).get('programme_dashboards', programmeId),
      'PROGRAMME_NOT_FOUND',
      `Programme ${programmeId}`,
    );
    return shownDashboard(dashboard as ProgrammeDashboardDocument);
  }

  @Get('calls')
  @ReadsProjections('call-summaries')
  @Roles(...READERS)
  @ApiRead({
    operationId: 'listCalls',
    summary: 'Calls, by status, measure or programme, the latest opening first',
    type: CallPage,
    minPosition: true,
  })
  async calls(@Query() query: ListCallsQuery) {
    const where: Where = pick({ status: query.status, measureId: query.measureId, programmeId: query.programmeId });
    const page = await this.page('calls', where, query, [{ field: 'opensAt', direction: 'desc' }]);
    return { ...page, items: page.items.map((call) => this.withWindow(call)) };
  }

  @Get('calls/:callId')
  @ReadsProjections('call-summaries')
  @Roles(...READERS)
  @ApiRead({
    operationId: 'getCall',
    summary: 'A call: its budget, committed and remaining money, and its bids counted by status and applicant type',
    type: Call,
    minPosition: true,
    problems: { 404: 'CALL_NOT_FOUND (or not seen by the read models yet: send X-Min-Position).' },
  })
  async call(@Param('callId', EntityIdPipe) callId: string) {
    return this.withWindow(
      found(await (await this.readSide.space()).get('calls', callId), 'CALL_NOT_FOUND', `Call ${callId}`),
    );
  }

  /**
   * A call's bids, ranked: by the approved ranking (`rank`: each bid's place in it; the bids not in
   * it after, by score then arrival, with a null rank); by score, the best first (unscored bids after
   * the scored ones, by arrival: a ranking call's default); or by arrival, the order of the log (a
   * first-come call's default), `rank` then being the place in the order asked. Each says whether it
   * arrived after the call closed (`late`).
   */
  @Get('calls/:callId/bids')
  @ReadsProjections('call-summaries', 'bid-summaries')
  @Roles(...READERS)
  @ApiRead({
    operationId: 'listBidsOfCall',
    summary: "A call's bids: by its approved ranking, by score or in order of arrival",
    description:
      "By rank: the approved ranking (`POST /calls/{callId}/ranking`), `rank` being each bid's place in it, the bids not in it after (by score, then arrival) with a null rank; by score (the best first; unscored bids after the scored ones, by arrival: a ranking call's default); or by arrival: the order of the log, a first-come call's default. By score or arrival, `rank` is the place in the order asked. Each gives its `score` and `status`, and says whether it arrived after the call closed (`late`).",
    type: RankedBidPage,
    minPosition: true,
    problems: { 404: 'CALL_NOT_FOUND.' },
  })
  async bidsOfCall(
    @CurrentPrincipal() principal: Principal,
    @Param('callId', EntityIdPipe) callId: string,
    @Query() query: ListBidsQuery,
  ) {
    const space = await this.readSide.space();
    const call = found(await space.get('calls', callId), 'CALL_NOT_FOUND', `Call ${callId}`);
    const order = query.order ?? (call['selection'] === 'first-come' ? 'arrival' : 'score');
    const byScore: Array<{ field: string; direction: 'asc' | 'desc' }> = [
      { field: 'score', direction: 'desc' },
      { field: 'arrivalKey', direction: 'asc' },
    ];
    const orderBy =
      order === 'arrival'
        ? [{ field: 'arrivalKey', direction: 'asc' as const }]
        : order === 'rank'
          ? [{ field: 'rankKey', direction: 'asc' as const }, ...byScore]
          : byScore;
    const page = await this.page(
      'bids',
      { ...pick({ callId, status: query.status }), ...listFilterFor(principal) },
      query,
      orderBy,
    );
    const offset = (page.page - 1) * page.pageSize;
    return {
      ...page,
      order,
      // By rank, a bid's place in the approved ranking; otherwise its place in the order asked.
      items: page.items.map((bid, i) => ({
        ...withLate(bid, call),
        rank:
          order === 'rank' ? (bid['rank'] ?? null) : order === 'score' && bid['score'] === null ? null : offset + i + 1,
      })),
    };
  }

  @Get('bids/:bidId')
  @ReadsProjections('bid-summaries', 'call-summaries')
  @Roles(...READERS, 'applicant-service', 'data-protection-officer')
  @ApiRead({
    operationId: 'getBid',
    summary: 'A bid, with the identity of a natural person for the roles that act on them',
    description:
      'An applicant portal sees only the bids it submitted; a viewer sees nothing of a natural person in a sensitive measure: to them the bid does not exist (404).',
    type: BidView,
    minPosition: true,
    problems: { 404: 'BID_NOT_FOUND.' },
  })
  async bid(@CurrentPrincipal() principal: Principal, @Param('bidId', EntityIdPipe) bidId: string) {
    const space = await this.readSide.space();
    const bid = found(visibleTo(principal, await space.get('bids', bidId)), 'BID_NOT_FOUND', `Bid ${bidId}`);
    return this.withIdentity(principal, withLate(bid, await space.get('calls', String(bid['callId']))));
  }

  @Get('grants')
  @ReadsProjections('grant-summaries')
  @Roles(...READERS)
  @ApiRead({
    operationId: 'listGrants',
    summary: 'Grants, by call or status, in order of award',
    type: GrantPage,
    minPosition: true,
  })
  async grants(@CurrentPrincipal() principal: Principal, @Query() query: ListGrantsQuery) {
    return this.page(
      'grants',
      { ...pick({ callId: query.callId, status: query.status }), ...listFilterFor(principal) },
      query,
      [{ field: 'awardedAt', direction: 'asc' }],
    );
  }

  // Declares no projection: waits for every one (legal-identity.e2e-spec reads the public list after it).
  @Get('grants/:grantId')
  @Roles(...READERS, 'applicant-service', 'data-protection-officer')
  @ApiRead({
    operationId: 'getGrant',
    summary: 'A grant: award, payments, claims, revocations and recovery',
    description: 'Amounts in integer euro cents. An applicant portal sees only the grants on bids it submitted.',
    type: GrantView,
    minPosition: true,
    problems: { 404: 'GRANT_NOT_FOUND.' },
  })
  async grant(@CurrentPrincipal() principal: Principal, @Param('grantId', EntityIdPipe) grantId: string) {
    const grant = found(
      visibleTo(principal, await (await this.readSide.space()).get('grants', grantId)),
      'GRANT_NOT_FOUND',
      `Grant ${grantId}`,
    );
    return this.withIdentity(principal, grant);
  }

  /** First-level control's worklist: claims by status (default: waiting for verification), oldest first. */
  @Get('expenditure-claims')
  @ReadsProjections('expenditure-claims')
  @Roles(...CLAIM_READERS)
  @ApiRead({
    operationId: 'listExpenditureClaims',
    summary: "First-level control's worklist: expenditure claims by status, the oldest first",
    type: ExpenditureClaimPage,
    minPosition: true,
  })
  async expenditureClaims(@Query() query: ListExpenditureClaimsQuery) {
    return this.page(
      'expenditure_claims',
      pick({ status: query.status ?? 'submitted', grantId: query.grantId, callId: query.callId }),
      query,
      [
        { field: 'submittedAt', direction: 'asc' },
        { field: 'claimId', direction: 'asc' },
      ],
    );
  }

  /** One claim's figures; its items and cuts are on its grant (`GET /grants/:grantId`). */
  @Get('expenditure-claims/:claimId')
  @ReadsProjections('expenditure-claims')
  @Roles(...CLAIM_READERS, 'applicant-service')
  @ApiRead({
    operationId: 'getExpenditureClaim',
    summary: "An expenditure claim's figures (its items and cuts are on its grant)",
    type: ExpenditureClaim,
    minPosition: true,
    problems: { 404: 'CLAIM_NOT_FOUND.' },
  })
  async expenditureClaim(@CurrentPrincipal() principal: Principal, @Param('claimId', EntityIdPipe) claimId: string) {
    const claim = await (await this.readSide.space()).get('expenditure_claims', claimId);
    const visible =
      claim &&
      (!principal.roles.includes('applicant-service') ||
        owns(principal, claim) ||
        principal.roles.some((r) => (CLAIM_READERS as readonly string[]).includes(r)));
    return found(visible ? claim : null, 'CLAIM_NOT_FOUND', `Expenditure claim ${claimId}`);
  }

  /**
   * A natural person's identity, from the vault, for the roles that act on them and the portal that
   * submitted their bid; nobody else reads more than the subject id and region.
   */
  private async withIdentity(principal: Principal, document: ReadModelDocument): Promise<ReadModelDocument> {
    const subjectId = document['subjectId'];
    if (typeof subjectId !== 'string' || !(acts(principal) || owns(principal, document))) return document;
    const subject = await this.vault.read(subjectId);
    if (!subject) return document;
    return {
      ...document,
      identity: subject.status === 'held' ? subject.identity : { erased: true, erasedAt: subject.erasedAt },
    };
  }

  private async page(
    collection: string,
    where: Where,
    query: PageQuery,
    orderBy: Array<{ field: string; direction: 'asc' | 'desc' }>,
  ) {
    const space = await this.readSide.space();
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 20;
    const [items, total] = await Promise.all([
      space.find(collection, { where, orderBy, offset: (page - 1) * pageSize, limit: pageSize }),
      space.count(collection, where),
    ]);
    return { items, page, pageSize, total };
  }

  /** Whether the call takes bids right now, by the domain's own rule (the window's end closes it). */
  private withWindow(call: ReadModelDocument) {
    const acceptingBids = acceptsBidsAt(
      { status: String(call['status']), opensAt: String(call['opensAt']), closesAt: String(call['closesAt']) },
      this.clock.now(),
    );
    return { ...call, acceptingBids };
  }
}

/** Whether a bid arrived after its call closed: its submission's place in the log after the close's. */
function withLate(bid: ReadModelDocument, call: ReadModelDocument | null): ReadModelDocument {
  const closedKey = call?.['closedKey'];
  return {
    ...bid,
    late: typeof closedKey === 'string' && typeof bid['arrivalKey'] === 'string' && bid['arrivalKey'] > closedKey,
  };
}

export function found(document: ReadModelDocument | null, code: string, what: string): ReadModelDocument {
  if (!document)
    throw new NotFoundException({
      code,
      message: `${what} does not exist (or the read models have not seen it yet: send X-Min-Position)`,
    });
  return document;
}

function pick(fields: Record<string, string | undefined>): Where {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Where;
}
