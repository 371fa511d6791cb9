/**
 * The audit trail on the real process: the API anchors the log, signs each anchor and chains it to
 * the one before, and writes each to its witness; an auditor's `/audit/verify` and
 * `npm run audit:verify` report per stream and per anchor, and find a deleted stream; an auditor
 * holding another public key finds that the anchors are not signed by theirs; against the witness,
 * anchors deleted, an anchor re-signed with the key kept in the data directory, and a log cut after
 * its last witnessed anchor each fail, naming the position.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnchorSigner, comparePositions, parsePosition } from '@app/event-store';
import { renumber, rewrite } from '../libs/event-store/test-support/tamper-history.js';
import { spawn, spawnSync } from 'node:child_process';
import {
  PROJECTOR_MAIN,
  removeDataDir,
  runTool,
  startApi,
  startApiExpectingRefusal,
  tempDataDir,
  type ApiProcess,
} from './support/api-process.js';
import { FundingClient } from './support/funding-requests.js';

/** Waits until an anchor covers the last event of the stream. */
async function anchoredUpTo(client: FundingClient, stream: string): Promise<void> {
  const written = await client.streamHistory(stream);
  const head = parsePosition(written.body.events.at(-1)!.position)!;
  for (let i = 0; ; i++) {
    const anchors = await client.streamHistory('audit-anchors', { limit: 1000 });
    const upTo = anchors.status === 200 ? parsePosition(String(anchors.body.events.at(-1)!.data['upTo'])) : null;
    if (upTo && comparePositions(upTo, head) >= 0) return;
    if (i > 100) throw new Error(`no anchor covers ${JSON.stringify(head)}: ${JSON.stringify(anchors.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

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
    await anchoredUpTo(client, `bid-${last}`);
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
    const cli = await runTool('audit-verify', api.dataDir);
    expect(cli.status).toBe(0);
    expect(cli.stdout).toMatch(/Anchors: \d+ checked, \d+ signatures valid/);
    expect(cli.stdout).toContain('chain intact');
    // Not on a terminal: the progress is a plain line on stderr, the last one at 100%.
    expect(cli.stderr).toMatch(/Verifying the log: 100% \(\d[\d,]*\/\d[\d,]* events, /);
  });

  it('an auditor holding another public key finds the anchors are not signed by it', async () => {
    const theirs = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const cli = await runTool('audit-verify', api.dataDir, { AUDIT_PUBLIC_KEYS: theirs });
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
    const cli = await runTool('audit-verify', api.dataDir);
    expect(cli.status).toBe(1);
    expect(cli.stdout).toContain('BROKEN anchor at position');
  });
});

describe('the chain of anchors against its witness, on a copy of the data directory', () => {
  let dataDir: string;
  let witness: string;
  let bidId: string;
  let served: Awaited<ReturnType<FundingClient['verifyLog']>>;
  const copies: string[] = [];

  beforeAll(async () => {
    witness = mkdtempSync(join(tmpdir(), 'ledger-e2e-witness-'));
    const api = await startApi({ env: { AUDIT_ANCHOR_INTERVAL_MS: '100', AUDIT_WITNESS_DIR: witness } });
    dataDir = api.dataDir;
    try {
      const client = new FundingClient(api.url);
      const callId = await client.openCall();
      bidId = await client.admissibleBid(callId);
      await anchoredUpTo(client, `bid-${bidId}`);
      // Later anchors over later events: the first one is an early anchor.
      for (const title of ['Sportello famiglie', 'Centro estivo']) {
        const later = await client.admissibleBid(callId, { projectTitle: title });
        await anchoredUpTo(client, `bid-${later}`);
      }
      served = await client.verifyLog();
    } finally {
      await api.stop();
    }
  });
  afterAll(() => {
    removeDataDir(dataDir);
    rmSync(witness, { recursive: true, force: true });
    for (const copy of copies) removeDataDir(copy);
  });

  /** The stopped API's data directory copied, then edited as someone with write access to it would. */
  const tampered = (work: (db: Database.Database, dir: string) => void): string => {
    const dir = tempDataDir();
    copies.push(dir);
    cpSync(dataDir, dir, { recursive: true });
    const db = new Database(join(dir, 'events.db'));
    try {
      work(db, dir);
    } finally {
      db.close();
    }
    return dir;
  };
  const verify = (dir: string, args: string[] = ['--witness', witness], env: Record<string, string> = {}) =>
    runTool('audit-verify', dir, env, args);
  /** The witnessed anchors, by sequence: where the log held each. */
  const witnessed = () =>
    readdirSync(witness)
      .sort()
      .map(
        (name) =>
          JSON.parse(readFileSync(join(witness, name), 'utf8')) as {
            position: string;
            anchor: { sequence: number; upTo: string };
          },
      );
  const bidRewritten = (row: { stream: string; revision: number; data: string }) =>
    row.stream === `bid-${bidId}` && row.revision === 0
      ? JSON.stringify({ ...(JSON.parse(row.data) as object), projectTitle: 'Progetto riscritto' })
      : null;
  /** The streams table as the events left it (what the embedded store's appends check revisions against). */
  const restreams = (db: Database.Database) =>
    db.exec('DELETE FROM streams; INSERT INTO streams SELECT stream, max(revision) FROM events GROUP BY stream');

  it('keeps every anchor in the witness; the untouched log verifies against it, saying which key it trusts', async () => {
    expect(witnessed().map((w) => w.anchor.sequence)).toEqual(witnessed().map((_, i) => i + 1));
    expect(witnessed().length).toBeGreaterThanOrEqual(3);
    const cli = await verify(dataDir);
    expect(cli.stdout).toContain(`Witness: ${witness}, ${witnessed().length} anchors`);
    expect(cli.stdout).toContain('Trusting a key from the data directory');
    expect(cli.stdout).toContain('Verified:');
    expect(cli.status).toBe(0);
    // The API verifies against the witness it writes to, as well.
    expect(served.body).toMatchObject({
      ok: true,
      anchors: { broken: [], unchained: 0, witness: { location: witness } },
    });
    expect(served.body.anchors.witness!.anchors).toBeGreaterThanOrEqual(3);
  });

  it('without a key to trust and without a witness, never passes', async () => {
    const cli = await verify(dataDir, [], { NODE_ENV: 'production' });
    expect(cli.stdout).toContain('no public key to check the anchors’ signatures with');
    expect(cli.stdout).toContain('production requires the witness of the anchors');
    expect(cli.status).toBe(1);
  });

  it('finds the anchors deleted after a rewritten event, the positions renumbered: the witness names where each was', async () => {
    const dir = tampered((db) => {
      db.prepare("DELETE FROM events WHERE stream = 'audit-anchors'").run();
      renumber(db);
      rewrite(db, bidRewritten, { redigestAnchors: false });
      restreams(db);
    });
    const [first] = witnessed();
    const cli = await verify(dir);
    expect(cli.stdout).toContain(
      `BROKEN anchor at position ${first!.position}: anchor 1, which the witness saw written at position ${first!.position}`,
    );
    expect(cli.stdout).toMatch(
      /BROKEN anchor at position \d+: the log ends at position \d+, but the witness's newest anchor/,
    );
    expect(cli.status).toBe(1);
  });

  it('finds an early anchor re-signed with the key kept in the data directory, every later one re-chained: the witness holds the originals', async () => {
    let rewritten = 0;
    const dir = tampered((db, copy) => {
      const key = AnchorSigner.fromText(readFileSync(join(copy, 'audit-signing.key'), 'utf8'));
      rewritten = db
        .prepare<[string], { position: number }>('SELECT position FROM events WHERE stream = ? AND revision = 0')
        .get(`bid-${bidId}`)!.position;
      rewrite(db, bidRewritten, { redigestAnchors: true, resign: key });
    });
    // The anchor that covers the rewritten bid, and every one after it, no longer are the ones witnessed.
    const early = witnessed().find((w) => Number(w.anchor.upTo) >= rewritten)!;
    expect(early.anchor.sequence).toBeLessThan(witnessed().length);
    const cli = await verify(dir);
    expect(cli.stdout).toContain(
      `BROKEN anchor at position ${early.position}: anchor ${early.anchor.sequence}: it is not the anchor ${early.anchor.sequence} the witness holds (written at position ${early.position}): it was re-signed or replaced`,
    );
    expect(cli.stdout).not.toContain(`anchor ${early.anchor.sequence - 1}: it is not`);
    expect(cli.status).toBe(1);
    // Without the witness the re-signed log holds together: the output says what it trusted instead.
    const alone = await verify(dir, []);
    expect(alone.stdout).toContain('Witness: none given');
    expect(alone.stdout).toContain('Trusting a key from the data directory');
  });

  it('finds the log truncated after its last witnessed anchor: the witness names the position the log no longer has', async () => {
    const last = witnessed().at(-1)!;
    const dir = tampered((db) => {
      db.prepare('DELETE FROM events WHERE position >= ?').run(Number(last.position));
      restreams(db);
    });
    const cli = await verify(dir);
    expect(cli.stdout).toContain(
      `anchor ${last.anchor.sequence}, which the witness saw written at position ${last.position}`,
    );
    expect(cli.stdout).toMatch(
      new RegExp(
        `the witness's newest anchor ${last.anchor.sequence} was written at position ${last.position} .*: the log was cut after \\d+`,
      ),
    );
    expect(cli.status).toBe(1);
  });
});

