import type { GrantStatus } from '@app/funding';
import type { ReadModelSpace } from '../read-model-store.port.js';
import { readModel, type Projection } from './projection.js';

/** One operation of the public list (EU Reg. 2021/1060 art. 49), as far as the model knows it. No tax codes. */
export interface Operation {
  readonly operationId: string;
  /** Null for a natural person: the law publishes them by region only. */
  readonly beneficiaryName: string | null;
  readonly beneficiaryType: string;
  /** A natural person's NUTS 2 region. */
  readonly beneficiaryRegion: string | null;
  readonly operationTitle: string;
  readonly programmeId: string;
  readonly programmeCode: string;
  readonly callId: string;
  readonly callTitle: string;
  readonly measureId: string;
  readonly measureCode: string;
  readonly measureTitle: string;
  readonly fund: string;
  readonly amountAwardedCents: number;
  readonly amountPaidCents: number;
  readonly awardedAt: string;
  readonly completedAt: string | null;
  readonly revokedAt: string | null;
  readonly status: string;
}

export const OPERATION_COLUMNS: ReadonlyArray<keyof Operation> = [
  'operationId', 'beneficiaryName', 'beneficiaryType', 'beneficiaryRegion', 'operationTitle', 'programmeId', 'programmeCode', 'callId', 'callTitle',
  'measureId', 'measureCode', 'measureTitle', 'fund', 'amountAwardedCents', 'amountPaidCents', 'awardedAt', 'completedAt', 'revokedAt', 'status',
];

/** An operation as stored: the grant's own figures, with its programme and call by id. */
type OperationDocument = Omit<Operation, 'programmeCode' | 'callTitle' | 'measureCode' | 'measureTitle'> & { readonly [field: string]: unknown };

interface ProgrammeLabels {
  readonly [field: string]: unknown;
  readonly code: string;
  readonly measures: ReadonlyArray<{ readonly measureId: string; readonly code: string; readonly title: string }>;
}

interface CallLabels {
  readonly [field: string]: unknown;
  readonly title: string;
}

const operations = readModel<OperationDocument, 'GrantAwarded' | 'DisbursementRecorded' | 'GrantCompleted' | 'GrantRevoked'>({
  collection: 'open_data_operations',
  eventTypes: ['GrantAwarded', 'DisbursementRecorded', 'GrantCompleted', 'GrantRevoked'],
  documentId: (event) => event.data.grantId,
  evolve(operation, event) {
    if (event.type === 'GrantAwarded') {
      const d = event.data;
      const person = d.beneficiary.kind === 'natural-person' ? d.beneficiary : null;
      // A natural person in a measure touching health or social hardship is never published (D.lgs. 33/2013 art. 26(4)).
      if (person && d.sensitive) return null;
      return {
        operationId: d.grantId,
        beneficiaryName: d.beneficiary.kind === 'legal-person' ? d.beneficiary.name : null,
        beneficiaryType: d.beneficiary.type,
        beneficiaryRegion: person ? person.region : null,
        operationTitle: d.projectTitle,
        programmeId: d.programmeId,
        callId: d.callId,
        measureId: d.measureId,
        fund: d.fund,
        amountAwardedCents: d.amountCents,
        amountPaidCents: 0,
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
        return { ...operation, status: 'completed' satisfies GrantStatus, completedAt: event.data.completedAt };
      case 'GrantRevoked':
        return {
          ...operation,
          amountAwardedCents: event.data.awardAfterCents,
          ...(event.data.whole ? { status: 'revoked' satisfies GrantStatus, revokedAt: event.data.revokedAt } : {}),
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
  readModels: [operations, programmeLabels, callLabels],
};

const PAGE = 500;

/** Every operation in award order, with the names filled in, a page at a time. */
export async function* listOperations(space: ReadModelSpace): AsyncGenerator<Operation> {
  const programmes = new Map<string, ProgrammeLabels | null>();
  const calls = new Map<string, CallLabels | null>();
  for (let offset = 0; ; offset += PAGE) {
    const page = (await space.find(operations.collection, { orderBy: [{ field: 'awardedAt', direction: 'asc' }], offset, limit: PAGE })) as OperationDocument[];
    for (const { programmeId, callId, measureId, ...operation } of page) {
      if (!programmes.has(programmeId)) programmes.set(programmeId, (await space.get(programmeLabels.collection, programmeId)) as ProgrammeLabels | null);
      if (!calls.has(callId)) calls.set(callId, (await space.get(callLabels.collection, callId)) as CallLabels | null);
      const programme = programmes.get(programmeId);
      const measure = programme?.measures.find((m) => m.measureId === measureId);
      yield {
        operationId: operation.operationId,
        beneficiaryName: operation.beneficiaryName,
        beneficiaryType: operation.beneficiaryType,
        beneficiaryRegion: operation.beneficiaryRegion,
        operationTitle: operation.operationTitle,
        programmeId,
        programmeCode: programme?.code ?? '',
        callId,
        callTitle: calls.get(callId)?.title ?? '',
        measureId,
        measureCode: measure?.code ?? '',
        measureTitle: measure?.title ?? '',
        fund: operation.fund,
        amountAwardedCents: operation.amountAwardedCents,
        amountPaidCents: operation.amountPaidCents,
        awardedAt: operation.awardedAt,
        completedAt: operation.completedAt,
        revokedAt: operation.revokedAt,
        status: operation.status,
      };
    }
    if (page.length < PAGE) return;
  }
}
