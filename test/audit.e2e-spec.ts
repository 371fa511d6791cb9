/**
 * The auditor's side over HTTP and from the command line: history, state as of a moment,
 * tamper evidence, replay verification, open data.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parsePosition, positionKey } from '@app/event-store';
import { KEYS, bearer, removeDataDir, runTool, startApi, type ApiProcess } from './support/api-process.js';
import { FundingClient, actBody, awardBody, measureId } from './support/funding-requests.js';
import { request } from './support/http.js';

describe('audit', () => {
  let api: ApiProcess;
  let client: FundingClient;
  let callId: string;
  let grantId: string;
  let bidId: string;
  const awardAct = actBody({ number: 'D.D. 412/2026' });
  const positions: Record<string, string> = {};
  const times: Record<string, string> = {};
  /** Raw, for paths and parameters no client would send; the answers are still checked against the document. */
  const audit = (path: string, key: string = KEYS.auditor) => request(api.url).get(path).set(bearer(key));

  beforeAll(async () => {
    api = await startApi({ env: { OPEN_DATA_RATE_LIMIT: '8' } });
    client = new FundingClient(api.url);
    times['beforeCall'] = new Date().toISOString();
    callId = await client.openCall({ budgetCents: 50_000_000 });
    // A ranking call: its one bid evaluated, the call closed, its ranking approved, then the award by its act.
    [bidId] = (
      await client.rankedBids(callId, [
        {
          score: 80,
          applicant: {
            type: 'company',
            taxCode: 'RSSMRA80A01L219X',
            name: 'Mario Rossi ditta individuale',
            region: 'ITC1',
          },
          requestedCents: 15_000_000,
        },
      ])
    ).bidIds as [string];
    const awarded = await client.awardGrant(callId, awardBody(bidId, 12_000_000, { act: awardAct }));
    grantId = awarded.body.grantId;
    positions['awarded'] = awarded.headers['x-event-position'] ?? '';
    await new Promise((r) => setTimeout(r, 5));
    times['afterAward'] = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    positions['advance'] =
      (await client.recordDisbursement(grantId, { kind: 'advance', amountCents: 4_800_000 })).headers[
        'x-event-position'
      ] ?? '';
    // EUR 100k of expenditure verified: with the advance offset against it, EUR 52k more is payable.
    const claimId = await client.verifiedClaim(grantId, 10_000_000);
    positions['interim'] =
      (await client.recordDisbursement(grantId, { kind: 'interim', amountCents: 5_200_000, claimId })).headers[
        'x-event-position'
      ] ?? '';
    positions['revoked'] =
      (
        await client.revokeGrant(grantId, {
          reason: 'Irregularity',
          amountCents: 5_000_000,
          act: actBody({ number: 'D.D. 780/2026' }),
        })
      ).headers['x-event-position'] ?? '';
  });
  afterAll(async () => {
    await api.stop();
    removeDataDir(api.dataDir);
  });

  it("shows one entity's events with their metadata, paginated", async () => {
    const first = await client.streamHistory(`grant-${grantId}`, { limit: 2 });
    expect(first.status).toBe(200);
    expect(first.body.events.map((e: { type: string }) => e.type)).toEqual(['GrantAwarded', 'DisbursementRecorded']);
    // The award's act is in its event: number, date and signatory.
    expect(first.body.events[0]).toMatchObject({ data: { act: awardAct } });
    expect(first.body.events[1]).toMatchObject({
      revision: 1,
      metadata: {
        actor: 'dev:finance-officer',
        correlationId: expect.any(String),
        causationId: null,
        commandId: expect.any(String),
        recordedAt: expect.any(String),
      },
      link: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const rest = await client.streamHistory(`grant-${grantId}`, { fromRevision: first.body.nextRevision! });
    expect(rest.body.events.map((e: { type: string }) => e.type)).toEqual([
      'ExpenditureClaimSubmitted',
      'ExpenditureClaimVerified',
      'DisbursementRecorded',
      'GrantRevoked',
    ]);
    expect(rest.body.nextRevision).toBeNull();
    expect(rest.body.events.at(-1)).toMatchObject({ type: 'GrantRevoked', data: { act: { number: 'D.D. 780/2026' } } });
    expect((await audit('/audit/streams/not a stream')).status).toBe(400);
    expect((await client.streamHistory('grant-nothing')).status).toBe(404);
  });

  it('pages through the global log in order', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page = await client.logEvents({ limit: 7, ...(after ? { after } : {}) });
      seen.push(...page.body.events.map((e) => e.position));
      after = page.body.next;
    } while (after);
    expect(seen.map(Number)).toEqual(Array.from({ length: seen.length }, (_, i) => i + 1));
    expect(Number(seen.at(-1))).toBe(Number(positions['revoked']));
  });

  it("gives an entity's state as of a position or a moment, as the write side folds it", async () => {
    const at = async (asOf: string) => (await client.stateAsOf('grants', grantId, asOf)).body;
    expect((await at(positions['awarded']!)).state).toMatchObject({
      status: 'active',
      originalAwardCents: 12_000_000,
      currentAwardCents: 12_000_000,
      paidCents: 0,
    });
    expect((await at(positions['advance']!)).state).toMatchObject({
      paidCents: 4_800_000,
      disbursementIds: [expect.any(String)],
    });
    expect((await at(positions['interim']!)).state).toMatchObject({
      paidCents: 10_000_000,
      currentAwardCents: 12_000_000,
    });
    // Paid 10M, award cut by 5M to 7M: 3M due back.
    expect((await at(positions['revoked']!)).state).toMatchObject({
      status: 'active',
      currentAwardCents: 7_000_000,
      paidCents: 10_000_000,
      recoveryDueCents: 3_000_000,
      releasedCents: 2_000_000,
    });
    expect(await at(times['afterAward']!)).toMatchObject({ eventsApplied: 1, state: { paidCents: 0 } });
    expect(await at(times['beforeCall']!)).toMatchObject({
      eventsApplied: 0,
      state: { status: 'none' },
      revision: null,
    });
    const call = (await client.stateAsOf('calls', callId, positions['awarded']!)).body.state;
    expect(call).toMatchObject({
      status: 'closed',
      budgetCents: 50_000_000,
      committedCents: 12_000_000,
      releasedCents: 0,
      ranking: { act: { signatory: expect.any(String) }, ranked: [{ score: 80, rank: 1 }] },
    });
    expect((await audit(`/audit/calls/${callId}/state?asOf=yesterday`)).status).toBe(400);
    expect((await audit(`/audit/ledgers/${callId}/state?asOf=1`)).status).toBe(404);
  });

  it('folds the state as of a position with each event at its place in the log: a closed call shows where it closed, a bid where it arrived', async () => {
    const history = (await client.streamHistory(`call-${callId}`)).body.events;
    const closed = history.find((e: { type: string }) => e.type === 'CallClosed')!;
    const key = (position: string) => positionKey(parsePosition(position)!);
    const asOfClose = (await client.stateAsOf('calls', callId, closed.position)).body;
    expect(asOfClose).toMatchObject({
      position: closed.position,
      state: { status: 'closed', closedPosition: key(closed.position) },
    });
    expect((await client.stateAsOf('calls', callId, positions['revoked']!)).body.state).toMatchObject({
      closedPosition: key(closed.position),
    });
    const submitted = (await client.streamHistory(`bid-${bidId}`)).body.events[0]!;
    expect((await client.stateAsOf('bids', bidId, positions['awarded']!)).body.state).toMatchObject({
      arrival: key(submitted.position),
    });
  });

  it('streams the whole history as NDJSON', async () => {
    const res = await client.exportLog();
    expect(res.headers['content-type']).toContain('application/x-ndjson');
    const lines = res.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.length).toBe(Number(positions['revoked']));
    expect(lines[0]).toMatchObject({ position: '1', type: 'ProgrammeEstablished', stream: 'programme-wecare' });
  });

  it('keeps the audit to auditors: a viewer reads dashboards, not the history; an auditor issues no command', async () => {
    for (const path of [
      '/audit/events',
      '/audit/export',
      '/audit/verify',
      `/audit/streams/call-${callId}`,
      `/audit/calls/${callId}/state?asOf=1`,
    ]) {
      expect((await audit(path, KEYS.viewer)).status).toBe(403);
      expect((await audit(path, KEYS.programmeManager)).status).toBe(403);
    }
    expect((await client.dashboard('wecare')).status).toBe(200);
    const command = await client.closeCall(callId, KEYS.auditor);
    expect(command.status).toBe(403);
  });

  it('publishes the list of operations as JSON and CSV, without tax codes, to anyone, rate-limited', async () => {
    // The public list takes no X-Min-Position: wait for the read models through a query that does.
    await client.readModelsAt(positions['revoked']!);
    const json = await client.publicOperations();
    expect(json.status).toBe(200);
    expect(json.body.operations).toEqual([
      expect.objectContaining({
        operationId: grantId,
        beneficiaryName: 'Natural person',
        beneficiaryRegion: 'ITC1',
        operationTitle: 'Nido aziendale condiviso',
        callId,
        measureId: measureId('M4'),
        measureCode: 'M4',
        fund: 'FSE',
        amountAwardedCents: 7_000_000,
        amountPaidCents: 10_000_000,
        status: 'active',
        programmeCode: 'WECARE-2127',
      }),
    ]);
    expect(json.text).not.toContain('RSSMRA80A01L219X');
    const csv = await client.publicCsv('operations');
    expect(csv.headers['content-type']).toContain('text/csv');
    const [header, row] = csv.body.trim().split('\n');
    expect(header).toBe(
      'operationId,cup,beneficiaryName,beneficiaryType,beneficiaryRegion,operationTitle,purpose,programmeId,programmeCode,callId,callTitle,measureId,measureCode,measureTitle,fund,specificObjective,interventionType,euCoFinancingRateBp,totalEligibleCostCents,amountAwardedCents,amountPaidCents,startDate,plannedEndDate,actualEndDate,location,municipality,grantDate,awardedAt,completedAt,revokedAt,status',
    );
    // A sole trader is a natural person: published by region, never by name (EU Reg. 2021/1060 art. 49(3)).
    expect(row).toContain(',company,ITC1,');
    expect(csv.body).not.toContain('Mario Rossi');
    expect(json.text).not.toContain('Mario Rossi');
    expect(
      (await request(api.url).get('/open-data/operations').set('Accept', 'text/csv')).headers['content-type'],
    ).toContain('text/csv');
    expect((await request(api.url).get('/open-data/operations?format=xml')).status).toBe(400);
    const burst = await Promise.all(Array.from({ length: 10 }, () => client.publicOperations()));
    const limited = burst.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]!.headers['retry-after']).toMatch(/^\d+$/);
  });

  describe('verification', () => {
    it('replay reports identical on a clean run, and the difference when a read-model document was altered', async () => {
      await client.readModelsAt(positions['revoked']!);
      const clean = await runTool('audit-replay', api.dataDir);
      expect({ status: clean.status, out: clean.stdout.trim() }).toEqual({ status: 0, out: 'identical' });

      const db = new Database(join(api.dataDir, 'read-models.db'));
      db.prepare(
        `UPDATE documents SET body = json_set(body, '$.disbursedCents', 1) WHERE collection = 'grants' AND id = ?`,
      ).run(grantId);
      db.close();
      const altered = await runTool('audit-replay', api.dataDir);
      expect(altered.status).toBe(1);
      expect(altered.stdout).toContain(`grants/${grantId}: differs (disbursedCents: replay 10000000, live 1)`);
    });

    it('verify passes on the untouched log, then finds an altered and a deleted event', async () => {
      const clean = await client.verifyLog();
      expect(clean.body).toMatchObject({
        supported: true,
        ok: true,
        checked: Number(positions['revoked']),
        firstBroken: null,
      });
      expect(await runTool('audit-verify', api.dataDir)).toMatchObject({
        status: 0,
        stdout: expect.stringContaining(`Verified: ${positions['revoked']} events, chain intact`),
      });

      const db = new Database(join(api.dataDir, 'events.db'));
      db.prepare(`UPDATE events SET data = replace(data, '4800000', '480000') WHERE position = ?`).run(
        Number(positions['advance']),
      );
      const altered = await client.verifyLog();
      expect(altered.body).toMatchObject({ ok: false, firstBroken: { position: positions['advance'] } });
      expect(await runTool('audit-verify', api.dataDir)).toMatchObject({
        status: 1,
        stdout: expect.stringContaining(`BROKEN at position ${positions['advance']}`),
      });

      db.prepare(`UPDATE events SET data = replace(data, '480000', '4800000') WHERE position = ?`).run(
        Number(positions['advance']),
      );
      expect((await client.verifyLog()).body.ok).toBe(true);
      db.prepare('DELETE FROM events WHERE position = ?').run(Number(positions['interim']));
      db.close();
      const deleted = await client.verifyLog();
      expect(deleted.body).toMatchObject({
        ok: false,
        firstBroken: { position: positions['interim'], reason: expect.stringContaining('missing') },
      });
    });
  });
});
