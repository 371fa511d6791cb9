/**
 * Natural persons' data on the real process: their identity only in the vault, never in the log,
 * the read models, the public list or the logs; erasable by the data-protection officer once no
 * retention obligation runs, and then gone from every file the product writes.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { KEYS, removeDataDir, startApi, type ApiProcess } from './support/api-process.js';
import { FundingClient, awardBody } from './support/funding-requests.js';

/** Every byte of every file under a directory. */
function allBytes(dir: string): Buffer {
  return Buffer.concat(
    readdirSync(dir).map((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? allBytes(path) : readFileSync(path);
    }),
  );
}

describe('personal data of natural persons', () => {
  let api: ApiProcess;
  let client: FundingClient;

  beforeAll(async () => {
    api = await startApi();
    client = new FundingClient(api.url);
  });
  afterAll(async () => {
    await api.stop();
    removeDataDir(api.dataDir);
  });

  const person = (name: string, taxCode: string) => ({ type: 'natural-person' as const, taxCode, name, region: 'ITC1', contact: { email: `${taxCode.toLowerCase()}@example.org` } });

  it('a natural person whose only bid was withdrawn before evaluation is erased at once, and no byte of them is left', async () => {
    const name = 'Giulia Bianchi Verdone';
    const taxCode = 'BNCGLI85M41L219K';
    const callId = await client.openCall({ eligibleApplicantTypes: ['natural-person', 'company'] });
    const submitted = await client.submitBid(callId, { applicant: person(name, taxCode), projectTitle: 'Assistenza familiare', requestedCents: 500_000 });
    expect(submitted.status).toBe(201);
    const bidId = submitted.body.bidId as string;
    const withdrawn = await client.withdrawBid(bidId);
    expect(withdrawn.status).toBe(200);
    const callBefore = (await client.call(callId, { at: withdrawn.headers['x-event-position'] })).body;

    const found = await client.findDataSubject(taxCode);
    expect(found.status).toBe(200);
    const subjectId = found.body.subjectId as string;
    const access = await client.dataSubject(subjectId);
    expect(access.body).toMatchObject({ subjectId, status: 'held', identity: { name, taxCode }, bids: [{ bidId, status: 'withdrawn' }], grants: [], payments: [] });

    const erased = await client.eraseDataSubject(subjectId, { reason: 'Asked by the data subject (GDPR art. 17)' });
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ subjectId, erasedAt: expect.any(String) });

    expect((await client.dataSubject(subjectId)).body).toMatchObject({ subjectId, status: 'erased', bids: [{ bidId }] });
    expect((await client.findDataSubject(taxCode)).status).toBe(404);
    expect((await client.bid(bidId, { at: erased.headers['x-event-position'], key: KEYS.evaluator })).body).toMatchObject({ subjectId, identity: { erased: true } });
    expect((await client.eraseDataSubject(subjectId, { reason: 'Again' })).body.code).toBe('DATA_SUBJECT_ALREADY_ERASED');

    // The log and every total stay as they were.
    expect((await client.verifyLog()).body).toMatchObject({ ok: true });
    const callAfter = (await client.call(callId, { at: erased.headers['x-event-position'] })).body;
    expect({ ...callAfter, acceptingBids: undefined }).toEqual({ ...callBefore, acceptingBids: undefined });

    await api.stop();
    const bytes = Buffer.concat([allBytes(api.dataDir), Buffer.from(api.output())]);
    for (const needle of [name, taxCode, taxCode.toLowerCase(), 'Bianchi']) expect(bytes.includes(Buffer.from(needle))).toBe(false);
    api = await startApi({ dataDir: api.dataDir });
    client = new FundingClient(api.url);
  });

  it('refuses to erase a natural person with a grant while the retention period runs, counted from the last payment', async () => {
    const taxCode = 'VRDLCU70B12F205Z';
    const callId = await client.openCall({ eligibleApplicantTypes: ['natural-person'] });
    const submitted = await client.submitBid(callId, { applicant: person('Luca Verdi', taxCode), projectTitle: 'Microimpresa', requestedCents: 1_000_000 });
    const bidId = submitted.body.bidId as string;
    await client.evaluateBid(bidId, { admissible: true, score: 75 });
    const grantId = (await client.awardGrant(callId, awardBody(bidId, 800_000))).body.grantId as string;
    const paid = await client.recordDisbursement(grantId, { kind: 'advance', amountCents: 300_000 });
    const subjectId = (await client.findDataSubject(taxCode)).body.subjectId;

    const refused = await client.eraseDataSubject(subjectId, { reason: 'Asked by the data subject' });
    expect(refused.status).toBe(409);
    const paymentYear = new Date().getUTCFullYear();
    expect(refused.body).toMatchObject({ code: 'RETENTION_PERIOD_ACTIVE', retainUntil: `${paymentYear + 5}-12-31T23:59:59.999Z` });

    await client.readModelsAt(paid.headers['x-event-position']!);
    const access = await client.dataSubject(subjectId);
    expect(access.body).toMatchObject({
      identity: { name: 'Luca Verdi', taxCode },
      bids: [{ bidId, status: 'awarded' }],
      grants: [{ grantId, disbursedCents: 300_000 }],
      payments: [{ grantId, kind: 'advance', amountCents: 300_000 }],
    });
  });

  it('never shows a natural person to the viewer or the public list but by subject id and region; the acting roles see who they are', async () => {
    const name = 'Anna Neri Lombardi';
    const taxCode = 'NRENNA90C45F205T';
    const callId = await client.openCall({ eligibleApplicantTypes: ['natural-person'] });
    const bidId = (await client.submitBid(callId, { applicant: person(name, taxCode), projectTitle: 'Progetto', requestedCents: 100_000 })).body.bidId as string;
    await client.evaluateBid(bidId, { admissible: true, score: 60 });
    const award = await client.awardGrant(callId, awardBody(bidId, 100_000));
    const at = award.headers['x-event-position']!;

    const viewed = await client.bid(bidId, { at });
    expect(viewed.body.applicant).toEqual({ kind: 'natural-person', type: 'natural-person', subjectId: expect.any(String), region: 'ITC1' });
    const grant = await client.grant(award.body.grantId, { at });
    const published = await client.publicCsv('operations');
    for (const answer of [viewed.text, grant.text, published.body]) {
      expect(answer).not.toContain(name);
      expect(answer).not.toContain(taxCode);
    }
    const row = published.body.split('\n').find((line) => line.startsWith(award.body.grantId))!;
    // No name, the region for beneficiary and location, no municipality.
    expect(row).toContain(',,natural-person,ITC1,');
    expect(row).toMatch(/,ITC1,,\d{4}-/);
    expect((await client.bid(bidId, { at, key: KEYS.evaluator })).body.identity).toMatchObject({ name, taxCode });
    expect((await client.bid(bidId, { at, key: KEYS.auditor })).body.identity).toBeUndefined();
  });

  it('hides natural persons of a measure touching social hardship from everyone but the roles that act on them', async () => {
    // WECARE's M1 (territorial welfare experiments) is flagged sensitive in the fixture.
    const callId = await client.openCall({ measureId: 'wecare-m1', eligibleApplicantTypes: ['natural-person'] });
    const bidId = (await client.submitBid(callId, { applicant: person('Paolo Gialli', 'GLLPLA60D12L219Q'), projectTitle: 'Sostegno', requestedCents: 100_000 })).body.bidId as string;
    await client.evaluateBid(bidId, { admissible: true, score: 60 });
    const award = await client.awardGrant(callId, awardBody(bidId, 100_000));
    const at = award.headers['x-event-position']!;
    expect((await client.bid(bidId, { at })).status).toBe(404);
    expect((await client.grant(award.body.grantId, { at })).status).toBe(404);
    expect((await client.bidsOfCall(callId, {}, { at })).body.items).toEqual([]);
    expect((await client.bidsOfCall(callId, {}, { at, key: KEYS.programmeManager })).body.items).toHaveLength(1);
    expect((await client.publicOperations()).text).not.toContain(award.body.grantId);
    expect((await client.grant(award.body.grantId, { at, key: KEYS.financeOfficer })).body.identity).toMatchObject({ name: 'Paolo Gialli' });
  });

  it('keeps personal data out of the logs', () => {
    for (const needle of ['Luca Verdi', 'VRDLCU70B12F205Z', 'Anna Neri', 'NRENNA90C45F205T', 'Paolo Gialli']) expect(api.output()).not.toContain(needle);
  });
});