describe('where the signing key and the witness may be', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach(removeDataDir));
  const dataDir = () => {
    const dir = tempDataDir();
    dirs.push(dir);
    return dir;
  };
  /** The projector process, expected to refuse to start. */
  const projector = (env: Record<string, string>) =>
    spawnSync(process.execPath, [PROJECTOR_MAIN], {
      env: { PATH: process.env['PATH'] ?? '', ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });

  it('refuses a witness inside DATA_DIR, in any environment', async () => {
    const dir = dataDir();
    const refused = await startApiExpectingRefusal({
      NODE_ENV: 'test',
      DATA_DIR: dir,
      AUDIT_WITNESS_DIR: join(dir, 'witness'),
    });
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('AUDIT_WITNESS_DIR must be outside DATA_DIR');
  });

  it('in production the projector never defaults the signing key into DATA_DIR, nor anchors without a witness', () => {
    const dir = dataDir();
    const keyless = projector({ NODE_ENV: 'production', DATA_DIR: dir });
    expect(keyless.status).toBe(1);
    expect(keyless.stderr).toContain(
      'AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE (outside DATA_DIR) is required in production',
    );
    expect(readdirSync(dir)).not.toContain('audit-signing.key');
    const key = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');
    const witnessless = projector({ NODE_ENV: 'production', DATA_DIR: dir, AUDIT_SIGNING_KEY: key });
    expect(witnessless.status).toBe(1);
    expect(witnessless.stderr).toContain('AUDIT_WITNESS_DIR is required in production to write anchors');
  });
});

