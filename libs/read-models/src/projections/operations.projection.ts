import { grantDateOf, type GrantStatus } from '@app/funding';
import type { ReadModelSpace } from '../read-model-store.port.js';
import { readModel, type Projection } from './projection.js';

/**
 * How the public lists name a natural person beneficiary: never by name (Reg. 2021/1060 art. 49(3):
 * legal entities only; D.lgs. 33/2013 art. 26(4)), but by this label, so every operation is listed.
 */
export const NATURAL_PERSON_LABEL = 'Natural person';
/** The same label in OpenCoesione's language. */
export const NATURAL_PERSON_LABEL_IT = 'Persona fisica';

/**
 * One operation of the public list (EU Reg. 2021/1060 art. 49(3); Reg. 1303/2013 art. 115):
 * beneficiary (a legal person by name; a natural person by a neutral label and region only),
 * operation name and purpose, start and expected or actual end date, total cost, fund, specific
 * objective, EU co-financing rate, location, type of intervention. Every operation is in it, a
 * natural person's in a sensitive measure too: nothing in it identifies them. No tax codes.
 */
export interface Operation {
  readonly operationId: string;
  readonly cup: string;
  /** A legal person's name; for a natural person, NATURAL_PERSON_LABEL: the law publishes them by region only. */
  readonly beneficiaryName: string;
  readonly beneficiaryType: string;
  /** A natural person's NUTS 2 region. */
  readonly beneficiaryRegion: string | null;
  readonly operationTitle: string;
  readonly purpose: string | null;
  readonly programmeId: string;
  readonly programmeCode: string;
  readonly callId: string;
  readonly callTitle: string;
  readonly measureId: string;
  readonly measureCode: string;
  readonly measureTitle: string;
  readonly fund: string;
  readonly specificObjective: string | null;
  readonly interventionType: string | null;
  /** Basis points (5000 = 50%); null where the programme did not state it. */
  readonly euCoFinancingRateBp: number | null;
  readonly totalEligibleCostCents: number;
  readonly amountAwardedCents: number;
  readonly amountPaidCents: number;
  /** YYYY-MM-DD */
  readonly startDate: string;
  readonly plannedEndDate: string;
  readonly actualEndDate: string | null;
  /** NUTS 3 for a legal person's operation; NUTS 2 only for a natural person's. */
  readonly location: string;
  /** The ISTAT municipality code, for a legal person's operation only. */
  readonly municipality: string | null;
  /** The day the aid was granted (YYYY-MM-DD): the award act's date (for awards recorded before acts, the day they were recorded). */
  readonly grantDate: string;
  readonly awardedAt: string;
  readonly completedAt: string | null;
  readonly revokedAt: string | null;
  readonly status: string;
}

export const OPERATION_COLUMNS: ReadonlyArray<keyof Operation> = [
  'operationId',
  'cup',
  'beneficiaryName',
  'beneficiaryType',
  'beneficiaryRegion',
  'operationTitle',
  'purpose',
  'programmeId',
  'programmeCode',
  'callId',
  'callTitle',
  'measureId',
  'measureCode',
  'measureTitle',
  'fund',
  'specificObjective',
  'interventionType',
  'euCoFinancingRateBp',
  'totalEligibleCostCents',
  'amountAwardedCents',
  'amountPaidCents',
  'startDate',
  'plannedEndDate',
  'actualEndDate',
  'location',
  'municipality',
  'grantDate',
  'awardedAt',
  'completedAt',
  'revokedAt',
  'status',
];

/** An operation as stored: the grant's own figures, with its programme and call by id, and what OpenCoesione reports. */
type OperationDocument = Omit<Operation, 'programmeCode' | 'callTitle' | 'measureCode' | 'measureTitle'> & {
  readonly [field: string]: unknown;
  /** What the grant holds of its call's budget: its legally binding commitment (OpenCoesione's IMPEGNI). */
  readonly committedCents: number;
  /** Principal recovered (OpenCoesione reports payments net of it). */
  readonly recoveredCents: number;
};

interface ProgrammeLabels {
  readonly [field: string]: unknown;
  readonly code: string;
  readonly measures: ReadonlyArray<{ readonly measureId: string; readonly code: string; readonly title: string }>;
}

interface CallLabels {
  readonly [field: string]: unknown;
  readonly title: string;
}

