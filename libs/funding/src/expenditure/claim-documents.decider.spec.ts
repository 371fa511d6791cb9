/**
 * The documents and dates behind each item of a claim: paid inside the eligibility period, proven
 * by a document that is claimed once in its programme.
 */
import { describe, expect, it } from '@jest/globals';
import { EUR, SUPPLIER, claimItem, claimSubmitted, programmeEstablished } from '../../test-support/funding.fixtures.js';
import { activeGrant, documentClaimed, filed, now, submit, verify } from '../../test-support/expenditure.fixtures.js';
import { expectRefusal, given } from '../../test-support/given-when-then.js';
import type { FundingEvent } from '../funding.events.js';
import type { GrantEvent } from '../grants/grant.events.js';
import { documentStream, streamOf } from '../streams.js';
import type { ClaimItem } from './expenditure.events.js';
import type { SubmitExpenditureClaim } from './submit-expenditure-claim.js';

describe('the documents and dates of expenditure (Reg. (EU) 2021/1060 art. 63(2) and (9); 1303/2013 art. 65(2) and (11))', () => {
  const withItem = (claimId: string, item: Partial<ClaimItem>, ...more: ClaimItem[]): SubmitExpenditureClaim => ({
    ...submit(claimId, 'interim'),
    items: [{ ...claimItem(EUR(1_000), `${claimId}-0`), ...item }, ...more],
  });
  const invoice = (number: string, amountCents: number, issuerTaxCode = SUPPLIER) => ({
    type: 'invoice' as const,
    number,
    date: '2026-06-10',
    issuerTaxCode,
    amountCents,
  });

  it("refuses an item paid outside the operation's dates or the programme's eligibility period, naming the item and the days it may be paid", async () => {
    const refusal = given(...activeGrant()).when(
      withItem('claim-1', {}, { ...claimItem(EUR(1_000), 'late'), paidOn: '2027-06-01' }),
      now,
    );
    await expect(refusal).rejects.toMatchObject({
      code: 'OUTSIDE_ELIGIBILITY_PERIOD',
      details: { itemIndex: 1, paidOn: '2027-06-01', eligibleFrom: '2026-06-01', eligibleTo: '2027-05-31' },
    });
    await expectRefusal(
      given(...activeGrant()).when(withItem('claim-1', { paidOn: '2026-05-31' }), now),
      'OUTSIDE_ELIGIBILITY_PERIOD',
    );
    // A 2014-2020 programme: its operations' expenditure is paid by 31 December 2023, whatever the operation's dates say.
    const established = programmeEstablished as Extract<FundingEvent, { type: 'ProgrammeEstablished' }>;
    const period2014: FundingEvent = {
      ...established,
      data: {
        ...established.data,
        rules: {
          ...established.data.rules,
          programmingPeriod: '2014-2020',
          eligibility: { from: '2014-01-01', to: '2023-12-31' },
        },
      },
    };
    const [, ...rest] = activeGrant();
    const longOperation = rest.map((e) =>
      e.type === 'GrantAwarded'
        ? {
            ...e,
            data: {
              ...e.data,
              operation: { ...e.data.operation, plannedStartDate: '2022-01-01', plannedEndDate: '2026-12-31' },
            },
          }
        : e,
    );
    expect(
      await given(period2014, ...longOperation).when(withItem('claim-1', { paidOn: '2023-12-31' }), now),
    ).toHaveLength(3);
    await expect(
      given(period2014, ...longOperation).when(withItem('claim-1', { paidOn: '2024-01-01' }), now),
    ).rejects.toMatchObject({
      code: 'OUTSIDE_ELIGIBILITY_PERIOD',
      details: { itemIndex: 0, paidOn: '2024-01-01', eligibleFrom: '2022-01-01', eligibleTo: '2023-12-31' },
    });
  });

  it('refuses an item without its payment date or its document, or with a document that is not one', async () => {
    await expectRefusal(given(...activeGrant()).when(withItem('claim-1', { paidOn: null }), now), 'INVALID_INPUT');
    await expectRefusal(
      given(...activeGrant()).when(withItem('claim-1', { paidOn: '2026-02-30' }), now),
      'INVALID_INPUT',
    );
    await expectRefusal(given(...activeGrant()).when(withItem('claim-1', { document: null }), now), 'INVALID_INPUT');
    await expectRefusal(
      given(...activeGrant()).when(
        withItem('claim-1', { document: { ...invoice('F1', EUR(1_000)), type: 'ticket' as never } }),
        now,
      ),
      'INVALID_INPUT',
    );
    await expectRefusal(
      given(...activeGrant()).when(withItem('claim-1', { document: invoice('F1', EUR(1_000), 'not a tax code') }), now),
      'INVALID_INPUT',
    );
    await expectRefusal(
      given(...activeGrant()).when(
        withItem('claim-1', { document: { ...invoice('F1', EUR(1_000)), date: '2026-6-10' } }),
        now,
      ),
      'INVALID_INPUT',
    );
    await expectRefusal(
      given(...activeGrant()).when(withItem('claim-1', { document: invoice('F1', 0) }), now),
      'INVALID_AMOUNT',
    );
  });

  it("claims at most the document's amount on an item", async () => {
    expect(
      await given(...activeGrant()).when(
        withItem('claim-1', { amountCents: EUR(1_000), document: invoice('F1', EUR(1_220)) }),
        now,
      ),
    ).toHaveLength(3);
    await expect(
      given(...activeGrant()).when(
        withItem('claim-1', { amountCents: EUR(1_000) + 1, document: invoice('F1', EUR(1_000)) }),
        now,
      ),
    ).rejects.toMatchObject({
      code: 'ITEM_EXCEEDS_DOCUMENT',
      details: { itemIndex: 0, amountCents: EUR(1_000) + 1, documentAmountCents: EUR(1_000) },
    });
  });

  it('takes each document once in the programme, on its own stream: twice in one claim, or on another grant, it is refused naming the claim that holds it', async () => {
    const events = await given(...activeGrant()).when(
      withItem('claim-1', { document: invoice('FT 118/2026', EUR(1_000)) }),
      now,
    );
    expect(events[2]).toEqual({
      type: 'ExpenditureDocumentClaimed',
      data: {
        key: `wecare|${SUPPLIER}|FT 118/2026|2026-06-10`,
        programmeId: 'wecare',
        grantId: 'g1',
        claimId: 'claim-1',
        itemIndex: 0,
        claimedCents: EUR(1_000),
        claimedAt: now.toISOString(),
      },
    });
    expect(streamOf(events[2]!)).toBe(documentStream(`wecare|${SUPPLIER}|FT 118/2026|2026-06-10`));
    // Twice in one claim: the same issuer, number and date, written otherwise (trimmed, any case).
    const twice = withItem(
      'claim-1',
      { document: invoice('FT 118/2026', EUR(1_000)) },
      { ...claimItem(EUR(500), 'x'), document: invoice(' ft 118/2026 ', EUR(1_000), ` ${SUPPLIER.toLowerCase()}`) },
    );
    await expect(given(...activeGrant()).when(twice, now)).rejects.toMatchObject({
      code: 'DOCUMENT_ALREADY_CLAIMED',
      details: { itemIndex: 1, claimId: 'claim-1', grantId: 'g1', earlierItemIndex: 0 },
    });
    // Already claimed by another grant of the programme.
    const elsewhere: FundingEvent = { ...documentClaimed('claim-9', 3, EUR(1_000), 'g9', 'FT 118/2026') };
    await expect(
      given(...activeGrant(), elsewhere).when(
        withItem('claim-1', { document: invoice('Ft 118/2026', EUR(1_000)) }),
        now,
      ),
    ).rejects.toMatchObject({
      code: 'DOCUMENT_ALREADY_CLAIMED',
      details: { itemIndex: 0, claimId: 'claim-9', grantId: 'g9', earlierItemIndex: 3 },
    });
    // Another date, number or issuer is another document; so is the same one in another programme.
    for (const other of [
      invoice('FT 118/2026', EUR(1_000), '01234567890'),
      invoice('FT 119/2026', EUR(1_000)),
      { ...invoice('FT 118/2026', EUR(1_000)), date: '2026-06-11' },
    ]) {
      expect(await given(...activeGrant(), elsewhere).when(withItem('claim-1', { document: other }), now)).toHaveLength(
        3,
      );
    }
    const inAnotherProgramme: FundingEvent = {
      ...elsewhere,
      data: { ...(elsewhere.data as object), key: `other|${SUPPLIER}|FT 118/2026|2026-06-10`, programmeId: 'other' },
    } as FundingEvent;
    expect(
      await given(...activeGrant(), inAnotherProgramme).when(
        withItem('claim-1', { document: invoice('FT 118/2026', EUR(1_000)) }),
        now,
      ),
    ).toHaveLength(3);
  });

  it('keeps claims from before documents as they were: their items have no payment date nor document, and are verified and paid as before', async () => {
    const legacy = claimSubmitted('claim-1', 'interim', EUR(10_000)) as Extract<
      GrantEvent,
      { type: 'ExpenditureClaimSubmitted' }
    >;
    const old: GrantEvent = {
      ...legacy,
      data: {
        ...legacy.data,
        items: [
          {
            description: 'Old',
            category: 'services',
            amountCents: EUR(10_000),
            documentRef: 'INV-1',
            paidOn: null,
            document: null,
          },
        ],
      },
    };
    const [verified] = await given(...activeGrant(old), filed('claim-1')).when(verify('claim-1', EUR(10_000)), now);
    expect(verified).toMatchObject({ type: 'ExpenditureClaimVerified', data: { eligibleCents: EUR(10_000) } });
  });
});
