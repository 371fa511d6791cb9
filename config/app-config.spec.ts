import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './app-config.js';

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
      openDataRateLimit: 30,
      idempotencyRetentionHours: 168,
    });
  });

  it('keeps idempotent responses for IDEMPOTENCY_RETENTION_HOURS, from one hour to a year', () => {
    expect(loadConfig({ IDEMPOTENCY_RETENTION_HOURS: '24' }).idempotencyRetentionHours).toBe(24);
    expect(() => loadConfig({ IDEMPOTENCY_RETENTION_HOURS: '0' })).toThrow('IDEMPOTENCY_RETENTION_HOURS must be an integer from 1 to 8760, got "0"');
    expect(() => loadConfig({ IDEMPOTENCY_RETENTION_HOURS: '1.5' })).toThrow('IDEMPOTENCY_RETENTION_HOURS must be an integer');
  });

  it('takes PORT, DATA_DIR and the server URLs from the environment', () => {
    const config = loadConfig(
      { PORT: '8080', DATA_DIR: '/var/lib/ledger', KURRENTDB_URL: 'kurrentdb://localhost:2113?tls=false', MONGODB_URL: 'mongodb://localhost:27017' },
      '/srv/app',
    );
    expect(config).toMatchObject({ port: 8080, dataDir: '/var/lib/ledger', kurrentDbUrl: 'kurrentdb://localhost:2113?tls=false', mongoDbUrl: 'mongodb://localhost:27017' });
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
      'KURRENTDB_URL must start with kurrentdb:// or kurrentdb+discover:// or esdb:// or esdb+discover://',
      'MAX_BODY_BYTES must be an integer from 1024 to 16777216, got "-1"',
    ]);
  });

  it('logs at info (warn under test) in the format the terminal suits, and serves metrics only on a port of their own', () => {
    expect(loadConfig({})).toMatchObject({ logLevel: 'info', logFormat: 'auto', metricsPort: null, metricsHost: '127.0.0.1' });
    expect(loadConfig({ NODE_ENV: 'test' }).logLevel).toBe('warn');
    expect(loadConfig({ LOG_LEVEL: 'debug', LOG_FORMAT: 'json', METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' })).toMatchObject({ logLevel: 'debug', logFormat: 'json', metricsPort: 9464, metricsHost: '0.0.0.0' });
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"');
    expect(() => loadConfig({ PORT: '9464', METRICS_PORT: '9464' })).toThrow('METRICS_PORT must differ from PORT (9464)');
  });

  it('refuses production without an API keys file', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow('API_KEYS_FILE is required in production');
  });
});