const operations = readModel<
  OperationDocument,
  | 'GrantAwarded'
  | 'DisbursementRecorded'
  | 'GrantCompleted'
  | 'GrantRevoked'
  | 'ExpenditureClaimVerified'
  | 'RecoveryReceived'
>({
  collection: 'open_data_operations',
  eventTypes: [
    'GrantAwarded',
    'DisbursementRecorded',
    'GrantCompleted',
    'GrantRevoked',
    'ExpenditureClaimVerified',
    'RecoveryReceived',
  ],
  documentId: (event) => event.data.grantId,
  evolve(operation, event) {
    if (event.type === 'GrantAwarded') {
      const d = event.data;
      // A natural person is listed like everyone else (art. 49 lists every operation), but never named: a neutral label, their
      // NUTS 2 region, no municipality. So an operation in a measure touching health or social hardship reveals no one (D.lgs. 33/2013 art. 26(4)).
      const person = d.beneficiary.kind === 'natural-person' ? d.beneficiary : null;
      return {
        operationId: d.grantId,
        cup: d.cup,
        beneficiaryName: d.beneficiary.kind === 'legal-person' ? d.beneficiary.name : NATURAL_PERSON_LABEL,
        beneficiaryType: d.beneficiary.type,
        beneficiaryRegion: person ? person.region : null,
        operationTitle: d.projectTitle,
        purpose: d.operation.purpose,
        programmeId: d.programmeId,
        callId: d.callId,
        measureId: d.measureId,
        fund: d.fund,
        specificObjective: d.operation.specificObjective,
        interventionType: d.operation.interventionType,
        euCoFinancingRateBp: d.euCoFinancingRateBp,
        totalEligibleCostCents: d.operation.totalEligibleCostCents,
        amountAwardedCents: d.amountCents,
        amountPaidCents: 0,
        committedCents: d.amountCents,
        recoveredCents: 0,
        startDate: d.operation.plannedStartDate,
        plannedEndDate: d.operation.plannedEndDate,
        actualEndDate: null,
        location: person ? d.operation.nuts2 : d.operation.nuts3,
        municipality: person ? null : d.operation.istatMunicipalityCode,
        grantDate: grantDateOf(d),
        awardedAt: d.awardedAt,
        completedAt: null,
        revokedAt: null,
        status: 'active' satisfies GrantStatus,
      };
    }
    if (operation === null) return null;
    switch (event.type) {
      case 'DisbursementRecorded':
        return { ...operation, amountPaidCents: operation.amountPaidCents + event.data.amountCents };
      case 'GrantCompleted':
        return {
          ...operation,
          status: 'completed' satisfies GrantStatus,
          completedAt: event.data.completedAt,
          actualEndDate: event.data.actualEndDate,
          committedCents: operation.committedCents - event.data.releasedCents,
        };
      case 'GrantRevoked':
        return {
          ...operation,
          amountAwardedCents: event.data.awardAfterCents,
          committedCents: operation.committedCents - event.data.releasedCents,
          ...(event.data.whole ? { status: 'revoked' satisfies GrantStatus, revokedAt: event.data.revokedAt } : {}),
        };
      // What the grant stops holding after a final verification or a recovery is no longer committed.
      case 'ExpenditureClaimVerified':
        return { ...operation, committedCents: operation.committedCents - event.data.releasedCents };
      case 'RecoveryReceived':
        return {
          ...operation,
          recoveredCents: operation.recoveredCents + event.data.amountCents,
          committedCents: operation.committedCents - event.data.releasedCents,
        };
    }
  },
});

const programmeLabels = readModel<ProgrammeLabels, 'ProgrammeEstablished' | 'MeasureDefined'>({
  collection: 'open_data_programmes',
  eventTypes: ['ProgrammeEstablished', 'MeasureDefined'],
  documentId: (event) => event.data.programmeId,
  evolve(labels, event) {
    if (event.type === 'ProgrammeEstablished') return { code: event.data.code, measures: [] };
    if (labels === null) return null;
    const { measureId, code, title } = event.data;
    return { ...labels, measures: [...labels.measures, { measureId, code, title }] };
  },
});

const callLabels = readModel<CallLabels, 'CallOpened'>({
  collection: 'open_data_calls',
  eventTypes: ['CallOpened'],
  documentId: (event) => event.data.callId,
  evolve: (_labels, event) => ({ title: event.data.title }),
});

/**
 * The public list of operations: each grant's figures, and the names of its programme, measure and
 * call, kept together under one checkpoint.
 */
