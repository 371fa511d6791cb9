import type { Cofinancing, Fund, IrregularityStatus } from '@app/funding';
import { readModel } from './projection.js';

/** Where the case of an irregularity stood at its latest follow-up. */
export interface IrregularityFollowUp {
  readonly status: IrregularityStatus;
  readonly correctedCents: number;
  readonly recoveredCents: number;
  readonly note: string | null;
  readonly followedUpBy: string;
  readonly followedUpAt: string;
}

/** An irregularity as recorded, where its follow-up stands, and whether and by when it is reported to OLAF. */
export interface IrregularitySummary {
  readonly [field: string]: unknown;
  readonly irregularityId: string;
  readonly grantId: string;
  readonly callId: string;
  readonly programmeId: string;
  readonly measureId: string;
  readonly fund: Fund;
  readonly cup: string;
  readonly type: string;
  readonly firstWrittenFindingOn: string;
  readonly irregularAmountCents: number;
  readonly cofinancing: Cofinancing;
  readonly euCents: number;
  readonly nationalCents: number;
  readonly regionalCents: number;
  readonly suspectedFraud: boolean;
  readonly description: string;
  readonly reportable: boolean;
  readonly reportToOlafBy: string | null;
  readonly recordedBy: string;
  readonly recordedAt: string;
  readonly status: IrregularityStatus;
  /** Corrected and recovered to date, as the latest follow-up said (0 before any). */
  readonly correctedCents: number;
  readonly recoveredCents: number;
  readonly followUps: number;
  readonly latestFollowUp: IrregularityFollowUp | null;
}

/** Every irregularity: `GET /irregularities` (those to report to OLAF, the nearest deadline first). */
export const irregularities = readModel<IrregularitySummary, 'IrregularityRecorded' | 'IrregularityFollowedUp'>({
  collection: 'irregularities',
  eventTypes: ['IrregularityRecorded', 'IrregularityFollowedUp'],
  documentId: (event) => event.data.irregularityId,
  evolve(irregularity, event) {
    if (event.type === 'IrregularityRecorded') {
      const d = event.data;
      return {
        irregularityId: d.irregularityId,
        grantId: d.grantId,
        callId: d.callId,
        programmeId: d.programmeId,
        measureId: d.measureId,
        fund: d.fund,
        cup: d.cup,
        type: d.type,
        firstWrittenFindingOn: d.firstWrittenFindingOn,
        irregularAmountCents: d.irregularAmountCents,
        cofinancing: {
          euBp: d.cofinancing.euBp,
          nationalBp: d.cofinancing.nationalBp,
          regionalBp: d.cofinancing.regionalBp,
        },
        euCents: d.euCents,
        nationalCents: d.nationalCents,
        regionalCents: d.regionalCents,
        suspectedFraud: d.suspectedFraud,
        description: d.description,
        reportable: d.reportable,
        reportToOlafBy: d.reportToOlafBy,
        recordedBy: d.recordedBy,
        recordedAt: d.recordedAt,
        status: 'open',
        correctedCents: 0,
        recoveredCents: 0,
        followUps: 0,
        latestFollowUp: null,
      };
    }
    if (irregularity === null) return null;
    const d = event.data;
    return {
      ...irregularity,
      status: d.status,
      correctedCents: d.correctedCents,
      recoveredCents: d.recoveredCents,
      followUps: irregularity.followUps + 1,
      latestFollowUp: {
        status: d.status,
        correctedCents: d.correctedCents,
        recoveredCents: d.recoveredCents,
        note: d.note,
        followedUpBy: d.followedUpBy,
        followedUpAt: d.followedUpAt,
      },
    };
  },
});
