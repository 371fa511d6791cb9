import { describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '@app/event-store';
import { fundingEventRegistry } from './stores.js';

const stored = (type: string, schemaVersion: number, data: object): RecordedEvent => ({
  eventId: '00000000-0000-4000-8000-000000000001',
  type,
  schemaVersion,
  data,
  metadata: { actor: 'dev:applicant-portal', correlationId: 'c', causationId: null, commandId: null, recordedAt: '2026-01-01T00:00:00.000Z' },
  stream: 'bid-b1',
  revision: 0,
  position: { commit: 1n, prepare: 1n },
});

describe('the funding event registry', () => {
  it('reads a v1 BidSubmitted of a legal person as v4: the submitting portal was its actor, the call was not sensitive', () => {
    const company = { type: 'company', taxCode: '01234567890', name: 'Officine Riunite Srl' };
    const upcast = fundingEventRegistry().upcast(stored('BidSubmitted', 1, { bidId: 'b1', callId: 'c1', applicant: company }));
    expect(upcast).toMatchObject({ schemaVersion: 4, data: { bidId: 'b1', callId: 'c1', submittedBy: 'dev:applicant-portal', applicant: { kind: 'legal-person', ...company }, sensitive: false, linkedUndertakings: [] } });
  });

  it("refuses a v2 BidSubmitted that holds a natural person's identity: it must move to the vault first", () => {
    const person = { type: 'company', taxCode: 'RSSMRA80A01L219X', name: 'Mario Rossi' };
    expect(() => fundingEventRegistry().upcast(stored('BidSubmitted', 2, { bidId: 'b1', applicant: person }))).toThrow(/personal-data vault/);
  });

  it('gives programmes, measures and calls from before their flags the defaults they had', () => {
    const registry = fundingEventRegistry();
    expect(registry.upcast(stored('ProgrammeEstablished', 1, { programmeId: 'p', funds: [{ fund: 'FSE', amountCents: 100 }] })).data).toMatchObject({
      funds: [{ fund: 'FSE', amountCents: 100, euCoFinancingRateBp: null }],
      rules: { programmingPeriod: '2021-2027', retention: { from: 'last-payment', years: 5 }, appealWindowDays: 60, deMinimis: { ceilingCents: 30_000_000, windowYears: 3 } },
    });
    expect(registry.upcast(stored('MeasureDefined', 1, { measureId: 'm' })).data).toMatchObject({ sensitive: false });
    expect(registry.upcast(stored('CallOpened', 1, { callId: 'c' })).data).toMatchObject({ sensitive: false, aidRegime: 'none' });
  });

  it('refuses, naming the migration, a v1 event whose v2 facts live elsewhere in its stream', () => {
    for (const type of ['GrantAwarded', 'BidWithdrawn', 'DisbursementRecorded', 'GrantCompleted', 'GrantRevoked']) {
      expect(() => fundingEventRegistry().upcast(stored(type, 1, { grantId: 'g1' }))).toThrow(/migrate the log .*adr\/0007/);
    }
  });
});
