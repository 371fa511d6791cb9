/** Hardening in production mode, on the real process: the API documents closed, where it listens said, no verification passing without the witness. */
import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { removeDataDir, startApi, tempDataDir } from './support/api-process.js';
import { request } from './support/http.js';

describe('hardening: production', () => {
  it('keeps the API documents closed, says where it listens, and passes no verification without the witness', async () => {
    const dataDir = tempDataDir();
    const keys = join(dataDir, 'keys.json');
    const { createHash } = await import('node:crypto');
    writeFileSync(
      keys,
      JSON.stringify([
        {
          keyHash: `sha256:${createHash('sha256').update('a-production-key').digest('hex')}`,
          principal: 'prod:viewer',
          roles: ['viewer'],
        },
        {
          keyHash: `sha256:${createHash('sha256').update('a-production-auditor-key').digest('hex')}`,
          principal: 'prod:auditor',
          roles: ['auditor'],
        },
      ]),
    );
    const api = await startApi({
      dataDir,
      env: {
        NODE_ENV: 'production',
        API_KEYS_FILE: keys,
        HOST: '127.0.0.1',
        VAULT_KEY: Buffer.alloc(32, 9).toString('base64'),
        VAULT_KEYRING: `${dataDir}-vault-keyring.json`,
        AUDIT_PUBLIC_KEYS: generateKeyPairSync('ed25519')
          .publicKey.export({ type: 'spki', format: 'der' })
          .toString('base64'),
      },
    });
    try {
      expect((await request(api.url).get('/docs-json')).status).toBe(404);
      expect((await request(api.url).get('/docs')).status).toBe(404);
      expect(api.output()).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
      // Without the witness of the anchors, no verification in production passes: only the witness shows a cut end.
      const verified = await request(api.url)
        .get('/audit/verify')
        .set('Authorization', 'Bearer a-production-auditor-key');
      expect(verified.status).toBe(200);
      expect(verified.body).toMatchObject({
        ok: false,
        notVerified: expect.stringContaining('production requires the witness of the anchors'),
      });
    } finally {
      await api.stop();
      removeDataDir(dataDir);
    }
  });
});
