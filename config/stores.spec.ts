import { describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '@app/event-store';
import { loadConfig } from './app-config.js';
import { anchorDueMs, anchorWitness, fundingEventRegistry, verificationBlocker } from './stores.js';

const stored = (type: string, schemaVersion: number, data: object): RecordedEvent => ({
  eventId: '00000000-0000-4000-8000-000000000001',
  type,
  schemaVersion,
  data,
  metadata: {
    actor: 'dev:applicant-portal',
    correlationId: 'c',
    causationId: null,
    commandId: null,
    recordedAt: '2026-01-01T00:00:00.000Z',
  },
  stream: 'bid-b1',
  revision: 0,
  position: { commit: 1n, prepare: 1n },
});

describe('the funding event registry', () => {
  it('reads a v1 BidSubmitted of a legal person as v4: the submitting portal was its actor, the call was not sensitive', () => {
    const company = { type: 'company', taxCode: '01234567890', name: 'Officine Riunite Srl' };
    const upcast = fundingEventRegistry().upcast(
      stored('BidSubmitted', 1, { bidId: 'b1', callId: 'c1', applicant: company }),
    );
    expect(upcast).toMatchObject({
      schemaVersion: 4,
      data: {
        bidId: 'b1',
        callId: 'c1',
        submittedBy: 'dev:applicant-portal',
        applicant: { kind: 'legal-person', ...company },
        sensitive: false,
        linkedUndertakings: [],
      },
    });
  });

  it("refuses a v2 BidSubmitted that holds a natural person's identity: it must move to the vault first", () => {
    const person = { type: 'company', taxCode: 'RSSMRA80A01L219X', name: 'Mario Rossi' };
    expect(() => fundingEventRegistry().upcast(stored('BidSubmitted', 2, { bidId: 'b1', applicant: person }))).toThrow(
      /personal-data vault/,
    );
  });

  it('gives programmes, measures and calls from before their flags the defaults they had', () => {
    const registry = fundingEventRegistry();
    expect(
      registry.upcast(
        stored('ProgrammeEstablished', 1, { programmeId: 'p', funds: [{ fund: 'FSE', amountCents: 100 }] }),
      ).data,
    ).toMatchObject({
      funds: [{ fund: 'FSE', amountCents: 100, euCoFinancingRateBp: null }],
      rules: {
        programmingPeriod: '2021-2027',
        retention: { from: 'last-payment', years: 5 },
        appealWindowDays: 60,
        deMinimis: { ceilingCents: 30_000_000, windowYears: 3 },
      },
    });
    expect(registry.upcast(stored('MeasureDefined', 1, { measureId: 'm' })).data).toMatchObject({ sensitive: false });
    expect(registry.upcast(stored('CallOpened', 1, { callId: 'c' })).data).toMatchObject({
      sensitive: false,
      aidRegime: 'none',
    });
  });

  it("gives programmes their period's eligibility, calls from before the funding rate 100%, older grants their award / cost rule, and older claim items no payment date nor document (issue #24)", () => {
    const registry = fundingEventRegistry();
    const rules = (programmingPeriod: string) => ({
      programmingPeriod,
      retention: { from: 'last-payment', years: 5 },
      appealWindowDays: 60,
      deMinimis: { ceilingCents: 1, windowYears: 3 },
      interventionTypes: null,
      specificObjectives: null,
    });
    expect(
      registry.upcast(
        stored('ProgrammeEstablished', 3, { programmeId: 'wecare', funds: [], rules: rules('2014-2020') }),
      ).data,
    ).toMatchObject({
      rules: { programmingPeriod: '2014-2020', eligibility: { from: '2014-01-01', to: '2023-12-31' } },
    });
    expect(
      registry.upcast(stored('ProgrammeEstablished', 3, { programmeId: 'p', funds: [], rules: rules('2021-2027') }))
        .data,
    ).toMatchObject({ rules: { eligibility: { from: '2021-01-01', to: '2029-12-31' } } });
    expect(registry.upcast(stored('ProgrammeEstablished', 1, { programmeId: 'p', funds: [] })).data).toMatchObject({
      rules: { programmingPeriod: '2021-2027', eligibility: { from: '2021-01-01', to: '2029-12-31' } },
    });
    expect(registry.upcast(stored('CallOpened', 5, { callId: 'c' })).data).toMatchObject({ fundingRateBp: 10_000 });
    expect(registry.upcast(stored('GrantAwarded', 5, { grantId: 'g' })).data).toMatchObject({ fundingRateBp: null });
    const item = { description: 'Works', category: 'services', amountCents: 100, documentRef: 'INV-1' };
    expect(registry.upcast(stored('ExpenditureClaimSubmitted', 1, { claimId: 'k', items: [item] })).data).toMatchObject(
      { items: [{ ...item, paidOn: null, document: null }] },
    );
  });

  it('reads an award, revocation, recovery order or write-off stored before acts with `act: null`, a call before GBER terms with `gber: null`, and de minimis aid before grant dates as granted the day it was recorded (issue #24)', () => {
    const registry = fundingEventRegistry();
    expect(
      registry.upcast(stored('GrantAwarded', 5, { grantId: 'g', awardedAt: '2025-03-01T10:00:00.000Z' })),
    ).toMatchObject({ schemaVersion: 7, data: { act: null } });
    expect(registry.upcast(stored('GrantRevoked', 3, { grantId: 'g' }))).toMatchObject({
      schemaVersion: 4,
      data: { act: null },
    });
    expect(registry.upcast(stored('GrantRevoked', 2, { grantId: 'g' })).data).toMatchObject({ covar: null, act: null });
    expect(registry.upcast(stored('RecoveryOrdered', 1, { grantId: 'g', orderId: 'o' }))).toMatchObject({
      schemaVersion: 2,
      data: { act: null },
    });
    expect(registry.upcast(stored('RecoveryWrittenOff', 1, { grantId: 'g' })).data).toMatchObject({ act: null });
    expect(registry.upcast(stored('CallOpened', 5, { callId: 'c', aidRegime: 'gber' })).data).toMatchObject({
      aidRegime: 'gber',
      gber: null,
    });
    expect(
      registry.upcast(stored('DeMinimisAidRecorded', 1, { grantId: 'g', awardedAt: '2023-12-31T23:30:00.000Z' })),
    ).toMatchObject({ schemaVersion: 2, data: { grantDate: '2023-12-31' } });
  });

  it('reads a grant awarded before co-financing splits as v7 with no split and no priority axis, and keeps what a v7 award states (issue #27)', () => {
    const registry = fundingEventRegistry();
    const v6 = { grantId: 'g', fund: 'FSE', euCoFinancingRateBp: 5_000, amountCents: 100 };
    expect(registry.upcast(stored('GrantAwarded', 6, v6))).toMatchObject({
      schemaVersion: 7,
      data: { ...v6, cofinancing: null, priorityAxis: null },
    });
    expect(registry.upcast(stored('GrantAwarded', 5, { grantId: 'g' })).data).toMatchObject({
      fundingRateBp: null,
      cofinancing: null,
      priorityAxis: null,
    });
    const cofinancing = { euBp: 5_000, nationalBp: 3_500, regionalBp: 1_500 };
    expect(
      registry.upcast(stored('GrantAwarded', 7, { grantId: 'g', cofinancing, priorityAxis: 'II' })).data,
    ).toMatchObject({ cofinancing, priorityAxis: 'II' });
  });

  it('refuses, naming the migration, a v1 event whose v2 facts live elsewhere in its stream', () => {
    for (const type of ['GrantAwarded', 'BidWithdrawn', 'DisbursementRecorded', 'GrantCompleted', 'GrantRevoked']) {
      expect(() => fundingEventRegistry().upcast(stored(type, 1, { grantId: 'g1' }))).toThrow(
        /migrate the log .*adr\/0007/,
      );
    }
  });
});

describe('the anchors verification expects', () => {
  it('expects every event older than the anchor interval to be covered by an anchor; nothing when anchoring is off', () => {
    expect(anchorDueMs(loadConfig({}, '/srv/app'))).toBe(60_000);
    expect(anchorDueMs(loadConfig({ AUDIT_ANCHOR_INTERVAL_MS: '5000' }, '/srv/app'))).toBe(5_000);
    expect(anchorDueMs(loadConfig({ AUDIT_ANCHOR_INTERVAL_MS: '0' }, '/srv/app'))).toBeNull();
  });
});

describe('what keeps a verification from passing', () => {
  it('in production, verifying without the witness of the anchors; nothing elsewhere, nor with a witness', () => {
    const production = { ...loadConfig({}, '/srv/app'), environment: 'production' as const };
    expect(verificationBlocker(production, null)).toContain('production requires the witness of the anchors');
    expect(verificationBlocker(production, anchorWitness(production, '/mnt/ledger-witness'))).toBeNull();
    expect(verificationBlocker(loadConfig({}, '/srv/app'), null)).toBeNull();
  });
});
