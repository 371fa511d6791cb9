import { checkedAct, type AdministrativeAct } from '../acts/administrative-act.js';
import { BID, isLate, requireBid, type Bid, type ExistingBid } from '../bids/bid.js';
import { CALL, callRemainingCents, requireCall, type Call, type ExistingCall } from '../calls/call.js';
import { firstWaiting, waitingAhead, waitingLine } from '../calls/ranking.js';
import { reading, type CommandPlan } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import type { FundingEvent } from '../funding.events.js';
import { assertNever, instant, type AidRegime } from '../funding.types.js';
import { COMMITMENT_LIMIT, assertPositiveCents, type Cents } from '../money.js';
import { PROGRAMME, requireProgramme, type Programme } from '../programmes/programme.js';
import { assertOperationEligible, dayOf } from '../programmes/eligibility.js';
import { bidStream, callStream, cupStream, grantStream, programmeStream, undertakingStream } from '../streams.js';
import { DAY_FORMAT, assertText } from '../text.js';
import { deMinimisHeadroom } from '../undertakings/de-minimis.js';
import { UNDERTAKING, undertakingKey, type Undertaking } from '../undertakings/undertaking.js';
import { CUP, CUP_FORMAT, type Cup } from './cup.js';
import { GRANT, type Grant } from './grant.js';
import type { OperationData, RnaRegistration } from './grant.events.js';

export type AwardGrant = {
  readonly type: 'AwardGrant';
  readonly grantId: string;
  readonly callId: string;
  readonly bidId: string;
  readonly amountCents: Cents;
  /** The CUP: required (an act funding a public investment without it is null, law 3/2003 art. 11 c. 2-bis). */
  readonly cup: string;
  readonly operation: Omit<OperationData, 'purpose' | 'interventionType' | 'specificObjective'> & {
    readonly purpose?: string | null;
    readonly interventionType?: string | null;
    readonly specificObjective?: string | null;
  };
  /** Under an aid regime: the RNA registration (COR) and, for de minimis, the visura consulted. */
  readonly rna?: RnaRegistration | null;
  /** The award act: its date is the day the aid is granted. */
  readonly act: AdministrativeAct;
};

type AwardState = { grant: Grant; call: Call; bid: Bid; cup: Cup; programme?: Programme } & {
  [member: `undertaking:${string}`]: Undertaking;
} & {
  [earlier: `queued:${string}`]: Bid;
} & { [ahead: `ranked:${string}`]: Bid };

/** Ranking: the bids of the line ranked above this one, whose streams say whether they were withdrawn. */
function rankedAhead(call: ExistingCall, bid: ExistingBid): string[] {
  if (call.selection !== 'ranking' || call.ranking === null) return [];
  return waitingAhead(call, bid.bidId);
}

/** First-come: the bids queued before this one (admissible, not awarded), whose streams say whether they still wait. */
function queuedBefore(call: ExistingCall, bid: ExistingBid): string[] {
  if (call.selection !== 'first-come' || bid.arrival === null) return [];
  return call.queue.filter((q) => q.bidId !== bid.bidId && q.arrival < bid.arrival!).map((q) => q.bidId);
}

const ISTAT_MUNICIPALITY = /^\d{6}$/;
const NUTS3 = /^[A-Z]{2}[A-Z0-9]{3}$/;

/** The single undertaking of a bid's applicant (de minimis): the applicant and the undertakings it declared linked. */
function members(bid: ExistingBid): string[] {
  return [undertakingKey(bid.applicant), ...bid.linkedUndertakings];
}

/**
 * Awards a grant to an admissible bid by its act: GrantAwarded creates the grant, CallBudgetCommitted
 * draws the amount from the call's budget (invariant 3), BidAwarded marks the bid so it is awarded
 * once (invariant 4), CupAssigned takes its CUP for good; under de minimis, DeMinimisAidRecorded on
 * every member of the beneficiary's single undertaking, whose aid stays within the ceiling of the
 * regulation in force on the act's date and the programme's own. All in one atomic append. On a
 * ranking call the award follows the approved ranking: to the first bid still waiting (invariant 15);
 * on a first-come call, to the first admissible bid by arrival (invariant 13). Both orders are read
 * from the call's stream, which every award writes: two awards racing on one call are decided one
 * after the other. Awards to one undertaking from different calls meet on its members' streams.
 */
