/**
 * What survives a restart, what a retried request gets back, and what the process refuses to
 * start with.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { SqliteEventStore } from '@app/event-store';
import { KEYS, removeDataDir, startApi, startApiExpectingRefusal, tempDataDir } from './support/api-process.js';
import { FundingClient, bidBody } from './support/funding-requests.js';
import { hashApiKey } from '../apps/api/src/auth/api-keys.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDataDir));

async function head(url: string): Promise<number> {
  return Number((await new FundingClient(url).health()).body.eventStore.headPosition);
}

describe('restarts', () => {
  it('keeps every acknowledged event when the process is killed with SIGKILL, and seeds nothing twice', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    let api = await startApi({ dataDir });
    let client = new FundingClient(api.url);
    const callId = await client.openCall();
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) => client.submitBid(callId, bidBody({ bidId: `bid-${i}` }))),
    );
    expect(responses.every((r) => r.status === 201)).toBe(true);
    const acknowledged = Math.max(...responses.map((r) => Number(r.headers['x-event-position'])));
    await api.kill();

    api = await startApi({ dataDir });
    client = new FundingClient(api.url);
    try {
      expect(await head(api.url)).toBe(acknowledged);
      for (let i = 0; i < 30; i++) {
        const again = await client.submitBid(callId, bidBody({ bidId: `bid-${i}` }));
        expect(again.body.code).toBe('BID_ALREADY_EXISTS');
      }
    } finally {
      await api.stop();
    }
  });

  it('records the actor of the API key and the correlation id in each event metadata', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const api = await startApi({ dataDir });
    const res = await new FundingClient(api.url).establishProgramme(
      {
        programmeId: 'innosoc',
        code: 'INNOSOC',
        title: 'Innovazione sociale',
        funds: [{ fund: 'FSE', amountCents: 100 }],
      },
      { key: KEYS.programmeManager, headers: { 'X-Correlation-Id': 'delibera-2027-01' } },
    );
    expect(res.status).toBe(201);
    expect(res.headers['x-correlation-id']).toBe('delibera-2027-01');
    await api.stop();
    const store = SqliteEventStore.open(join(dataDir, 'events.db'));
    const [event] = await store.readStream('programme-innosoc');
    await store.close();
    expect(event?.metadata).toMatchObject({
      actor: 'dev:programme-manager',
      correlationId: 'delibera-2027-01',
      causationId: null,
    });
    expect(Date.parse(event!.metadata.recordedAt)).toBeGreaterThan(Date.now() - 60_000);
  });
});

describe('Idempotency-Key', () => {
  it('answers a retry with the first response and writes nothing more, across a restart', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    let api = await startApi({ dataDir });
    const callId = await new FundingClient(api.url).openCall();
    const submit = (url: string, body = bidBody()) =>
      new FundingClient(url).submitBid(callId, body, {
        key: KEYS.applicantService,
        headers: { 'Idempotency-Key': 'portal-submission-8841' },
      });

    const first = await submit(api.url);
    expect(first.status).toBe(201);
    const afterFirst = await head(api.url);

    const retries = await Promise.all([submit(api.url), submit(api.url), submit(api.url)]);
    for (const retry of retries) {
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      expect(retry.headers['etag']).toBe(first.headers['etag']);
      expect(retry.headers['idempotent-replayed']).toBe('true');
    }
    expect(await head(api.url)).toBe(afterFirst);

    await api.stop();
    api = await startApi({ dataDir });
    try {
      const afterRestart = await submit(api.url);
      expect(afterRestart.status).toBe(201);
      expect(afterRestart.body).toEqual(first.body);
      expect(await head(api.url)).toBe(afterFirst);

      const different = await submit(api.url, bidBody({ requestedCents: 1_000 }));
      expect(different.status).toBe(422);
      expect(different.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(await head(api.url)).toBe(afterFirst);
    } finally {
      await api.stop();
    }
  });

  it('keeps keys apart per API key holder', async () => {
    const api = await startApi();
    dirs.push(api.dataDir);
    try {
      const client = new FundingClient(api.url);
      const callId = await client.openCall();
      const asManager = await client.closeCall(callId, {
        key: KEYS.programmeManager,
        headers: { 'Idempotency-Key': 'same-key' },
      });
      expect(asManager.status).toBe(200);
      // The same key name from another principal is a request of its own: neither replayed nor refused.
      const asPortal = await client.submitBid(callId, bidBody(), {
        key: KEYS.applicantService,
        headers: { 'Idempotency-Key': 'same-key' },
      });
      expect(asPortal.status).toBe(422);
      expect(asPortal.body.code).toBe('CALL_NOT_OPEN');
      expect(asPortal.headers['idempotent-replayed']).toBeUndefined();
    } finally {
      await api.stop();
    }
  });
});

/** A personal-data vault key, as production requires one (32 bytes, base64). */
const VAULT_KEY = Buffer.alloc(32, 7).toString('base64');
/** The vault's keyring, outside any data directory, as production requires. */
const VAULT_KEYRING = join(mkdtempSync(join(tmpdir(), 'ledger-e2e-keyring-')), 'vault-keyring.json');
dirs.push(dirname(VAULT_KEYRING));
/** The key anchors of the audit trail are signed with, as production requires one. */
const auditKeys = generateKeyPairSync('ed25519');
const AUDIT_SIGNING_KEY = auditKeys.privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');
/** The witness of the anchors, outside any data directory, as production requires one where anchors are written. */
const AUDIT_WITNESS_DIR = mkdtempSync(join(tmpdir(), 'ledger-e2e-witness-'));
dirs.push(AUDIT_WITNESS_DIR);
/** The public key auditors verify with, as production requires it. */
const AUDIT_PUBLIC_KEYS = auditKeys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

