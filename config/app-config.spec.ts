import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './app-config.js';

/** What the configuration refuses, each problem as it words it; none when it loads. */
const problems = (env: Record<string, string>): readonly string[] => {
  try {
    loadConfig(env, '/srv/app');
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
};

describe('configuration', () => {
  it('defaults to the embedded stores under ./data on port 3000', () => {
    expect(loadConfig({}, '/srv/app')).toMatchObject({
      environment: 'development',
      port: 3000,
      dataDir: '/srv/app/data',
      kurrentDbUrl: null,
      mongoDbUrl: null,
      seedDemoProgramme: true,
      runProjector: true,
      projectorThread: 'worker',
      openDataRateLimit: 30,
      idempotencyRetentionHours: 168,
    });
  });

  it("runs the API's projector in a thread of its own unless PROJECTOR_THREAD=inline", () => {
    expect(loadConfig({ PROJECTOR_THREAD: 'inline' }).projectorThread).toBe('inline');
    expect(() => loadConfig({ PROJECTOR_THREAD: 'process' })).toThrow('PROJECTOR_THREAD');
  });

  it('replaces projection versions with PROJECTION_VERSION_OVERRIDES, a rehearsal refused in production', () => {
    expect(loadConfig({}).projectionVersionOverrides).toEqual({});
    expect(loadConfig({ PROJECTION_VERSION_OVERRIDES: 'grant-summaries:2, irregularities:3' })).toMatchObject({
      projectionVersionOverrides: { 'grant-summaries': 2, irregularities: 3 },
    });
    expect(() => loadConfig({ PROJECTION_VERSION_OVERRIDES: 'grants:2' })).toThrow('PROJECTION_VERSION_OVERRIDES');
    expect(() => loadConfig({ PROJECTION_VERSION_OVERRIDES: 'grant-summaries:0' })).toThrow(
      'PROJECTION_VERSION_OVERRIDES',
    );
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        API_KEYS_FILE: '/k.json',
        PROJECTION_VERSION_OVERRIDES: 'grant-summaries:2',
      }),
    ).toThrow('PROJECTION_VERSION_OVERRIDES is for rehearsals and tests');
  });

  it('keeps an idle keep-alive connection for HTTP_KEEP_ALIVE_TIMEOUT_MS, 5 s by default, from 1 s to 10 minutes', () => {
    expect(loadConfig({}).keepAliveTimeoutMs).toBe(5_000);
    expect(loadConfig({ HTTP_KEEP_ALIVE_TIMEOUT_MS: '65000' }).keepAliveTimeoutMs).toBe(65_000);
    expect(() => loadConfig({ HTTP_KEEP_ALIVE_TIMEOUT_MS: '500' })).toThrow(
      'HTTP_KEEP_ALIVE_TIMEOUT_MS must be an integer from 1000 to 600000, got "500"',
    );
  });

  it('keeps idempotent responses for IDEMPOTENCY_RETENTION_HOURS, from one hour to a year', () => {
    expect(loadConfig({ IDEMPOTENCY_RETENTION_HOURS: '24' }).idempotencyRetentionHours).toBe(24);
    expect(() => loadConfig({ IDEMPOTENCY_RETENTION_HOURS: '0' })).toThrow(
      'IDEMPOTENCY_RETENTION_HOURS must be an integer from 1 to 8760, got "0"',
    );
    expect(() => loadConfig({ IDEMPOTENCY_RETENTION_HOURS: '1.5' })).toThrow(
      'IDEMPOTENCY_RETENTION_HOURS must be an integer',
    );
  });

  it('takes PORT, DATA_DIR and the server URLs from the environment', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        DATA_DIR: '/var/lib/ledger',
        KURRENTDB_URL: 'kurrentdb://localhost:2113?tls=false',
        MONGODB_URL: 'mongodb://localhost:27017',
      },
      '/srv/app',
    );
    expect(config).toMatchObject({
      port: 8080,
      dataDir: '/var/lib/ledger',
      kurrentDbUrl: 'kurrentdb://localhost:2113?tls=false',
      mongoDbUrl: 'mongodb://localhost:27017',
    });
  });

  it('refuses to start on bad values, naming every one', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', KURRENTDB_URL: 'http://x', NODE_ENV: 'staging', MAX_BODY_BYTES: '-1' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'NODE_ENV must be development, test or production, got "staging"',
      'PORT must be an integer from 0 to 65535, got "eighty"',
      'MAX_BODY_BYTES must be an integer from 1024 to 16777216, got "-1"',
      'KURRENTDB_URL must start with kurrentdb:// or kurrentdb+discover:// or esdb:// or esdb+discover:// or kurrentdb-simulator://',
    ]);
  });

  it('logs at info (warn under test) in the format the terminal suits, and serves metrics only on a port of their own', () => {
    expect(loadConfig({})).toMatchObject({
      logLevel: 'info',
      logFormat: 'auto',
      metricsPort: null,
      metricsHost: '127.0.0.1',
    });
    expect(loadConfig({ NODE_ENV: 'test' }).logLevel).toBe('warn');
    expect(
      loadConfig({ LOG_LEVEL: 'debug', LOG_FORMAT: 'json', METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' }),
    ).toMatchObject({ logLevel: 'debug', logFormat: 'json', metricsPort: 9464, metricsHost: '0.0.0.0' });
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow(
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
    );
    expect(() => loadConfig({ PORT: '9464', METRICS_PORT: '9464' })).toThrow(
      'METRICS_PORT must differ from PORT (9464)',
    );
  });

  it('is not ready below 256 MiB free on the disk of DATA_DIR unless HEALTH_MIN_FREE_DISK_BYTES says otherwise', () => {
    expect(loadConfig({}).healthMinFreeDiskBytes).toBe(268_435_456);
    expect(loadConfig({ HEALTH_MIN_FREE_DISK_BYTES: '0' }).healthMinFreeDiskBytes).toBe(0);
    expect(loadConfig({ HEALTH_MIN_FREE_DISK_BYTES: '1073741824' }).healthMinFreeDiskBytes).toBe(1_073_741_824);
    expect(() => loadConfig({ HEALTH_MIN_FREE_DISK_BYTES: '1GB' })).toThrow(
      'HEALTH_MIN_FREE_DISK_BYTES must be an integer from 0 to 9007199254740991, got "1GB"',
    );
  });

  it('runs on the KurrentDB simulator and with injected faults only outside production, and names a bad fault', () => {
    expect(
      loadConfig({
        KURRENTDB_URL: 'kurrentdb-simulator://',
        EVENT_STORE_FAULTS: 'commit-then-fail:0.05,unavailable:0.02',
      }),
    ).toMatchObject({
      kurrentDbUrl: 'kurrentdb-simulator://',
      eventStoreFaults: 'commit-then-fail:0.05,unavailable:0.02',
    });
    expect(loadConfig({}).eventStoreFaults).toBeNull();
    expect(() => loadConfig({ EVENT_STORE_FAULTS: 'commit-then-fail:2' })).toThrow('EVENT_STORE_FAULTS:');
    expect(() => loadConfig({ EVENT_STORE_FAULTS: 'disk-on-fire:0.1' })).toThrow('disk-on-fire');
    const production = { NODE_ENV: 'production', API_KEYS_FILE: '/etc/ledger/keys.json' };
    expect(() => loadConfig({ ...production, KURRENTDB_URL: 'kurrentdb-simulator://' })).toThrow(
      'KURRENTDB_URL names the in-memory KurrentDB simulator',
    );
    expect(() => loadConfig({ ...production, EVENT_STORE_FAULTS: 'unavailable:0.5' })).toThrow(
      'EVENT_STORE_FAULTS injects failures into the event store',
    );
  });

  it('lets a retry take over the Idempotency-Key of a dead process after IDEMPOTENCY_LEASE_MS', () => {
    expect(loadConfig({}).idempotencyLeaseMs).toBe(30_000);
    expect(loadConfig({ IDEMPOTENCY_LEASE_MS: '1000' }).idempotencyLeaseMs).toBe(1000);
    expect(() => loadConfig({ IDEMPOTENCY_LEASE_MS: '10' })).toThrow(
      'IDEMPOTENCY_LEASE_MS must be an integer from 500 to 600000',
    );
  });

  it('refuses production without an API keys file', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow('API_KEYS_FILE is required in production');
  });

  describe("the audit trail's keys and witness", () => {
    const production = { NODE_ENV: 'production', DATA_DIR: '/var/lib/ledger' };

    it('takes the witness from AUDIT_WITNESS_DIR, never inside DATA_DIR, and requires it in production where anchors are written', () => {
      expect(loadConfig({}, '/srv/app').auditWitnessDir).toBeNull();
      expect(loadConfig({ AUDIT_WITNESS_DIR: 'witness' }, '/srv/app').auditWitnessDir).toBe('/srv/app/witness');
      expect(problems({ DATA_DIR: '/var/lib/ledger', AUDIT_WITNESS_DIR: '/var/lib/ledger/witness' })).toEqual([
        "AUDIT_WITNESS_DIR must be outside DATA_DIR (/var/lib/ledger): a witness the database's administrators can rewrite witnesses nothing",
      ]);
      expect(problems(production)).toContain(
        'AUDIT_WITNESS_DIR is required in production where the projector runs: the mount of the append-only store every signed anchor is also written to, outside DATA_DIR (docs/operations.md)',
      );
      expect(problems({ ...production, AUDIT_ANCHOR_INTERVAL_MS: '0' }).join('\n')).not.toContain('AUDIT_WITNESS_DIR');
      expect(problems({ ...production, AUDIT_WITNESS_DIR: '/mnt/ledger-witness' }).join('\n')).not.toContain(
        'AUDIT_WITNESS_DIR',
      );
    });

    it('never takes the signing key from a file in DATA_DIR in production', () => {
      expect(problems({ ...production, AUDIT_SIGNING_KEY_FILE: '/var/lib/ledger/audit-signing.key' })).toContain(
        'AUDIT_SIGNING_KEY_FILE must be outside DATA_DIR in production: whoever can write the data could re-sign its anchors with a key kept beside it',
      );
      expect(problems(production)).toContain(
        'AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE is required in production where the projector runs (an Ed25519 private key: `openssl genpkey -algorithm ed25519`)',
      );
    });
  });

  describe('the personal-data vault', () => {
    const vaultKey = Buffer.alloc(32, 7).toString('base64');

    it('takes its keyring from VAULT_KEYRING, beside DATA_DIR by default in development only', () => {
      expect(loadConfig({}, '/srv/app')).toMatchObject({ vaultKey: null, vaultKeyring: null });
      expect(
        loadConfig({ VAULT_KEYRING: 'secrets/vault-keyring.json', VAULT_KEY: vaultKey }, '/srv/app'),
      ).toMatchObject({ vaultKeyring: '/srv/app/secrets/vault-keyring.json', vaultKey });
      const production = {
        NODE_ENV: 'production',
        API_KEYS_FILE: '/etc/ledger/keys.json',
        VAULT_KEY: vaultKey,
        DATA_DIR: '/var/lib/ledger',
      };
      expect(problems(production)).toContain(
        'VAULT_KEYRING is required in production: the path of the vault keyring file, outside DATA_DIR and apart from the database backups (docs/adr/0009)',
      );
      expect(problems({ ...production, VAULT_KEYRING: '/var/lib/ledger/keys/vault-keyring.json' })).toContain(
        'VAULT_KEYRING must be outside DATA_DIR in production: a copy of the data directory must not carry the keys that open it',
      );
      expect(
        problems({ ...production, VAULT_KEYRING: '/var/lib/ledger-keys/vault-keyring.json' }).filter((p) =>
          p.includes('VAULT'),
        ),
      ).toEqual([]);
      expect(
        problems({ NODE_ENV: 'production', API_KEYS_FILE: '/k.json', VAULT_KEYRING: '/etc/ledger/vault-keyring.json' }),
      ).toContain(
        'VAULT_KEY or VAULT_KEY_FILE is required in production (32 bytes, base64: `openssl rand -base64 32`)',
      );
    });

    it('keeps its MongoDB data in VAULT_DATABASE, else the database MONGODB_URL names, never the driver default `test`', () => {
      expect(loadConfig({}).vaultDatabase).toBe('cohesion_ledger');
      expect(loadConfig({ MONGODB_URL: 'mongodb://localhost:27017/?directConnection=true' }).vaultDatabase).toBe(
        'cohesion_ledger',
      );
      expect(loadConfig({ MONGODB_URL: 'mongodb://h1:27017,h2:27017/ledger?replicaSet=rs0' }).vaultDatabase).toBe(
        'ledger',
      );
      expect(
        loadConfig({ MONGODB_URL: 'mongodb://localhost:27017/ledger', VAULT_DATABASE: 'ledger_vault' }).vaultDatabase,
      ).toBe('ledger_vault');
      expect(problems({ VAULT_DATABASE: 'ledger.vault' })).toEqual([
        'VAULT_DATABASE must be a MongoDB database name (1 to 63 characters, none of /\\. "$*<>:|?), got "ledger.vault"',
      ]);
    });
  });
});
