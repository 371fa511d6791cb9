import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteIdempotencyStore } from './embedded/sqlite-idempotency-store.js';
import { IdempotencyKeyReusedError, IdempotencyKeys } from './idempotency-keys.js';
import type { StoredResponse } from './idempotency-store.port.js';

const answer: StoredResponse = { status: 201, headers: { etag: '"0"' }, body: { bidId: 'bid-1' } };

// Every test gets an embedded store of its own.
let dir: string;
let store: SqliteIdempotencyStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'idempotency-'));
  store = SqliteIdempotencyStore.open(join(dir, 'api.db'), { retentionMs: 3_600_000 });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Keys on the store that report their warnings into `warnings`. */
function keysWarningInto(warnings: string[], isOutcomeUnknown: () => boolean = () => true): IdempotencyKeys {
  return new IdempotencyKeys(store, { retentionMs: 3_600_000, isOutcomeUnknown, warn: (m) => warnings.push(m) });
}

describe('a command whose response cannot be kept', () => {
  it('still answers: the command was written, and the failure is reported, not turned into an error', async () => {
    store.complete = () => Promise.reject(new Error('disk full'));
    const warnings: string[] = [];
    const keys = keysWarningInto(warnings);
    const outcome = await keys.run('dev:applicant-service', 'bid-1', 'fingerprint', () => Promise.resolve(answer));
    expect(outcome).toEqual({ kind: 'first', response: answer });
    expect(warnings).toEqual([
      expect.stringContaining('Could not keep the response to Idempotency-Key "bid-1": Error: disk full'),
    ]);
  });
});

describe('a command that failed', () => {
  it('keeps its key when whether it was written cannot be told: the safe side, and reported', async () => {
    const warnings: string[] = [];
    const keys = keysWarningInto(warnings, () => {
      throw new Error('classifier bug');
    });
    await expect(
      keys.run('dev:applicant-service', 'bid-1', 'fingerprint', () => Promise.reject(new Error('socket hang up'))),
    ).rejects.toThrow('socket hang up');
    await expect(
      keys.run('dev:applicant-service', 'bid-1', 'another', () => Promise.resolve(answer)),
    ).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    expect(warnings).toEqual([expect.stringContaining('its claim is kept: Error: classifier bug')]);
  });

  it('still answers its own error when its unknown outcome cannot be kept, and reports it', async () => {
    store.keepUnsettled = () => Promise.reject(new Error('database is locked'));
    const warnings: string[] = [];
    const keys = keysWarningInto(warnings);
    await expect(
      keys.run('dev:applicant-service', 'bid-1', 'fingerprint', () =>
        Promise.reject(new Error('append outcome unknown')),
      ),
    ).rejects.toThrow('append outcome unknown');
    expect(warnings).toEqual([
      expect.stringContaining(
        'Could not keep the unsettled claim on Idempotency-Key "bid-1": Error: database is locked',
      ),
    ]);
  });
});
