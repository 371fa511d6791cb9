/**
 * Erasure of a natural person (GDPR art. 17) against every retention obligation that holds their
 * records (art. 17(3)(b)): the programme's retention of an operation, State aid records, a recovery
 * still open; decided on the grant's own stream, so a change to the grant recorded meanwhile makes
 * the erasure decide again.
 */
import { describe, expect, it } from '@jest/globals';
import {
  EUR,
  G1_PLACE,
  disbursed,
  grantAwarded,
  grantRevoked,
  programmeEstablished,
} from '../../test-support/funding.fixtures.js';
import { expectRefusal, given } from '../../test-support/given-when-then.js';
import { DomainError } from '../domain-error.js';
import type { GrantEvent } from '../grants/grant.events.js';
import type { AidRegime } from '../funding.types.js';
import type { EraseDataSubject } from './erase-data-subject.js';

/** g1 awarded to natural person `subjectId` under `aidRegime` by an act of `grantDate` (the day its aid is granted), recorded that day. */
function awardedTo(subjectId: string, aidRegime: AidRegime = 'none', grantDate = '2026-05-01'): GrantEvent {
  const award = grantAwarded(EUR(100_000));
  if (award.type !== 'GrantAwarded') throw new Error('not an award');
  return {
    ...award,
    data: {
      ...award.data,
      beneficiary: { kind: 'natural-person', type: 'natural-person', subjectId, region: 'ITC1' },
      aidRegime,
      act: { number: 'D.D. 412/2026', date: grantDate, signatory: 'Dirigente' },
      awardedAt: `${grantDate}T10:00:00.000Z`,
    },
  };
}

/** EUR 40,000 advanced on 1 June 2026 (the fixture's payment day), then the grant revoked whole: all of it due back. */
const revoked = grantRevoked({
  reason: 'Requirements lost',
  revokedCents: EUR(100_000),
  releasedCents: EUR(60_000),
  recoveryDueCents: EUR(40_000),
  revokedAt: '2026-07-01T10:00:00.000Z',
});
const ordered = (amountCents: number): GrantEvent => ({
  type: 'RecoveryOrdered',
  data: {
    ...G1_PLACE,
    orderId: 'o1',
    amountCents,
    interestRateBp: 250,
    dueDate: '2026-12-31',
    reference: 'DD-2026-77',
    act: null,
    orderedAt: '2026-08-01T10:00:00.000Z',
  },
});
const received = (amountCents: number): GrantEvent => ({
  type: 'RecoveryReceived',
  data: {
    ...G1_PLACE,
    receiptId: 'r1',
    amountCents,
    interestCents: 0,
    receivedAt: '2026-09-01',
    reference: 'TES-1',
    releasedCents: amountCents,
    recordedAt: '2026-09-01T10:00:00.000Z',
  },
});
const writtenOff = (amountCents: number): GrantEvent => ({
  type: 'RecoveryWrittenOff',
  data: { ...G1_PLACE, amountCents, reason: 'Insolvent', act: null, writtenOffAt: '2026-10-01T10:00:00.000Z' },
});

const erase = (grants: string[] = ['g1']): EraseDataSubject => ({
  type: 'EraseDataSubject',
  subjectId: 's1',
  reason: 'GDPR art. 17 request',
  records: { bids: [], grants: grants.map((grantId) => ({ grantId })) },
});

/** The refusal's details, as the API hands them back beside RETENTION_PERIOD_ACTIVE. */
async function refusal(outcome: Promise<unknown>): Promise<DomainError['details']> {
  const error = await outcome.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toMatchObject({ constructor: DomainError, code: 'RETENTION_PERIOD_ACTIVE' });
  return (error as DomainError).details;
}

