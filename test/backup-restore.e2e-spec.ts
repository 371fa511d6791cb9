/**
 * `npm run backup` and `npm run restore` on the real process: a backup taken while the API writes
 * restores into a fresh data directory whose log verifies with the auditor's key, and whose API
 * answers the dashboard, the grant, the vault's identities and the recorded answers as they were
 * when the backup was taken: everything up to its position, nothing after. The keys are never in a
 * backup; restore refuses a directory that holds anything, and a backup that is not whole.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeDataDir, runTool, startApi, tempDataDir, type ApiProcess } from './support/api-process.js';
import { FundingClient, PROGRAMME_ID, bidBody } from './support/funding-requests.js';

describe('backup and restore of the embedded stores', () => {
  // The keys live apart from DATA_DIR and from the backup, as production has them.
  const keysDir = mkdtempSync(join(tmpdir(), 'ledger-keys-'));
  const signing = generateKeyPairSync('ed25519');
  const keys = {
    VAULT_KEY: randomBytes(32).toString('base64'),
    VAULT_KEYRING: join(keysDir, 'vault-keyring.json'),
    AUDIT_SIGNING_KEY: signing.privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
  };
  const auditorKey = signing.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  const person = { name: 'Giulia Bianchi Verdone', taxCode: 'BNCGLI85M41L219K' };
  const dirs: string[] = [];
  const freshDir = (prefix: string) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };

  let backupDir: string;
  let backup: { status: number | null; stdout: string; stderr: string };
  let head: string;
  let before: { dashboard: unknown; grant: unknown; replayedBidId: string };
  /** The bids sent while the backup ran, with the position each was written at. */
  const duringBackup: Array<{ bidId: string; position: number }> = [];
  let openCallId: string;

  beforeAll(async () => {
    const api = await startApi({ env: { ...keys, AUDIT_ANCHOR_INTERVAL_MS: '100' } });
    dirs.push(api.dataDir);
    try {
      const client = new FundingClient(api.url);
      // History: a call, bids, an award, a claim and its payment; a natural person's bid (their
      // identity in the vault); a bid sent with an Idempotency-Key (its answer recorded).
      const callId = await client.openCall();
      const grantId = await client.newGrant(callId, 4_000_000);
      const paid = await client.payOnClaim(grantId, 1_500_000);
      expect(paid.status).toBe(201);
      openCallId = await client.openCall({
        eligibleApplicantTypes: ['natural-person', 'company'],
        selection: 'first-come',
      });
      const personal = await client.submitBid(openCallId, {
        applicant: { type: 'natural-person', ...person, region: 'ITC1', contact: { email: 'marta@example.org' } },
        projectTitle: 'Assistenza domiciliare',
        requestedCents: 300_000,
      });
      expect(personal.status).toBe(201);
      const keyed = await client.submitBid(openCallId, bidBody({ projectTitle: 'Sportello unico' }), {
        key: 'applicant-service-dev-api-key',
        headers: { 'Idempotency-Key': 'backup-restore-replay' },
      });
      expect(keyed.status).toBe(201);
      const settled = keyed.headers['x-event-position']!;
      before = {
        dashboard: (await client.dashboard(PROGRAMME_ID, { at: settled })).body,
        grant: (await client.grant(grantId, { at: settled })).body,
        replayedBidId: String(keyed.body.bidId),
      };

      // The backup runs while two clients keep submitting bids, until it has finished.
      backupDir = join(freshDir('ledger-backup-'), 'backup');
      let running = true;
      const submitting = Array.from({ length: 2 }, async () => {
        while (running) {
          const res = await client.submitBid(openCallId, bidBody({ projectTitle: 'Progetto in volo' }));
          if (res.status !== 201) throw new Error(`bid during the backup: ${res.status} ${JSON.stringify(res.body)}`);
          duringBackup.push({ bidId: String(res.body.bidId), position: Number(res.headers['x-event-position']) });
        }
      });
      backup = await runTool('backup', api.dataDir, keys, ['--to', backupDir]);
      running = false;
      await Promise.all(submitting);
    } finally {
      await api.stop();
    }
    if (backup.status !== 0) throw new Error(`npm run backup failed (${backup.status}):\n${backup.stderr}`);
    const manifest = JSON.parse(readFileSync(join(backupDir, 'manifest.json'), 'utf8')) as { eventStoreHead: string };
    head = manifest.eventStoreHead;
  }, 120_000);

  afterAll(() => {
    for (const dir of dirs) removeDataDir(dir);
    rmSync(keysDir, { recursive: true, force: true });
  });

  it('copies the four databases and a manifest, never a key, and says where the keys are to be backed up apart', () => {
    expect(backup.status).toBe(0);
    expect(readdirSync(backupDir).sort()).toEqual(
      ['api.db', 'events.db', 'manifest.json', 'personal-data.db', 'read-models.db'].sort(),
    );
    const manifest = JSON.parse(readFileSync(join(backupDir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ format: 1, version: '0.1.0', eventStoreHead: expect.stringMatching(/^\d+$/) });
    expect(backup.stdout).toContain(`the vault keyring (key-encryption keys): ${keys.VAULT_KEYRING}`);
    expect(backup.stdout).toContain('back them up apart');
    const everything = Buffer.concat(readdirSync(backupDir).map((f) => readFileSync(join(backupDir, f))));
    expect(everything.includes(Buffer.from(keys.VAULT_KEY))).toBe(false);
    expect(everything.includes(readFileSync(keys.VAULT_KEYRING))).toBe(false);
    expect(everything.includes(Buffer.from(keys.AUDIT_SIGNING_KEY))).toBe(false);
    // The clients wrote on both sides of the backup's snapshot.
    expect(duringBackup.some((b) => b.position <= Number(head))).toBe(true);
    expect(duringBackup.some((b) => b.position > Number(head))).toBe(true);
  });

  it('restores into a fresh directory whose log verifies and whose API answers as at the backup', async () => {
    const restored = tempDataDir();
    dirs.push(restored);
    const restore = await runTool('restore', restored, keys, ['--from', backupDir]);
    expect(restore.stderr).toBe('');
    expect(restore.status).toBe(0);
    expect(restore.stdout).toContain(`up to position ${head}; every integrity check ok`);

    // Judged as of the backup's moment: the events it holds after its last anchor were then younger than the interval.
    const { createdAt } = JSON.parse(readFileSync(join(backupDir, 'manifest.json'), 'utf8')) as { createdAt: string };
    expect(restore.stdout).toContain(`Then: npm run audit:verify -- --as-of ${createdAt}`);
    const verify = await runTool('audit-verify', restored, { AUDIT_PUBLIC_KEYS: auditorKey }, ['--as-of', createdAt]);
    expect(verify.status).toBe(0);
    expect(verify.stdout).toContain(`Verified: ${head} events, chain intact.`);
    expect(verify.stdout).toMatch(/Anchors: [1-9]\d* checked, [1-9]\d* signatures valid/);
    expect(
      await runTool('audit-verify', restored, { AUDIT_PUBLIC_KEYS: auditorKey }, ['--as-of', 'yesterday']),
    ).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('--as-of takes an instant with its offset'),
    });

    const api: ApiProcess = await startApi({ dataDir: restored, env: keys });
    try {
      const client = new FundingClient(api.url);
      expect((await client.dashboard(PROGRAMME_ID, { at: head })).body).toEqual(before.dashboard);
      expect((await client.grant(String((before.grant as { grantId: string }).grantId), { at: head })).body).toEqual(
        before.grant,
      );
      // Each bid answered while the backup ran is there if and only if it was written up to its position.
      for (const { bidId, position } of duringBackup)
        expect([bidId, (await client.bid(bidId, { at: head })).status]).toEqual([
          bidId,
          position <= Number(head) ? 200 : 404,
        ]);
      // The natural person's identity opens with the keyring kept apart.
      const found = await client.findDataSubject(person.taxCode);
      expect(found.status).toBe(200);
      const subject = await client.dataSubject(String(found.body.subjectId));
      expect(subject.body).toMatchObject({ status: 'held', identity: person });
      // The answer recorded before the backup is answered again, not a second bid.
      const again = await client.submitBid(openCallId, bidBody({ projectTitle: 'Sportello unico' }), {
        key: 'applicant-service-dev-api-key',
        headers: { 'Idempotency-Key': 'backup-restore-replay' },
      });
      expect([again.status, again.body.bidId]).toEqual([201, before.replayedBidId]);
      // A command on the restored log reaches the read models: their checkpoints are not ahead of the log.
      const next = await client.submitBid(openCallId, bidBody({ projectTitle: 'Dopo il ripristino' }));
      expect(next.status).toBe(201);
      expect(Number(next.headers['x-event-position'])).toBe(Number(head) + 1);
      const listed = await client.bid(String(next.body.bidId), { at: next.headers['x-event-position'] });
      expect([listed.status, listed.body.projectTitle]).toEqual([200, 'Dopo il ripristino']);
    } finally {
      await api.stop();
    }
  }, 120_000);

  it('restore refuses a data directory that holds anything, and leaves it as it was', async () => {
    const occupied = tempDataDir();
    dirs.push(occupied);
    writeFileSync(join(occupied, 'events.db'), 'a store that is not to be overwritten');
    const refused = await runTool('restore', occupied, keys, ['--from', backupDir]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`DATA_DIR (${occupied}) is not empty`);
    expect(readdirSync(occupied)).toEqual(['events.db']);
    expect(readFileSync(join(occupied, 'events.db'), 'utf8')).toBe('a store that is not to be overwritten');
  });

  it('backup refuses a target that holds anything', async () => {
    const source = freshDir('ledger-source-');
    cpSync(backupDir, source, { recursive: true });
    const target = freshDir('ledger-target-');
    writeFileSync(join(target, 'notes.txt'), 'kept');
    const refused = await runTool('backup', source, keys, ['--to', target]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`${target} is not empty`);
    expect(readdirSync(target)).toEqual(['notes.txt']);
  });

  it('restore refuses a backup whose file is not whole, before writing anything', async () => {
    const damaged = freshDir('ledger-damaged-');
    cpSync(backupDir, damaged, { recursive: true });
    truncateSync(join(damaged, 'personal-data.db'), 1024);
    const target = join(freshDir('ledger-restore-'), 'data');
    const refused = await runTool('restore', target, keys, ['--from', damaged]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/is not whole: personal-data\.db has 1024 bytes, not \d+/);
    expect(readdirSync(join(target, '..'))).toEqual([]);
  });

  it('restore refuses a backup whose file was changed in place (same size, another byte), before writing anything', async () => {
    const altered = freshDir('ledger-altered-');
    cpSync(backupDir, altered, { recursive: true });
    const file = join(altered, 'read-models.db');
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    writeFileSync(file, bytes);
    const target = join(freshDir('ledger-restore-'), 'data');
    const refused = await runTool('restore', target, keys, ['--from', altered]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('is not whole: read-models.db does not match its digest');
    expect(readdirSync(join(target, '..'))).toEqual([]);
  });

  it('refuses server stores: their own tools back them up, in the order docs/operations.md gives', async () => {
    const refused = await runTool(
      'backup',
      freshDir('ledger-mongo-'),
      { ...keys, MONGODB_URL: 'mongodb://127.0.0.1:1/ledger' },
      ['--to', join(freshDir('ledger-unused-'), 'backup')],
    );
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('MONGODB_URL is set');
    expect(refused.stderr).toContain('docs/operations.md');
  });
});
