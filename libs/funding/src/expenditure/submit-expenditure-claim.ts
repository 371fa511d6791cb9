import { reading, type CommandPlan, type StreamToRead } from '../command-plan.js';
import { refuse } from '../domain-error.js';
import { instant } from '../funding.types.js';
import { GRANT, requireGrant, type ExistingGrant, type Grant } from '../grants/grant.js';
import { assertPositiveCents, MAX_AMOUNT_CENTS, type Cents } from '../money.js';
import { assertDay, overlap, withinPeriod } from '../programmes/eligibility.js';
import { PROGRAMME, requireProgramme, type Programme } from '../programmes/programme.js';
import { claimStream, documentStream, grantStream, programmeStream } from '../streams.js';
import { assertText } from '../text.js';
import type { FundingEvent } from '../funding.events.js';
import { CLAIM, type Claim } from './claim.js';
import { DOCUMENT, documentHash, documentKey, type DocumentRegister } from './document.js';
import {
  CLAIM_KINDS,
  DOCUMENT_TYPES,
  type ClaimItem,
  type ClaimKind,
  type ExpenditureDocument,
} from './expenditure.events.js';

/** The most items one claim lists, and the most claims one grant takes. */
export const MAX_CLAIM_ITEMS = 200;
export const MAX_CLAIMS_PER_GRANT = 100;

/** A tax code or VAT number, Italian or foreign: letters and digits. */
const TAX_CODE = /^[A-Za-z0-9]{2,32}$/;

export type SubmitExpenditureClaim = {
  readonly type: 'SubmitExpenditureClaim';
  readonly grantId: string;
  readonly claimId: string;
  readonly kind: ClaimKind;
  /** Each with the day it was paid and its document (`null` only in claims recorded before documents). */
  readonly items: readonly ClaimItem[];
  /** The principal asking: only the portal whose bid became the grant may claim on it. */
  readonly submittedBy: string;
};

/** The grant, the claim id, then the programme (its eligibility period) and the stream of every document the items name. */
type SubmitState = { grant: Grant; claim: Claim; programme?: Programme } & {
  [document: `document:${string}`]: DocumentRegister;
};

/**
 * The beneficiary declares expenditure on its active grant ("rendicontazione"), through the portal
 * that submitted its bid (to any other principal the grant does not exist): ExpenditureClaimSubmitted
 * on the grant, ExpenditureClaimFiled on the claim id's stream (taken once), and
 * ExpenditureDocumentClaimed on the stream of each item's document (taken once in the programme,
 * so no expenditure is funded twice, even by claims racing on two grants). Each item was paid
 * inside the programme's eligibility period and the operation's dates, and claims at most its
 * document's amount. A final claim closes the grant to further claims.
 */
