/**
 * The audit trail on the real process: the API anchors the log and signs each anchor; an auditor's
 * `/audit/verify` and `npm run audit:verify` report per stream and per anchor, and find a deleted
 * stream; an auditor holding another public key finds that the anchors are not signed by theirs.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { comparePositions, parsePosition } from '@app/event-store';
import { removeDataDir, runTool, startApi, type ApiProcess } from './support/api-process.js';
import { FundingClient } from './support/funding-requests.js';

describe('tamper evidence through the API and the CLI', () => {
  let api: ApiProcess;
  let client: FundingClient;
  let bidId: string;

  const verify = () => client.verifyLog();

  beforeAll(async () => {
    api = await startApi({ env: { AUDIT_ANCHOR_INTERVAL_MS: '100' } });
    client = new FundingClient(api.url);
    const callId = await client.openCall();
    bidId = await client.admissibleBid(callId);
    const last = await client.admissibleBid(callId, { projectTitle: 'Sportello famiglie' });
    const written = await client.streamHistory(`bid-${last}`);
    const head = parsePosition(written.body.events.at(-1)!.position)!;
    // Wait for an anchor that covers the last write.
    for (let i = 0; ; i++) {
      const anchors = await client.streamHistory('audit-anchors', { limit: 1000 });
      const upTo = anchors.status === 200 ? parsePosition(String(anchors.body.events.at(-1)!.data['upTo'])) : null;
      if (upTo && comparePositions(upTo, head) >= 0) break;
      if (i > 100) throw new Error(`no anchor covers ${JSON.stringify(head)}: ${JSON.stringify(anchors.body)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  afterAll(async () => {
    await api?.stop();
    if (api) removeDataDir(api.dataDir);
  });

  it('verifies the untouched log: every stream chain, every signed anchor, the log-wide chain', async () => {
    const clean = await verify();
    expect(clean.status).toBe(200);
    expect(clean.body).toMatchObject({
      supported: true,
      ok: true,
      firstBroken: null,
      streams: { broken: [], unlinkedEvents: 0 },
      anchors: { broken: [], keys: [expect.stringMatching(/^[0-9a-f]{16}$/)] },
      log: { ok: true },
    });
    expect(clean.body.anchors.checked).toBeGreaterThan(0);
    expect(clean.body.anchors.signed).toBe(clean.body.anchors.checked);
    const cli = runTool('audit-verify', api.dataDir);
    expect(cli.status).toBe(0);
    expect(cli.stdout).toMatch(/Anchors: \d+ checked, \d+ signatures valid/);
    expect(cli.stdout).toContain('chain intact');
    // Not on a terminal: the progress is a plain line on stderr, the last one at 100%.
    expect(cli.stderr).toMatch(/Verifying the log: 100% \(\d[\d,]*\/\d[\d,]* events, /);
  });

  it('an auditor holding another public key finds the anchors are not signed by it', () => {
    const theirs = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const cli = runTool('audit-verify', api.dataDir, { AUDIT_PUBLIC_KEYS: theirs });
    expect(cli.status).toBe(1);
    expect(cli.stdout).toContain('which is not one of the keys verified against');
  });

  it('finds a deleted stream, per stream and per anchor', async () => {
    const db = new Database(join(api.dataDir, 'events.db'));
    db.prepare('DELETE FROM events WHERE stream = ?').run(`bid-${bidId}`);
    db.close();
    const tampered = await verify();
    expect(tampered.body.ok).toBe(false);
    expect(tampered.body.anchors.broken).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ reason: expect.stringContaining('events or streams were removed or added') }),
      ]),
    );
    expect(tampered.body.log?.ok).toBe(false);
    const cli = runTool('audit-verify', api.dataDir);
    expect(cli.status).toBe(1);
    expect(cli.stdout).toContain('BROKEN anchor at position');
  });
});