describe('no event left unanchored longer than the anchor interval, on the real process', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach(removeDataDir));
  /** The API anchoring every 10 minutes: within a test, only a stop in good order writes an anchor. */
  const rarely = { AUDIT_ANCHOR_INTERVAL_MS: '600000' };
  /** The CLI expecting every event older than a millisecond to be anchored. */
  const strictVerify = (dir: string, args: string[] = []) =>
    runTool('audit-verify', dir, { AUDIT_ANCHOR_INTERVAL_MS: '1' }, args);

  it('a node stopped in good order anchors what it wrote last; one killed leaves it unanchored, and verify names where', async () => {
    const api = await startApi({ env: rarely });
    dirs.push(api.dataDir);
    const client = new FundingClient(api.url);
    await client.admissibleBid(await client.openCall());
    expect((await client.streamHistory('audit-anchors')).status).toBe(404);
    await api.stop();
    const stopped = await strictVerify(api.dataDir);
    expect(stopped.stdout).toMatch(/Anchors: 1 checked, 1 signatures valid .*, 0 events after the last anchor/);
    expect(stopped.status).toBe(0);

    const again = await startApi({ dataDir: api.dataDir, env: rarely });
    const later = new FundingClient(again.url);
    const callId = await later.openCall();
    await later.admissibleBid(callId);
    const firstUnanchored = (await later.streamHistory(`call-${callId}`)).body.events[0]!.position;
    await again.kill();
    const killed = await strictVerify(api.dataDir);
    expect(killed.stdout).toMatch(
      new RegExp(
        `BROKEN anchor at position ${firstUnanchored}: \\d+ events recorded before \\S+ are covered by no anchor`,
      ),
    );
    expect(killed.status).toBe(1);
    // Judged as of a moment before those events (a copy taken then), nothing was due yet.
    expect((await strictVerify(api.dataDir, ['--as-of', '2020-01-01T00:00:00.000Z'])).status).toBe(0);
  });

  it('the projector process anchors the backlog as it starts, and what came last as it stops', async () => {
    const api = await startApi({ env: { RUN_PROJECTOR: 'false' } });
    dirs.push(api.dataDir);
    try {
      const client = new FundingClient(api.url);
      const callId = await client.openCall();
      await client.admissibleBid(callId);
      const projector = spawn(process.execPath, [PROJECTOR_MAIN], {
        env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'test', DATA_DIR: api.dataDir, ...rarely },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      projector.stdout!.on('data', (chunk) => (output += String(chunk)));
      projector.stderr!.on('data', (chunk) => (output += String(chunk)));
      const exited = new Promise<number | null>((resolve) => projector.once('exit', resolve));
      try {
        for (let i = 0; (await client.streamHistory('audit-anchors')).status !== 200; i++) {
          if (i > 300) throw new Error(`the projector wrote no anchor as it started:\n${output}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await client.admissibleBid(callId, { projectTitle: 'Sportello famiglie' });
      } catch (error) {
        projector.kill('SIGKILL'); // left running, it would keep Jest from exiting
        throw error;
      }
      projector.kill('SIGTERM');
      expect(await exited).toBe(0);
      const anchors = (await client.streamHistory('audit-anchors')).body.events;
      expect(anchors).toHaveLength(2);
    } finally {
      await api.stop();
    }
    const stopped = await strictVerify(api.dataDir);
    expect(stopped.stdout).toMatch(/Anchors: 2 checked, 2 signatures valid .*, 0 events after the last anchor/);
    expect(stopped.status).toBe(0);
  });
});