export const awardGrant: CommandPlan<AwardGrant, AwardState> = {
  reads: (command) => ({
    grant: reading(GRANT, grantStream(command.grantId)),
    call: reading(CALL, callStream(command.callId)),
    bid: reading(BID, bidStream(command.bidId)),
    cup: reading(CUP, cupStream(CUP_FORMAT.test(command.cup) ? command.cup : 'INVALID')),
  }),
  alsoReads(_command, state) {
    if (state.call.status === 'none') return {};
    const undertakings = state.call.aidRegime === 'de-minimis' && state.bid.status !== 'none' ? members(state.bid) : [];
    const earlier = state.bid.status !== 'none' ? queuedBefore(state.call, state.bid) : [];
    const ahead = state.bid.status !== 'none' ? rankedAhead(state.call, state.bid) : [];
    return {
      programme: reading(PROGRAMME, programmeStream(state.call.programmeId)),
      ...Object.fromEntries(
        undertakings.map((key) => [`undertaking:${key}`, reading(UNDERTAKING, undertakingStream(key))]),
      ),
      ...Object.fromEntries(earlier.map((bidId) => [`queued:${bidId}`, reading(BID, bidStream(bidId))])),
      ...Object.fromEntries(ahead.map((bidId) => [`ranked:${bidId}`, reading(BID, bidStream(bidId))])),
    };
  },
  about: 'grant',
  serializeOn: 'call',
  decide(command, state, now) {
    if (state.grant.status !== 'none') refuse('GRANT_ALREADY_EXISTS', `Grant ${command.grantId} already exists`);
    assertPositiveCents(command.amountCents, 'award amount');
    const call = requireCall(state.call, command.callId);
    const bid = requireBid(state.bid, command.bidId);
    if (bid.callId !== call.callId) refuse('BID_NOT_IN_CALL', `Bid ${bid.bidId} belongs to another call`);
    switch (bid.status) {
      case 'awarded':
        return refuse('BID_ALREADY_AWARDED', `Bid ${bid.bidId} is already awarded (grant ${bid.grantId})`);
      case 'withdrawn':
        return refuse('BID_WITHDRAWN', `Bid ${bid.bidId} was withdrawn`);
      case 'submitted':
        return refuse('BID_NOT_EVALUATED', `Bid ${bid.bidId} has not been evaluated`);
      case 'inadmissible':
        return refuse('BID_NOT_ADMISSIBLE', `Bid ${bid.bidId} was found inadmissible`);
      case 'admissible':
        break;
      // Passed over for insufficient funds, it may be awarded once money came back to the call: the ranking's checks below say.
      case 'passed-over':
        break;
      default:
        return assertNever(bid.status);
    }
    if (command.amountCents > bid.requestedCents)
      refuse('AWARD_EXCEEDS_REQUEST', `Bid ${bid.bidId} requested ${bid.requestedCents} cents`);
    if (call.status === 'cancelled') refuse('CALL_CANCELLED', `Call ${call.callId} was cancelled`);
    if (isLate(bid, call)) refuse('BID_AFTER_CLOSE', `Bid ${bid.bidId} arrived after call ${call.callId} closed`);
    const passedOver = queuedBefore(call, bid).find((bidId) => state[`queued:${bidId}`]?.status === 'admissible');
    if (passedOver)
      refuse(
        'ARRIVAL_ORDER',
        `Call ${call.callId} funds bids in order of arrival: bid ${passedOver} arrived earlier and is still waiting`,
        { waitingBidId: passedOver },
      );
    if (call.selection === 'ranking') {
      if (call.ranking === null)
        refuse(
          'RANKING_NOT_APPROVED',
          `Call ${call.callId} awards by its ranking: approve it first (POST /calls/${call.callId}/ranking)`,
        );
      if (!call.ranking.ranked.some((r) => r.bidId === bid.bidId))
        refuse('BID_NOT_RANKED', `Bid ${bid.bidId} is not in the ranking of call ${call.callId}`);
      if (!waitingLine(call).some((r) => r.bidId === bid.bidId))
        refuse(
          'BID_PASSED_OVER',
          `Bid ${bid.bidId} was passed over (${bid.passedOver?.reason ?? 'by an act'}) and is not back in the line`,
        );
    }
    const remaining = callRemainingCents(call);
    if (command.amountCents > remaining) {
      refuse(
        'BUDGET_EXCEEDED',
        `Call ${call.callId} has ${remaining} cents left, award asks for ${command.amountCents}`,
      );
    }
    // The money goes down the ranking: to the first bid still waiting, unless an act passes it over.
    const waiting =
      call.selection === 'ranking'
        ? firstWaiting(call, (bidId) => (bidId === bid.bidId ? bid : state[`ranked:${bidId}`]))
        : bid.bidId;
    if (waiting !== bid.bidId)
      refuse(
        'RANKING_ORDER',
        `Call ${call.callId} awards by its ranking: bid ${waiting} is ranked higher and still waiting (award it, or pass it over by an act)`,
        { waitingBidId: waiting },
      );
    if (call.committedCents + command.amountCents > COMMITMENT_LIMIT * call.budgetCents) {
      refuse(
        'COMMITMENT_LIMIT_REACHED',
        `Call ${call.callId} has committed ${COMMITMENT_LIMIT} times its budget over its life; open a new call`,
      );
    }
    if (!CUP_FORMAT.test(command.cup))
      refuse('INVALID_INPUT', 'A CUP is a letter, two digits, a letter and eleven digits, e.g. J11B17000270009');
    if (state.cup.grantId !== null)
      refuse('CUP_ALREADY_USED', `CUP ${command.cup} belongs to grant ${state.cup.grantId}`);
    const programme = requireProgramme(state.programme ?? { status: 'none' }, call.programmeId);
    const operation = checkedOperation(command, programme);
    assertOperationEligible(operation, programme.rules.eligibility, dayOf(bid.submittedAt));
    if (call.gber !== null) {
      const maxAwardCents = Number(
        (BigInt(operation.totalEligibleCostCents) * BigInt(call.gber.maxIntensityBp)) / 10_000n,
      );
      if (command.amountCents > maxAwardCents) {
        refuse(
          'AID_INTENSITY_EXCEEDED',
          `GBER ${call.gber.article} allows at most ${call.gber.maxIntensityBp / 100}% of the operation's eligible cost: ${maxAwardCents} cents`,
          { maxIntensityBp: call.gber.maxIntensityBp, maxAwardCents },
        );
      }
    }
    const rna = checkedRna(command, call.aidRegime);
    const act = checkedAct(command.act, now, 'award');

    // What the award's readers need of its programme (docs/adr/0007): who pays each euro of its fund, and the axis it counts under.
    const share = programme.funds.find((f) => f.fund === call.fund);

    const at = instant(now);
    const award = { grantId: command.grantId, callId: call.callId, bidId: bid.bidId, amountCents: command.amountCents };
    const events: FundingEvent[] = [
      {
        type: 'GrantAwarded',
        data: {
          ...award,
          submittedBy: bid.submittedBy,
          programmeId: call.programmeId,
          measureId: call.measureId,
          fund: call.fund,
          beneficiary: bid.applicant,
          sensitive: call.sensitive,
          projectTitle: bid.projectTitle,
          cup: command.cup,
          operation,
          aidRegime: call.aidRegime,
          rna,
          euCoFinancingRateBp: share?.euCoFinancingRateBp ?? null,
          cofinancing: share?.cofinancing ?? null,
          priorityAxis: programme.measures.get(call.measureId)?.priorityAxis ?? null,
          advanceShareBp: call.advanceShareBp,
          fundingRateBp: call.fundingRateBp,
          act,
          awardedAt: at,
        },
      },
      { type: 'CallBudgetCommitted', data: { ...award, committedAt: at } },
      { type: 'BidAwarded', data: { ...award, awardedAt: at } },
      { type: 'CupAssigned', data: { cup: command.cup, grantId: command.grantId, assignedAt: at } },
    ];
    if (call.aidRegime === 'de-minimis')
      events.push(...deMinimisAid(command, state, bid, programme, rna!, act.date, now));
    return events;
  },
};

