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
  it('reads a v1 BidSubmitted as v2: the submitting portal was its actor', () => {
    const upcast = fundingEventRegistry().upcast(stored('BidSubmitted', 1, { bidId: 'b1', callId: 'c1' }));
    expect(upcast).toMatchObject({ schemaVersion: 2, data: { bidId: 'b1', callId: 'c1', submittedBy: 'dev:applicant-portal' } });
  });

  it('refuses, naming the migration, a v1 event whose v2 facts live elsewhere in its stream', () => {
    for (const type of ['GrantAwarded', 'BidWithdrawn', 'DisbursementRecorded', 'GrantCompleted', 'GrantRevoked']) {
      expect(() => fundingEventRegistry().upcast(stored(type, 1, { grantId: 'g1' }))).toThrow(/migrate the log .*adr\/0007/);
    }
  });
});