export const openDataOperations: Projection = {
  name: 'open-data-operations',
  version: 1,
  readModels: [operations, programmeLabels, callLabels],
};

const PAGE = 500;

/** Every operation in award order with the names filled in, a page at a time, and what OpenCoesione reports of it. */
export async function* listOperations(
  space: ReadModelSpace,
): AsyncGenerator<Operation & { readonly committedCents: number; readonly recoveredCents: number }> {
  const programmes = new Map<string, ProgrammeLabels | null>();
  const calls = new Map<string, CallLabels | null>();
  for (let offset = 0; ; offset += PAGE) {
    const page = (await space.find(operations.collection, {
      orderBy: [{ field: 'awardedAt', direction: 'asc' }],
      offset,
      limit: PAGE,
    })) as OperationDocument[];
    for (const operation of page) {
      const { programmeId, callId, measureId } = operation;
      if (!programmes.has(programmeId))
        programmes.set(
          programmeId,
          (await space.get(programmeLabels.collection, programmeId)) as ProgrammeLabels | null,
        );
      if (!calls.has(callId)) calls.set(callId, (await space.get(callLabels.collection, callId)) as CallLabels | null);
      const programme = programmes.get(programmeId);
      const measure = programme?.measures.find((m) => m.measureId === measureId);
      yield {
        ...operation,
        programmeCode: programme?.code ?? '',
        callTitle: calls.get(callId)?.title ?? '',
        measureCode: measure?.code ?? '',
        measureTitle: measure?.title ?? '',
      };
    }
    if (page.length < PAGE) return;
  }
}

/** OpenCoesione's project columns for the fields this ledger holds (their names, their order). */
export const OPENCOESIONE_COLUMNS = [
  'COD_LOCALE_PROGETTO',
  'CUP',
  'OC_TITOLO_PROGETTO',
  'OC_SINTESI_PROGETTO',
  'OC_DENOM_BENEFICIARIO',
  'FINANZ_UE',
  'FINANZ_TOTALE_PUBBLICO',
  'IMPEGNI',
  'TOT_PAGAMENTI',
  'OC_STATO_PROGETTO',
  'OC_DATA_INIZIO_PROGETTO',
  'OC_DATA_FINE_PROGETTO_PREVISTA',
  'OC_DATA_FINE_PROGETTO_EFFETTIVA',
] as const;

/** Euro as OpenCoesione writes them: a comma before the cents, no thousands separator. */
export function opencoesioneEuro(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}

const STATO: Readonly<Record<string, string>> = { active: 'In corso', completed: 'Concluso', revoked: 'Revocato' };

/**
 * An operation as an OpenCoesione row: EU financing at the fund's co-financing rate, total public
 * financing the award, commitments what the grant still holds, payments net of recoveries; dates YYYYMMDD.
 */
export function opencoesioneRow(
  operation: Operation & { readonly committedCents: number; readonly recoveredCents: number },
): Record<(typeof OPENCOESIONE_COLUMNS)[number], string> {
  const date = (iso: string | null) => (iso ? iso.slice(0, 10).replace(/-/g, '') : '');
  return {
    COD_LOCALE_PROGETTO: operation.operationId,
    CUP: operation.cup,
    OC_TITOLO_PROGETTO: operation.operationTitle,
    OC_SINTESI_PROGETTO: operation.purpose ?? '',
    // Only a natural person has a region.
    OC_DENOM_BENEFICIARIO: operation.beneficiaryRegion !== null ? NATURAL_PERSON_LABEL_IT : operation.beneficiaryName,
    FINANZ_UE:
      operation.euCoFinancingRateBp === null
        ? ''
        : opencoesioneEuro(Math.round((operation.amountAwardedCents * operation.euCoFinancingRateBp) / 10_000)),
    FINANZ_TOTALE_PUBBLICO: opencoesioneEuro(operation.amountAwardedCents),
    IMPEGNI: opencoesioneEuro(operation.committedCents),
    TOT_PAGAMENTI: opencoesioneEuro(operation.amountPaidCents - operation.recoveredCents),
    OC_STATO_PROGETTO: STATO[operation.status] ?? operation.status,
    OC_DATA_INIZIO_PROGETTO: date(operation.startDate),
    OC_DATA_FINE_PROGETTO_PREVISTA: date(operation.plannedEndDate),
    OC_DATA_FINE_PROGETTO_EFFETTIVA: date(operation.actualEndDate),
  };
}
