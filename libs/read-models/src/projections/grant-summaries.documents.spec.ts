/**
 * The documents of expenditure on the grant read model: each item with its payment date and its
 * document, as claimed; a natural person's codice fiscale as an issuer stays in the log only.
 */
import { describe, expect, it } from '@jest/globals';
import type { FundingEvent, GrantEvent } from '@app/funding';
import { EUR, claimItem, claimSubmitted, grantAwarded } from '../../../funding/test-support/funding.fixtures.js';
import { projectInMemory, recorded } from '../../test-support/in-memory-projection.js';
import { grantSummaries, type GrantSummary } from './grant-summaries.projection.js';

function summaryAfter(events: readonly FundingEvent[]): GrantSummary {
  const docs = projectInMemory(recorded(events.map((event) => ({ stream: 'grant-g1', event }))), [
    { name: 'grant-summaries', version: 1, readModels: [grantSummaries] },
  ]);
  return docs.get('grants')!.get('g1') as GrantSummary;
}

describe("a grant's claims, item by item", () => {
  it('show when each item was paid and its document, and the funding rate of the grant', () => {
    const summary = summaryAfter([grantAwarded(EUR(120_000)), claimSubmitted('claim-1', 'interim', EUR(1_000))]);
    expect(summary.fundingRateBp).toBe(6000);
    expect(summary.claims[0]!.items).toEqual([claimItem(EUR(1_000), 'claim-1-0')]);
  });

  it("leave out a natural person's codice fiscale as the issuer of a document, and keep items from before documents as they were", () => {
    const submitted = claimSubmitted('claim-1', 'interim', EUR(1_000), EUR(500)) as Extract<
      GrantEvent,
      { type: 'ExpenditureClaimSubmitted' }
    >;
    const [first, second] = submitted.data.items;
    const receipt = {
      ...first!,
      document: { ...first!.document!, type: 'receipt' as const, issuerTaxCode: 'RSSMRA80A01L219X' },
    };
    const old = { ...second!, paidOn: null, document: null };
    const summary = summaryAfter([
      grantAwarded(EUR(120_000)),
      { ...submitted, data: { ...submitted.data, items: [receipt, old] } },
    ]);
    expect(summary.claims[0]!.items).toEqual([
      { ...receipt, document: { ...receipt.document, issuerTaxCode: null } },
      old,
    ]);
    expect(JSON.stringify(summary)).not.toContain('RSSMRA80A01L219X');
  });
});
