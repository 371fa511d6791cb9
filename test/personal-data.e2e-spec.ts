/**
 * Natural persons' data on the real process: their identity only in the vault, never in the log,
 * the read models, the public list or the logs; erasable by the data-protection officer once no
 * retention obligation runs, and then gone from every file the product writes.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { KEYS, type ApiProcess } from './support/api-process.js';
import { FundingClient, actBody, awardBody, measureId } from './support/funding-requests.js';
import { startApiWithClient, stopAndRemove } from './support/running-api.js';

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

  beforeAll(async () => ({ api, client } = await startApiWithClient()));
  afterAll(() => stopAndRemove(api));

  const person = (name: string, taxCode: string) => ({
    type: 'natural-person' as const,
    taxCode,
    name,
    region: 'ITC1',
    contact: { email: `${taxCode.toLowerCase()}@example.org` },
  });

  /** A first-come call open to natural persons, with `call`'s terms. */
  const openCallToPersons = (call: Parameters<FundingClient['openCall']>[0] = {}) =>
    client.openCall({ eligibleApplicantTypes: ['natural-person'], selection: 'first-come', ...call });

  /** A natural person's bid on a first-come call, evaluated admissible with `score` and awarded what it asked. */
  async function awardedBidOf(
    callId: string,
    applicant: ReturnType<typeof person>,
    bid: { readonly projectTitle: string; readonly requestedCents: number; readonly score: number },
    award: Parameters<typeof awardBody>[2] = {},
  ) {
    const { projectTitle, requestedCents, score } = bid;
    const bidId = (await client.submitBid(callId, { applicant, projectTitle, requestedCents })).body.bidId as string;
    await client.evaluateBid(bidId, { admissible: true, score });
    return { bidId, award: await client.awardGrant(callId, awardBody(bidId, requestedCents, award)) };
  }

  it('a natural person whose only bid was withdrawn before evaluation is erased at once, and no byte of them is left', async () => {
    const name = 'Giulia Bianchi Verdone';
    const taxCode = 'BNCGLI85M41L219K';
    const callId = await client.openCall({ eligibleApplicantTypes: ['natural-person', 'company'] });
    const submitted = await client.submitBid(callId, {
      applicant: person(name, taxCode),
      projectTitle: 'Assistenza familiare',
      requestedCents: 500_000,
    });
    expect(submitted.status).toBe(201);
    const bidId = submitted.body.bidId as string;
    const withdrawn = await client.withdrawBid(bidId);
    expect(withdrawn.status).toBe(200);
    const callBefore = (await client.call(callId, { at: withdrawn.headers['x-event-position'] })).body;

    const found = await client.findDataSubject(taxCode);
    expect(found.status).toBe(200);
    const subjectId = found.body.subjectId as string;
    const access = await client.dataSubject(subjectId);
    expect(access.body).toMatchObject({
      subjectId,
      status: 'held',
      identity: { name, taxCode },
      bids: [{ bidId, status: 'withdrawn' }],
      grants: [],
      payments: [],
    });

    const erased = await client.eraseDataSubject(subjectId, { reason: 'Asked by the data subject (GDPR art. 17)' });
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ subjectId, erasedAt: expect.any(String) });

    expect((await client.dataSubject(subjectId)).body).toMatchObject({
      subjectId,
      status: 'erased',
      bids: [{ bidId }],
    });
    expect((await client.findDataSubject(taxCode)).status).toBe(404);
    expect(
      (await client.bid(bidId, { at: erased.headers['x-event-position'], key: KEYS.evaluator })).body,
    ).toMatchObject({ subjectId, identity: { erased: true } });
    expect((await client.eraseDataSubject(subjectId, { reason: 'Again' })).body.code).toBe(
      'DATA_SUBJECT_ALREADY_ERASED',
    );

    // The log and every total stay as they were.
    expect((await client.verifyLog()).body).toMatchObject({ ok: true });
    const callAfter = (await client.call(callId, { at: erased.headers['x-event-position'] })).body;
    expect({ ...callAfter, acceptingBids: undefined }).toEqual({ ...callBefore, acceptingBids: undefined });

    await api.stop();
    const bytes = Buffer.concat([allBytes(api.dataDir), Buffer.from(api.output())]);
    for (const needle of [name, taxCode, taxCode.toLowerCase(), 'Bianchi'])
      expect(bytes.includes(Buffer.from(needle))).toBe(false);
    ({ api, client } = await startApiWithClient({ dataDir: api.dataDir }));
  });

  it('refuses to erase a natural person with a grant while the retention period runs, counted from the last payment', async () => {
    const taxCode = 'VRDLCU70B12F205Z';
    const callId = await openCallToPersons();
    const submitted = await client.submitBid(callId, {
      applicant: person('Luca Verdi', taxCode),
      projectTitle: 'Microimpresa',
      requestedCents: 1_000_000,
    });
    const bidId = submitted.body.bidId as string;
    await client.evaluateBid(bidId, { admissible: true, score: 75 });
    const grantId = (await client.awardGrant(callId, awardBody(bidId, 800_000))).body.grantId as string;
    const paid = await client.recordDisbursement(grantId, { kind: 'advance', amountCents: 300_000 });
    const subjectId = (await client.findDataSubject(taxCode)).body.subjectId;

    const refused = await client.eraseDataSubject(subjectId, { reason: 'Asked by the data subject' });
    expect(refused.status).toBe(409);
    const paymentYear = new Date().getUTCFullYear();
    expect(refused.body).toMatchObject({
      code: 'RETENTION_PERIOD_ACTIVE',
      retainUntil: `${paymentYear + 5}-12-31T23:59:59.999Z`,
      retentionReasons: [
        { reason: 'operation-records', retainUntil: `${paymentYear + 5}-12-31T23:59:59.999Z`, grantId, bidId: null },
      ],
    });

    await client.readModelsAt(paid.headers['x-event-position']!);
    const access = await client.dataSubject(subjectId);
    expect(access.body).toMatchObject({
      identity: { name: 'Luca Verdi', taxCode },
      bids: [{ bidId, status: 'awarded' }],
      grants: [{ grantId, disbursedCents: 300_000 }],
      payments: [{ grantId, kind: 'advance', amountCents: 300_000 }],
    });
  });

  /** A natural person's bid, evaluated admissible and awarded `amountCents` on a first-come call opened with `call` (awarded at once). */
  async function grantToPerson(
    name: string,
    taxCode: string,
    amountCents: number,
    call: Parameters<FundingClient['openCall']>[0] = {},
    award: Parameters<typeof awardBody>[2] = {},
  ) {
    const { award: awarded } = await awardedBidOf(
      await openCallToPersons(call),
      person(name, taxCode),
      { projectTitle: 'Microimpresa', requestedCents: amountCents, score: 75 },
      award,
    );
    expect(awarded.status).toBe(201);
    return {
      grantId: awarded.body.grantId as string,
      subjectId: (await client.findDataSubject(taxCode)).body.subjectId as string,
    };
  }

  it('refuses to erase a natural person while a recovery ordered from them is open, naming each reason with its date', async () => {
    const { grantId, subjectId } = await grantToPerson('Marco Ferri', 'FRRMRC72C03L219P', 800_000);
    await client.recordDisbursement(grantId, { kind: 'advance', amountCents: 300_000 });
    expect((await client.revokeGrant(grantId, { reason: 'Requisiti venuti meno', act: actBody() })).status).toBe(200);
    const ordered = await client.orderRecovery(grantId, {
      amountCents: 300_000,
      interestRateBp: 250,
      dueDate: '2027-06-30',
      reference: 'REC-2026-9',
      act: actBody(),
    });
    expect(ordered.status).toBe(201);
    const until = `${new Date().getUTCFullYear() + 5}-12-31T23:59:59.999Z`;

    const refused = await client.eraseDataSubject(subjectId, { reason: 'Asked by the data subject' });
    expect(refused.status).toBe(409);
    // A recovery has no end date: nobody can say until when, so `retainUntil` is null and the reasons say why.
    expect(refused.body).toMatchObject({
      code: 'RETENTION_PERIOD_ACTIVE',
      retainUntil: null,
      retentionReasons: [
        { reason: 'operation-records', retainUntil: until, grantId, bidId: null },
        { reason: 'open-recovery', retainUntil: null, grantId, bidId: null },
      ],
    });

    // Received in full: the recovery no longer holds the records, the operation's period still does.
    const received = await client.recordRecoveryReceipt(grantId, {
      amountCents: 300_000,
      interestCents: 0,
      receivedAt: new Date().toISOString().slice(0, 10),
      reference: 'TES-2026-9',
    });
    expect(received.status).toBe(201);
    expect((await client.eraseDataSubject(subjectId, { reason: 'Asked again' })).body).toMatchObject({
      code: 'RETENTION_PERIOD_ACTIVE',
      retainUntil: until,
      retentionReasons: [{ reason: 'operation-records', retainUntil: until, grantId, bidId: null }],
    });
  });

  it("refuses to erase the beneficiary of State aid for 10 years from the award act, beyond the operation's own period", async () => {
    const act = actBody();
    const { grantId, subjectId } = await grantToPerson(
      'Elena Costa',
      'CSTLNE80A41L219H',
      500_000,
      { aidRegime: 'gber', gber: { article: 'art. 20', maxIntensityBp: 10_000 } },
      { rna: { cor: 'COR-77' }, act },
    );
    const refused = await client.eraseDataSubject(subjectId, { reason: 'Asked by the data subject' });
    expect(refused.status).toBe(409);
    const [year, month, day] = act.date.split('-').map(Number) as [number, number, number];
    const aidUntil = new Date(Date.UTC(year + 10, month - 1, day, 23, 59, 59, 999)).toISOString();
    expect(refused.body).toMatchObject({
      code: 'RETENTION_PERIOD_ACTIVE',
      retainUntil: aidUntil,
      retentionReasons: [
        { reason: 'operation-records', retainUntil: `${year + 5}-12-31T23:59:59.999Z`, grantId, bidId: null },
        { reason: 'state-aid-records', retainUntil: aidUntil, grantId, bidId: null },
      ],
    });
  });

  it('never shows a natural person to the viewer or the public list but by subject id and region; the acting roles see who they are', async () => {
    const name = 'Anna Neri Lombardi';
    const taxCode = 'NRENNA90C45F205T';
    const callId = await openCallToPersons();
    const { bidId, award } = await awardedBidOf(callId, person(name, taxCode), {
      projectTitle: 'Progetto',
      requestedCents: 100_000,
      score: 60,
    });
    const at = award.headers['x-event-position']!;

    const viewed = await client.bid(bidId, { at });
    expect(viewed.body.applicant).toEqual({
      kind: 'natural-person',
      type: 'natural-person',
      subjectId: expect.any(String),
      region: 'ITC1',
    });
    const grant = await client.grant(award.body.grantId, { at });
    const published = await client.publicCsv('operations');
    for (const answer of [viewed.text, grant.text, published.body]) {
      expect(answer).not.toContain(name);
      expect(answer).not.toContain(taxCode);
    }
    const row = published.body.split('\n').find((line) => line.startsWith(award.body.grantId))!;
    // A neutral label for the name, the region for beneficiary and location, no municipality.
    expect(row).toContain(',Natural person,natural-person,ITC1,');
    expect(row).toMatch(/,ITC1,,\d{4}-/);
    expect((await client.bid(bidId, { at, key: KEYS.evaluator })).body.identity).toMatchObject({ name, taxCode });
    expect((await client.bid(bidId, { at, key: KEYS.auditor })).body.identity).toBeUndefined();
  });

  it('hides natural persons of a measure touching social hardship from the viewer; only the roles that act on them see them', async () => {
    // WECARE's M1 (territorial welfare experiments) is flagged sensitive in the fixture.
    const callId = await openCallToPersons({ measureId: measureId('M1') });
    const { bidId, award } = await awardedBidOf(callId, person('Paolo Gialli', 'GLLPLA60D12L219Q'), {
      projectTitle: 'Sostegno',
      requestedCents: 100_000,
      score: 60,
    });
    const at = award.headers['x-event-position']!;
    expect((await client.bid(bidId, { at })).status).toBe(404);
    expect((await client.grant(award.body.grantId, { at })).status).toBe(404);
    expect((await client.bidsOfCall(callId, {}, { at })).body.items).toEqual([]);
    expect((await client.bidsOfCall(callId, {}, { at, key: KEYS.programmeManager })).body.items).toHaveLength(1);
    expect((await client.grant(award.body.grantId, { at, key: KEYS.financeOfficer })).body.identity).toMatchObject({
      name: 'Paolo Gialli',
    });
  });

  it("lists a natural person's operation in a sensitive measure in both public lists, without a byte that identifies them", async () => {
    const name = 'Carla Fumagalli Rinaldi';
    const taxCode = 'FMGCRL75E52L219W';
    const email = `${taxCode.toLowerCase()}@example.org`;
    const { award } = await awardedBidOf(
      await openCallToPersons({ measureId: measureId('M1') }),
      person(name, taxCode),
      {
        projectTitle: 'Sostegno domiciliare',
        requestedCents: 120_000,
        score: 70,
      },
    );
    expect(award.status).toBe(201);
    const grantId = award.body.grantId as string;
    await client.readModelsAt(award.headers['x-event-position']!);

    const json = await client.publicOperations();
    const csv = await client.publicCsv('operations');
    const opencoesione = await client.publicCsv('opencoesione');
    // Listed: as every operation is (Reg. 2021/1060 art. 49(3)), by a neutral label and the NUTS 2 region.
    expect(json.body.operations.find((o) => o.operationId === grantId)).toMatchObject({
      beneficiaryName: 'Natural person',
      beneficiaryType: 'natural-person',
      beneficiaryRegion: 'ITC1',
      location: 'ITC1',
      municipality: null,
      operationTitle: 'Sostegno domiciliare',
      measureId: measureId('M1'),
      amountAwardedCents: 120_000,
    });
    const row = csv.body.split('\n').find((line) => line.startsWith(`${grantId},`))!;
    expect(row).toContain(',Natural person,natural-person,ITC1,');
    const project = opencoesione.body.split('\n').find((line) => line.startsWith(`${grantId};`))!;
    expect(project).toContain(';Persona fisica;');
    // Not one identifying byte: no name or part of it, no tax code, no contact, no municipality or province of the operation.
    for (const body of [json.text, csv.body, opencoesione.body]) {
      for (const needle of [name, 'Fumagalli', 'Rinaldi', taxCode, taxCode.toLowerCase(), email])
        expect(body).not.toContain(needle);
    }
    for (const line of [JSON.stringify(json.body.operations.find((o) => o.operationId === grantId)), row, project]) {
      expect(line).not.toContain('001272');
      expect(line).not.toContain('ITC11');
    }
  });

  it('keeps personal data out of the logs', () => {
    for (const needle of [
      'Luca Verdi',
      'VRDLCU70B12F205Z',
      'Anna Neri',
      'NRENNA90C45F205T',
      'Paolo Gialli',
      'Carla Fumagalli',
      'FMGCRL75E52L219W',
      'Marco Ferri',
      'Elena Costa',
    ])
      expect(api.output()).not.toContain(needle);
  });
});
