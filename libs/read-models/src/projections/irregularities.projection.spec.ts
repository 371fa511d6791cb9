import { describe, expect, it } from '@jest/globals';
import type { FundingEvent, IrregularityEvent } from '@app/funding';
import { FUNDING_PROJECTIONS } from './index.js';
import { projectInMemory, recorded } from '../../test-support/in-memory-projection.js';
import { irregularities, type IrregularitySummary } from './irregularities.projection.js';

const found: IrregularityEvent = {
  type: 'IrregularityRecorded',
  data: {
    irregularityId: 'irr-1',
    grantId: 'g1',
    callId: 'c1',
    programmeId: 'wecare',
    measureId: 'm4',
    fund: 'FSE',
    cup: 'J11B17000270009',
    type: 'PROCUREMENT',
    firstWrittenFindingOn: '2026-02-10',
    irregularAmountCents: 3_000_000,
    cofinancing: { euBp: 5000, nationalBp: 3500, regionalBp: 1500 },
    euCents: 1_500_000,
    nationalCents: 1_050_000,
    regionalCents: 450_000,
    suspectedFraud: false,
    description: 'No comparison of quotes',
    reportable: true,
    reportToOlafBy: '2026-05-31',
    recordedBy: 'controller-1',
    recordedAt: '2026-03-01T10:00:00.000Z',
  },
};

const followedUp = (
  status: 'open' | 'under-recovery' | 'closed',
  correctedCents: number,
  recoveredCents: number,
  note: string | null = null,
): IrregularityEvent => ({
  type: 'IrregularityFollowedUp',
  data: {
    irregularityId: 'irr-1',
    grantId: 'g1',
    status,
    correctedCents,
    recoveredCents,
    note,
    followedUpBy: 'controller-1',
    followedUpAt: '2026-06-01T10:00:00.000Z',
  },
});

function after(...events: FundingEvent[]): IrregularitySummary | undefined {
  const docs = projectInMemory(recorded(events.map((event) => ({ stream: 'irregularity-irr-1', event }))), [
    { name: 'irregularities', version: 1, readModels: [irregularities] },
  ]);
  return docs.get('irregularities')?.get('irr-1') as IrregularitySummary | undefined;
}

describe('the irregularities read model', () => {
  it('shows an irregularity as recorded, open, with no follow-up yet', () => {
    expect(after(found)).toEqual({
      ...found.data,
      status: 'open',
      correctedCents: 0,
      recoveredCents: 0,
      followUps: 0,
      latestFollowUp: null,
    });
  });

  it('shows where the latest follow-up left it, amounts to date', () => {
    const summary = after(
      found,
      followedUp('under-recovery', 3_000_000, 500_000),
      followedUp('closed', 3_000_000, 3_000_000, 'Recovered in full'),
    );
    expect(summary).toMatchObject({
      status: 'closed',
      correctedCents: 3_000_000,
      recoveredCents: 3_000_000,
      followUps: 2,
      reportable: true,
      reportToOlafBy: '2026-05-31',
      latestFollowUp: {
        status: 'closed',
        correctedCents: 3_000_000,
        recoveredCents: 3_000_000,
        note: 'Recovered in full',
        followedUpBy: 'controller-1',
        followedUpAt: '2026-06-01T10:00:00.000Z',
      },
    });
  });

  it('ignores a follow-up of an irregularity it never saw recorded', () => {
    expect(after(followedUp('closed', 0, 0))).toBeUndefined();
  });

  it('is one of the projections of the product, on its own checkpoint', () => {
    expect(FUNDING_PROJECTIONS.find((p) => p.name === 'irregularities')?.readModels).toEqual([irregularities]);
  });
});