export const submitExpenditureClaim: CommandPlan<SubmitExpenditureClaim, SubmitState> = {
  reads: (command) => ({
    grant: reading(GRANT, grantStream(command.grantId)),
    claim: reading(CLAIM, claimStream(command.claimId)),
  }),
  alsoReads(command, state) {
    if (state.grant.status === 'none') return {};
    const programmeId = state.grant.programmeId;
    const documents: Record<`document:${string}`, StreamToRead<DocumentRegister>> = {};
    for (const key of documentKeys(command, programmeId))
      documents[`document:${documentHash(key)}`] = reading(DOCUMENT, documentStream(key));
    return { programme: reading(PROGRAMME, programmeStream(programmeId)), ...documents };
  },
  about: 'grant',
  decide(command, state, now) {
    const grant = requireGrant(state.grant, command.grantId);
    if (grant.submittedBy !== command.submittedBy) refuse('GRANT_NOT_FOUND', `Grant ${command.grantId} does not exist`);
    if (state.claim.grantId !== null)
      refuse('CLAIM_ALREADY_EXISTS', `Expenditure claim ${command.claimId} already exists`);
    if (grant.status !== 'active')
      refuse('GRANT_NOT_ACTIVE', `Grant ${grant.grantId} is ${grant.status}; it takes no more claims`);
    if (!CLAIM_KINDS.includes(command.kind)) refuse('INVALID_INPUT', `Unknown claim kind ${String(command.kind)}`);
    const final = grant.claims.find((c) => c.kind === 'final');
    if (final)
      refuse('CLAIMS_CLOSED', `Grant ${grant.grantId} has its final claim (${final.claimId}); it takes no more claims`);
    if (grant.claims.length >= MAX_CLAIMS_PER_GRANT)
      refuse(
        'CLAIM_LIMIT_REACHED',
        `Grant ${grant.grantId} has ${MAX_CLAIMS_PER_GRANT} claims, the most one grant takes`,
      );
    if (!Array.isArray(command.items) || command.items.length === 0)
      refuse('INVALID_INPUT', 'A claim lists at least one item of expenditure');
    if (command.items.length > MAX_CLAIM_ITEMS)
      refuse('INVALID_INPUT', `A claim lists at most ${MAX_CLAIM_ITEMS} items`);
    const programme = requireProgramme(state.programme ?? { status: 'none' }, grant.programmeId);
    // Paid inside the programme's eligibility period and inside the operation's own dates.
    const window = overlap(programme.rules.eligibility, grant.operationDates);
    const items = command.items.map((item, i) => checkedItem(item, i, window));
    const declaredCents: Cents = items.reduce((sum, item) => sum + item.amountCents, 0);
    // Beyond the operation's whole eligible cost a claim is a mistake, and totals must stay exact (docs/security.md).
    if (declaredCents > grant.totalEligibleCostCents || declaredCents > MAX_AMOUNT_CENTS) {
      refuse(
        'CLAIM_EXCEEDS_ELIGIBLE_COST',
        `The claim declares ${declaredCents} cents, more than the operation's total eligible cost of ${grant.totalEligibleCostCents}`,
      );
    }
    const at = instant(now);
    const documents = claimedDocuments(command, grant, items, state, at);
    return [
      {
        type: 'ExpenditureClaimSubmitted',
        data: {
          grantId: grant.grantId,
          callId: grant.callId,
          programmeId: grant.programmeId,
          measureId: grant.measureId,
          claimId: command.claimId,
          kind: command.kind,
          items,
          declaredCents,
          submittedBy: command.submittedBy,
          submittedAt: at,
        },
      },
      { type: 'ExpenditureClaimFiled', data: { claimId: command.claimId, grantId: grant.grantId, filedAt: at } },
      ...documents,
    ];
  },
};

/** The keys of the documents the items name, each once; an item whose document is malformed is refused by `decide`. */
function documentKeys(command: SubmitExpenditureClaim, programmeId: string): string[] {
  const keys = new Set<string>();
  for (const item of Array.isArray(command.items) ? command.items.slice(0, MAX_CLAIM_ITEMS) : []) {
    const document = item?.document;
    if (typeof document !== 'object' || document === null) continue;
    const { issuerTaxCode, number, date } = document;
    if (typeof issuerTaxCode === 'string' && typeof number === 'string' && typeof date === 'string')
      keys.add(documentKey(programmeId, { issuerTaxCode, number, date }));
  }
  return [...keys];
}