function checkedOperation(command: AwardGrant, programme: ReturnType<typeof requireProgramme>): OperationData {
  const o = command.operation;
  if (typeof o !== 'object' || o === null)
    refuse('OPERATION_DATA_REQUIRED', 'An award states its operation: dates, municipality, total eligible cost');
  for (const [what, date] of [
    ['plannedStartDate', o.plannedStartDate],
    ['plannedEndDate', o.plannedEndDate],
  ] as const) {
    if (typeof date !== 'string' || !DAY_FORMAT.test(date) || Number.isNaN(Date.parse(date)))
      refuse('INVALID_INPUT', `${what} must be a date YYYY-MM-DD`);
  }
  if (o.plannedEndDate < o.plannedStartDate) refuse('INVALID_INPUT', 'The operation ends before it starts');
  if (!ISTAT_MUNICIPALITY.test(o.istatMunicipalityCode))
    refuse('INVALID_INPUT', 'istatMunicipalityCode is the six-digit ISTAT code of a municipality');
  if (!NUTS3.test(o.nuts3) || !o.nuts3.startsWith(o.nuts2))
    refuse('INVALID_INPUT', 'The NUTS 3 area must lie in the NUTS 2 region');
  assertPositiveCents(o.totalEligibleCostCents, 'total eligible cost');
  if (o.totalEligibleCostCents < command.amountCents)
    refuse(
      'AWARD_EXCEEDS_ELIGIBLE_COST',
      `The award exceeds the operation's total eligible cost of ${o.totalEligibleCostCents} cents`,
    );
  const purpose = o.purpose ?? null;
  if (purpose !== null) assertText(purpose, 'operation purpose', 1000);
  const fromList = (
    value: string | null | undefined,
    list: readonly string[] | null,
    what: string,
    code: 'UNKNOWN_INTERVENTION_TYPE' | 'UNKNOWN_SPECIFIC_OBJECTIVE',
  ): string | null => {
    const given = value ?? null;
    if (given !== null) assertText(given, what, 64);
    if (given !== null && list !== null && !list.includes(given))
      refuse(code, `${given} is not among the programme's ${what}s`);
    return given;
  };
  return {
    purpose,
    plannedStartDate: o.plannedStartDate,
    plannedEndDate: o.plannedEndDate,
    istatMunicipalityCode: o.istatMunicipalityCode,
    nuts3: o.nuts3,
    nuts2: o.nuts2,
    totalEligibleCostCents: o.totalEligibleCostCents,
    interventionType: fromList(
      o.interventionType,
      programme.rules.interventionTypes,
      'intervention type',
      'UNKNOWN_INTERVENTION_TYPE',
    ),
    specificObjective: fromList(
      o.specificObjective,
      programme.rules.specificObjectives,
      'specific objective',
      'UNKNOWN_SPECIFIC_OBJECTIVE',
    ),
  };
}

