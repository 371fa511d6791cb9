import { describe, expect, it } from '@jest/globals';
import { createLedgerClient, retryAfterSeconds, wasReplayed, writeMark } from './ledger-client.js';

describe('the ledger client', () => {
  it('sends the API key, the path parameters and the protocol headers, and reads the write back', async () => {
    const seen: Request[] = [];
    const client = createLedgerClient({
      baseUrl: 'http://ledger.test',
      apiKey: 'finance-officer-key',
      fetch: async (request) => {
        seen.push(request);
        return new Response(JSON.stringify({ grantId: 'g-1', disbursementId: 'd-1', revision: 1, position: '17' }), {
          status: 201,
          headers: {
            'Content-Type': 'application/json',
            ETag: '"1"',
            'X-Event-Position': '17',
            'Idempotent-Replayed': 'true',
          },
        });
      },
    });
    const { data, response } = await client.POST('/grants/{grantId}/disbursements', {
      params: { path: { grantId: 'g-1' }, header: { 'Idempotency-Key': 'pay-g-1-advance', 'If-Match': '"0"' } },
      body: { kind: 'advance', amountCents: 4_800_000 },
    });
    expect(seen[0]!.url).toBe('http://ledger.test/grants/g-1/disbursements');
    expect(seen[0]!.headers.get('authorization')).toBe('Bearer finance-officer-key');
    expect(seen[0]!.headers.get('idempotency-key')).toBe('pay-g-1-advance');
    expect(seen[0]!.headers.get('if-match')).toBe('"0"');
    expect(data?.disbursementId).toBe('d-1');
    expect(writeMark(response)).toEqual({ etag: '"1"', position: '17' });
    expect(wasReplayed(response)).toBe(true);
  });

  it('reads Retry-After in seconds', () => {
    expect(retryAfterSeconds(new Response(null, { status: 503, headers: { 'Retry-After': '5' } }))).toBe(5);
    expect(retryAfterSeconds(new Response(null, { status: 503 }))).toBeNull();
  });
});