function checkedItem(item: ClaimItem, i: number, window: { readonly from: string; readonly to: string }): ClaimItem {
  const amountCents = assertPositiveCents(item.amountCents, `item ${i} amount`);
  const description = assertText(item.description, `item ${i} description`);
  const category = assertText(item.category, `item ${i} category`, 64);
  const documentRef = assertText(item.documentRef, `item ${i} document reference`, 200);
  const paidOn = assertDay(item.paidOn, `item ${i} paidOn`);
  const document = checkedDocument(item.document, i);
  if (amountCents > document.amountCents) {
    refuse(
      'ITEM_EXCEEDS_DOCUMENT',
      `Item ${i} claims ${amountCents} cents on ${document.type} ${document.number} of ${document.amountCents}`,
      {
        itemIndex: i,
        amountCents,
        documentAmountCents: document.amountCents,
      },
    );
  }
  if (!withinPeriod(paidOn, window)) {
    refuse(
      'OUTSIDE_ELIGIBILITY_PERIOD',
      `Item ${i} was paid on ${paidOn}: eligible expenditure of this operation is paid from ${window.from} to ${window.to}`,
      {
        itemIndex: i,
        paidOn,
        eligibleFrom: window.from,
        eligibleTo: window.to,
      },
    );
  }
  return { description, category, amountCents, documentRef, paidOn, document };
}

function checkedDocument(document: ExpenditureDocument | null, i: number): ExpenditureDocument {
  if (typeof document !== 'object' || document === null)
    refuse('INVALID_INPUT', `Item ${i} needs its document: type, number, date, issuer's tax code and amount`);
  if (!DOCUMENT_TYPES.includes(document.type))
    refuse('INVALID_INPUT', `Item ${i}: unknown document type ${String(document.type)}`);
  const number = assertText(document.number, `item ${i} document number`, 64).trim();
  const date = assertDay(document.date, `item ${i} document date`);
  if (typeof document.issuerTaxCode !== 'string' || !TAX_CODE.test(document.issuerTaxCode.trim()))
    refuse('INVALID_INPUT', `Item ${i}: the issuer's tax code is 2 to 32 letters and digits`);
  const amountCents = assertPositiveCents(document.amountCents, `item ${i} document amount`);
  return { type: document.type, number, date, issuerTaxCode: document.issuerTaxCode.trim(), amountCents };
}

/**
 * Each document claimed once in the programme (Reg. (EU) 2021/1060 art. 63(9); 1303/2013 art.
 * 65(11)): not by another item of this claim, not by any earlier claim on any grant. The events
 * that take them, one per document, on its own stream.
 */
function claimedDocuments(
  command: SubmitExpenditureClaim,
  grant: ExistingGrant,
  items: readonly ClaimItem[],
  state: SubmitState,
  at: string,
): FundingEvent[] {
  const here = new Map<string, number>();
  return items.map((item, itemIndex): FundingEvent => {
    const key = documentKey(grant.programmeId, item.document!);
    const earlierItem = here.get(key);
    if (earlierItem !== undefined)
      alreadyClaimed(item, itemIndex, { claimId: command.claimId, grantId: grant.grantId, itemIndex: earlierItem });
    here.set(key, itemIndex);
    const register = state[`document:${documentHash(key)}`];
    // alsoReads names the stream of every well-formed document: one not read is a fault here, never a pass.
    if (register === undefined) throw new Error(`The stream of document ${documentHash(key)} was not read`);
    const earlier = register.claimed.get(key);
    if (earlier) alreadyClaimed(item, itemIndex, earlier);
    return {
      type: 'ExpenditureDocumentClaimed',
      data: {
        key,
        programmeId: grant.programmeId,
        grantId: grant.grantId,
        claimId: command.claimId,
        itemIndex,
        claimedCents: item.amountCents,
        claimedAt: at,
      },
    };
  });
}

function alreadyClaimed(
  item: ClaimItem,
  itemIndex: number,
  earlier: { readonly claimId: string; readonly grantId: string; readonly itemIndex: number },
): never {
  const { type, number, date, issuerTaxCode } = item.document!;
  return refuse(
    'DOCUMENT_ALREADY_CLAIMED',
    `Item ${itemIndex}: ${type} ${number} of ${date} issued by ${issuerTaxCode} is already claimed by claim ${earlier.claimId} (item ${earlier.itemIndex}) on grant ${earlier.grantId}`,
    {
      itemIndex,
      claimId: earlier.claimId,
      grantId: earlier.grantId,
      earlierItemIndex: earlier.itemIndex,
    },
  );
}