describe('erasing a natural person once no retention obligation runs', () => {
  it('erases a subject with nothing held at once', async () => {
    expect(await given().when(erase([]), new Date('2026-03-01T10:00:00.000Z'))).toEqual([
      {
        type: 'DataSubjectErased',
        data: { subjectId: 's1', reason: 'GDPR art. 17 request', erasedAt: '2026-03-01T10:00:00.000Z' },
      },
    ]);
  });

  it("keeps an operation's records 5 years from 31 December of the year of its last payment (Reg. 2021/1060 art. 82), then records the erasure on the grant too", async () => {
    const history = [programmeEstablished, awardedTo('s1'), disbursed('d1', 'advance', EUR(40_000))];
    expect(await refusal(given(...history).when(erase(), new Date('2031-12-31T12:00:00.000Z')))).toEqual({
      retainUntil: '2031-12-31T23:59:59.999Z',
      retentionReasons: [
        { reason: 'operation-records', retainUntil: '2031-12-31T23:59:59.999Z', grantId: 'g1', bidId: null },
      ],
    });
    const now = new Date('2032-01-01T00:00:00.000Z');
    expect(await given(...history).when(erase(), now)).toEqual([
      {
        type: 'DataSubjectErased',
        data: { subjectId: 's1', reason: 'GDPR art. 17 request', erasedAt: now.toISOString() },
      },
      { type: 'GrantBeneficiaryErased', data: { ...G1_PLACE, subjectId: 's1', erasedAt: now.toISOString() } },
    ]);
  });

  it('keeps State aid records 10 years from the award (GBER art. 12; de minimis Reg. 2023/2831), whatever the programme keeps', async () => {
    for (const aidRegime of ['gber', 'de-minimis'] as const) {
      const history = [programmeEstablished, awardedTo('s1', aidRegime), disbursed('d1', 'advance', EUR(40_000))];
      // The operation's records may go at the end of 2031; the aid's stay until 1 May 2036.
      expect(await refusal(given(...history).when(erase(), new Date('2033-06-01T10:00:00.000Z')))).toEqual({
        retainUntil: '2036-05-01T23:59:59.999Z',
        retentionReasons: [
          { reason: 'state-aid-records', retainUntil: '2036-05-01T23:59:59.999Z', grantId: 'g1', bidId: null },
        ],
      });
      expect((await given(...history).when(erase(), new Date('2036-05-02T00:00:00.000Z'))).map((e) => e.type)).toEqual([
        'DataSubjectErased',
        'GrantBeneficiaryErased',
      ]);
    }
    // Outside any aid regime nothing is kept for aid.
    expect(
      (
        await given(programmeEstablished, awardedTo('s1'), disbursed('d1', 'advance', EUR(40_000))).when(
          erase(),
          new Date('2033-06-01T10:00:00.000Z'),
        )
      ).map((e) => e.type),
    ).toEqual(['DataSubjectErased', 'GrantBeneficiaryErased']);
  });

  it('keeps de minimis aid granted under Reg. 1407/2013 (before 2024) 10 fiscal years', async () => {
    const history = [programmeEstablished, awardedTo('s1', 'de-minimis', '2023-03-10')];
    const details = await refusal(given(...history).when(erase(), new Date('2033-06-01T10:00:00.000Z')));
    expect(details['retentionReasons']).toEqual([
      { reason: 'state-aid-records', retainUntil: '2033-12-31T23:59:59.999Z', grantId: 'g1', bidId: null },
    ]);
  });

  it('keeps the records while a recovery ordered is neither received nor written off in full, with no end date', async () => {
    const owing = [programmeEstablished, awardedTo('s1'), disbursed('d1', 'advance', EUR(40_000)), revoked];
    const later = new Date('2040-01-01T10:00:00.000Z');
    // Due but not ordered: the recovery was never opened, the operation's period is over.
    expect((await given(...owing).when(erase(), later)).map((e) => e.type)).toEqual([
      'DataSubjectErased',
      'GrantBeneficiaryErased',
    ]);
    expect(await refusal(given(...owing, ordered(EUR(40_000)), received(EUR(30_000))).when(erase(), later))).toEqual({
      retainUntil: null,
      retentionReasons: [{ reason: 'open-recovery', retainUntil: null, grantId: 'g1', bidId: null }],
    });
    // Received and written off in full: it no longer holds.
    expect(
      (
        await given(...owing, ordered(EUR(40_000)), received(EUR(30_000)), writtenOff(EUR(10_000))).when(erase(), later)
      ).map((e) => e.type),
    ).toEqual(['DataSubjectErased', 'GrantBeneficiaryErased']);
    expect(
      (await given(...owing, ordered(EUR(40_000)), received(EUR(40_000))).when(erase(), later)).map((e) => e.type),
    ).toEqual(['DataSubjectErased', 'GrantBeneficiaryErased']);
  });

  it('names every reason that holds, each with its own date; the records are kept until the last, or with no date while one has none', async () => {
    const history = [
      programmeEstablished,
      awardedTo('s1', 'gber'),
      disbursed('d1', 'advance', EUR(40_000)),
      revoked,
      ordered(EUR(40_000)),
    ];
    const details = await refusal(given(...history).when(erase(), new Date('2027-01-10T10:00:00.000Z')));
    expect(details).toEqual({
      retainUntil: null,
      retentionReasons: [
        { reason: 'operation-records', retainUntil: '2031-12-31T23:59:59.999Z', grantId: 'g1', bidId: null },
        { reason: 'state-aid-records', retainUntil: '2036-05-01T23:59:59.999Z', grantId: 'g1', bidId: null },
        { reason: 'open-recovery', retainUntil: null, grantId: 'g1', bidId: null },
      ],
    });
  });

  it('keeps a bid still being decided, and one that may be appealed, as before', async () => {
    const bids: EraseDataSubject['records']['bids'] = [
      {
        bidId: 'b1',
        status: 'admissible',
        evaluatedAt: '2026-04-20T10:00:00.000Z',
        withdrawnAt: null,
        appealWindowDays: 60,
      },
      {
        bidId: 'b2',
        status: 'inadmissible',
        evaluatedAt: '2026-04-20T10:00:00.000Z',
        withdrawnAt: null,
        appealWindowDays: 60,
      },
    ];
    expect(
      await refusal(
        given().when({ ...erase([]), records: { bids, grants: [] } }, new Date('2026-05-01T10:00:00.000Z')),
      ),
    ).toEqual({
      retainUntil: null,
      retentionReasons: [
        { reason: 'open-procedure', retainUntil: null, grantId: null, bidId: 'b1' },
        { reason: 'appeal-window', retainUntil: '2026-06-19T10:00:00.000Z', grantId: null, bidId: 'b2' },
      ],
    });
  });

  it("refuses a grant that is not the subject's, and a subject erased already", async () => {
    await expectRefusal(
      given(programmeEstablished, awardedTo('s2')).when(erase(), new Date('2040-01-01T10:00:00.000Z')),
      'INVALID_INPUT',
    );
    await expectRefusal(
      given({
        type: 'DataSubjectErased',
        data: { subjectId: 's1', reason: 'x', erasedAt: '2030-01-01T10:00:00.000Z' },
      }).when(erase([]), new Date('2040-01-01T10:00:00.000Z')),
      'DATA_SUBJECT_ALREADY_ERASED',
    );
  });

  it('decides again when a recovery is ordered on the grant between its read and its append, and then refuses (invariant 9)', async () => {
    const owing = [programmeEstablished, awardedTo('s1'), disbursed('d1', 'advance', EUR(40_000)), revoked];
    const later = new Date('2040-01-01T10:00:00.000Z');
    // Alone, the erasure goes through; when the officer orders the recovery just as it appends, it reads again and is refused.
    expect((await given(...owing).when(erase(), later)).map((e) => e.type)).toEqual([
      'DataSubjectErased',
      'GrantBeneficiaryErased',
    ]);
    expect(
      (await refusal(given(...owing).whenMeanwhile(erase(), later, [ordered(EUR(40_000))])))['retentionReasons'],
    ).toEqual([{ reason: 'open-recovery', retainUntil: null, grantId: 'g1', bidId: null }]);
    // A payment recorded meanwhile moves the operation's retention the same way.
    const paidLate = {
      ...disbursed('d2', 'advance', EUR(1_000)),
      data: { ...disbursed('d2', 'advance', EUR(1_000)).data, paidAt: '2039-06-01T10:00:00.000Z' },
    } as GrantEvent;
    expect(
      (
        await refusal(
          given(programmeEstablished, awardedTo('s1'), disbursed('d1', 'advance', EUR(40_000))).whenMeanwhile(
            erase(),
            later,
            [paidLate],
          ),
        )
      )['retainUntil'],
    ).toBe('2044-12-31T23:59:59.999Z');
  });
});