/** Without registration and COR in its acts, aid has no legal effect (DM 115/2017 art. 17); de minimis also needs the visura. */
function checkedRna(command: AwardGrant, regime: AidRegime): RnaRegistration | null {
  if (regime === 'none') return null;
  const rna = command.rna ?? null;
  if (rna === null || typeof rna.cor !== 'string' || rna.cor.trim() === '')
    refuse('RNA_COR_REQUIRED', `Aid under ${regime} needs its COR from the Registro Nazionale Aiuti`);
  assertText(rna.cor, 'COR', 32);
  if (regime === 'gber') return { cor: rna.cor, deMinimisVisura: null };
  const visura = rna.deMinimisVisura ?? null;
  if (visura === null)
    refuse(
      'DE_MINIMIS_VISURA_REQUIRED',
      'De minimis aid needs the RNA visura of the aid the undertaking already received',
    );
  assertText(visura.reference, 'visura reference', 64);
  if (typeof visura.date !== 'string' || !DAY_FORMAT.test(visura.date) || Number.isNaN(Date.parse(visura.date)))
    refuse('INVALID_INPUT', 'The visura date must be YYYY-MM-DD');
  if (!Number.isSafeInteger(visura.receivedCents) || visura.receivedCents < 0)
    refuse('INVALID_AMOUNT', 'The aid the visura lists must be a non-negative number of cents');
  return {
    cor: rna.cor,
    deMinimisVisura: { reference: visura.reference, date: visura.date, receivedCents: visura.receivedCents },
  };
}

/**
 * The de minimis ceiling per single undertaking, under the regulation in force on the grant date
 * (the award act's date) and the programme's own rule (`deMinimisHeadroom`): the aid the visura
 * lists, plus the aid this ledger granted to any member since the visura's day within the window,
 * plus this award.
 */
function deMinimisAid(
  command: AwardGrant,
  state: AwardState,
  bid: ExistingBid,
  programme: ReturnType<typeof requireProgramme>,
  rna: RnaRegistration,
  grantDate: string,
  now: Date,
): FundingEvent[] {
  const visura = rna.deMinimisVisura!;
  if (visura.date > grantDate)
    refuse('INVALID_INPUT', `The visura (${visura.date}) cannot be dated after the award act (${grantDate})`);
  const undertakings = members(bid);
  const aid = undertakings.flatMap((key) => (state[`undertaking:${key}`] ?? { aid: [] }).aid);
  const { headroomCents, regulation, limits } = deMinimisHeadroom({
    grantDate,
    visura,
    aid,
    programmeRule: programme.rules.deMinimis,
  });
  if (command.amountCents > headroomCents) {
    const binding = limits.find((l) => l.headroomCents === headroomCents)!;
    refuse(
      'DE_MINIMIS_CEILING_EXCEEDED',
      `The single undertaking can receive ${headroomCents} cents more de minimis aid on ${grantDate} (${binding.source}: ceiling ${binding.ceilingCents} from ${binding.windowStart})`,
      {
        headroomCents,
        regulation: regulation.regulation,
        ceilingCents: binding.ceilingCents,
        windowStart: binding.windowStart,
      },
    );
  }
  const at = instant(now);
  return undertakings.map((undertaking) => ({
    type: 'DeMinimisAidRecorded' as const,
    data: {
      undertaking,
      beneficiary: undertakings[0]!,
      grantId: command.grantId,
      amountCents: command.amountCents,
      grantDate,
      awardedAt: at,
    },
  }));
}