describe('starting', () => {
  it('refuses bad configuration, naming it', async () => {
    const refused = await startApiExpectingRefusal({ PORT: 'eighty' });
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('PORT must be an integer');
  });

  it('refuses production without API keys, or with the development keys', async () => {
    const none = await startApiExpectingRefusal({ NODE_ENV: 'production' });
    expect(none.code).toBe(1);
    expect(none.output).toContain('API_KEYS_FILE is required in production');
    expect(none.output).toContain('VAULT_KEY or VAULT_KEY_FILE is required in production');
    expect(none.output).toContain('AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE is required in production');
    expect(none.output).toContain('AUDIT_PUBLIC_KEYS is required in production');
    expect(none.output).toContain('AUDIT_WITNESS_DIR is required in production');

    const dev = await startApiExpectingRefusal({
      NODE_ENV: 'production',
      VAULT_KEY: VAULT_KEY,
      VAULT_KEYRING,
      AUDIT_SIGNING_KEY,
      AUDIT_PUBLIC_KEYS,
      AUDIT_WITNESS_DIR,
      API_KEYS_FILE: join(process.cwd(), 'config/dev-api-keys.json'),
    });
    expect(dev.code).toBe(1);
    expect(dev.output).toContain('development API key');

    const dir = tempDataDir();
    dirs.push(dir);
    const sneaky = join(dir, 'keys.json');
    writeFileSync(sneaky, JSON.stringify([{ keyHash: hashApiKey(KEYS.viewer), principal: 'ops', roles: ['viewer'] }]));
    const hashedDev = await startApiExpectingRefusal({
      NODE_ENV: 'production',
      VAULT_KEY: VAULT_KEY,
      VAULT_KEYRING,
      AUDIT_SIGNING_KEY,
      AUDIT_PUBLIC_KEYS,
      AUDIT_WITNESS_DIR,
      API_KEYS_FILE: sneaky,
    });
    expect(hashedDev.code).toBe(1);
    expect(hashedDev.output).toContain('development API key');
  });

  it('runs in production with hashed keys, which authenticate', async () => {
    const dir = tempDataDir();
    dirs.push(dir);
    const keysFile = join(dir, 'keys.json');
    const secret = 'prod-7f3c9a0e5b2d4c1f8e6a';
    writeFileSync(
      keysFile,
      JSON.stringify([
        { keyHash: hashApiKey(secret), principal: 'regione:servizio-programmazione', roles: ['programme-manager'] },
      ]),
    );
    const api = await startApi({
      dataDir: dir,
      env: {
        NODE_ENV: 'production',
        VAULT_KEY: VAULT_KEY,
        VAULT_KEYRING,
        AUDIT_SIGNING_KEY,
        AUDIT_PUBLIC_KEYS,
        API_KEYS_FILE: keysFile,
        SEED_DEMO_PROGRAMME: 'false',
      },
    });
    try {
      // An empty store: no demo programme when asked not to seed.
      const client = new FundingClient(api.url);
      expect((await client.health()).body.eventStore.headPosition).toBeNull();
      const programme = { code: 'P', title: 'T', funds: [{ fund: 'FSE' as const, amountCents: 1 }] };
      expect((await client.establishProgramme(programme, secret)).status).toBe(201);
      expect((await client.establishProgramme(programme, KEYS.programmeManager)).status).toBe(401);
    } finally {
      await api.stop();
    }
  });
});
