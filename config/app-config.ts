import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { parseEventStoreFaults } from '@app/event-store';

/** The scheme of KURRENTDB_URL that runs the KurrentDB adapter on its in-memory simulator. */
const SIMULATOR_SCHEME = 'kurrentdb-simulator';

/**
 * The one configuration of the product, read from the environment at start. Every problem is
 * reported at once, and the process refuses to start on any of them.
 */
export interface AppConfig {
  readonly environment: 'development' | 'test' | 'production';
  readonly port: number;
  /** The address the API listens on: 127.0.0.1 by default; 0.0.0.0 in a container. */
  readonly host: string;
  /** Where the embedded stores keep their files. */
  readonly dataDir: string;
  /**
   * When set, events go to KurrentDB instead of the embedded store. `kurrentdb-simulator://` runs the
   * KurrentDB adapter on an in-memory simulator of the server (tests only; refused in production).
   */
  readonly kurrentDbUrl: string | null;
  /**
   * Faults injected in front of the event store, by share of calls (EVENT_STORE_FAULTS, e.g.
   * `commit-then-fail:0.05,unavailable:0.02,drop-subscription:0.01`): for tests of what the product
   * does when its engine fails. Null: none. Refused in production.
   */
  readonly eventStoreFaults: string | null;
  /** When set, read models go to MongoDB instead of the embedded store. */
  readonly mongoDbUrl: string | null;
  /** API keys: the development file, or in production the hashed keys of API_KEYS_FILE. */
  readonly apiKeysFile: string | null;
  readonly maxBodyBytes: number;
  readonly maxEventBytes: number;
  /** Load the demo programme (WECARE) into an empty store at start. */
  readonly seedDemoProgramme: boolean;
  /** Run the projector inside the API process (the default); false when it runs as its own process. */
  readonly runProjector: boolean;
  /**
   * How long the response to a command sent with an Idempotency-Key is kept for its retries; after
   * it the key is new again. Default 168 hours (7 days).
   */
  readonly idempotencyRetentionHours: number;
  /**
   * How long a running request's claim on its Idempotency-Key holds without renewal: how soon a retry
   * may take over the key of a process that died. Default 30 s.
   */
  readonly idempotencyLeaseMs: number;
  /** How long a query carrying X-Min-Position waits for the read models before answering 503. */
  readonly minPositionWaitMs: number;
  /** Requests a minute each client address may make to the public open-data routes. */
  readonly openDataRateLimit: number;
  /** Open-data lists generated at once; more answer 503 with Retry-After. */
  readonly openDataConcurrent: number;
  /** Client addresses the per-address limits remember at once; past it, new addresses are refused until old ones expire. */
  readonly trackedAddresses: number;
  /** Failed authentications a minute per client address before it gets 429 for a while. */
  readonly authFailuresPerMinute: number;
  /** A request's headers and body must arrive within this (slow clients are cut off with 408). */
  readonly requestTimeoutMs: number;
  /** Open connections per client address; more are closed at once. */
  readonly maxConnectionsPerAddress: number;
  /** Audit exports one principal may run at once (verify and rebuild: one each). */
  readonly auditExportsPerPrincipal: number;
  /** `/docs` and `/docs-json`: public, behind any API key, or off. Default: public, off in production. */
  readonly apiDocs: 'public' | 'authenticated' | 'off';
  /**
   * The key that seals the personal-data vault's keyring file at rest (32 bytes, base64), from
   * VAULT_KEY or the file VAULT_KEY_FILE. Null: development only, where a key is generated into
   * DATA_DIR/vault.key at first start.
   */
  readonly vaultKey: string | null;
  /**
   * The vault's keyring (VAULT_KEYRING): a file of the key-encryption keys, rotated on every
   * erasure, kept apart from the databases and their backups (docs/adr/0009). Required in
   * production, outside DATA_DIR. Null: development only, where it is DATA_DIR's sibling
   * `<DATA_DIR>-vault-keyring.json`, created at first start.
   */
  readonly vaultKeyring: string | null;
  /** The MongoDB database of the vault (VAULT_DATABASE); default the one MONGODB_URL names, else `cohesion_ledger`. */
  readonly vaultDatabase: string;
  /**
   * The Ed25519 private key anchors are signed with (PEM, or base64 PKCS#8 DER), from
   * AUDIT_SIGNING_KEY or the file AUDIT_SIGNING_KEY_FILE: held by the managing authority, not by
   * whoever administers the databases. Null: development only, where one is generated into
   * DATA_DIR/audit-signing.key at first start.
   */
  readonly auditSigningKey: string | null;
  /** The public keys verification checks anchors against (AUDIT_PUBLIC_KEYS, comma-separated base64 SPKI DER); empty: the signing key's own. */
  readonly auditPublicKeys: readonly string[];
  /** How long the projector's lease on the read-model store lasts without renewal: a standby projector takes over after it. */
  readonly projectorLeaseMs: number;
  /** How often the process that runs the projector writes an anchor of the log (0: never). */
  readonly anchorIntervalMs: number;
  /** Express's `trust proxy`: set it when a reverse proxy sets X-Forwarded-For, so limits see the client's address. */
  readonly trustProxy: string | null;
  /** Log lines below this level are dropped (pino's levels). Default info; warn under NODE_ENV=test. */
  readonly logLevel: LogLevel;
  /** JSON lines, or pino-pretty's text; `auto`: pretty in development on a terminal, JSON otherwise. */
  readonly logFormat: 'json' | 'pretty' | 'auto';
  /**
   * The port of the Prometheus endpoint (GET /metrics), a listener of its own beside the API's
   * (docs/operations.md). Null (the default): no endpoint.
   */
  readonly metricsPort: number | null;
  /** The address the metrics listener binds: 127.0.0.1 by default; 0.0.0.0 in a container scraped from its network. */
  readonly metricsHost: string;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n- ${problems.join('\n- ')}`);
  }
}

export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  cwd = process.cwd(),
  options: { serveApi: boolean } = { serveApi: true },
): AppConfig {
  const problems: string[] = [];
  const text = (name: string): string | null => {
    const value = env[name]?.trim();
    return value ? value : null;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = text(name);
    if (raw === null) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
      return fallback;
    }
    return value;
  };
  const url = (name: string, schemes: readonly string[]): string | null => {
    const raw = text(name);
    if (raw === null) return null;
    if (!schemes.some((scheme) => raw.startsWith(`${scheme}://`))) {
      problems.push(`${name} must start with ${schemes.map((s) => `${s}://`).join(' or ')}`);
      return null;
    }
    return raw;
  };

  const rawEnvironment = text('NODE_ENV') ?? 'development';
  const environment = (['development', 'test', 'production'] as const).find((e) => e === rawEnvironment);
  if (!environment) problems.push(`NODE_ENV must be development, test or production, got ${JSON.stringify(rawEnvironment)}`);

  const dataDir = text('DATA_DIR') ?? './data';
  const apiKeysFile = text('API_KEYS_FILE');
  if (options.serveApi && (environment ?? 'development') === 'production' && apiKeysFile === null) {
    problems.push('API_KEYS_FILE is required in production (a JSON file of hashed API keys)');
  }
  const vaultKey = (): string | null => {
    const inline = text('VAULT_KEY');
    const file = text('VAULT_KEY_FILE');
    let key = inline;
    if (key === null && file !== null) {
      try {
        key = readFileSync(isAbsolute(file) ? file : resolve(cwd, file), 'utf8').trim();
      } catch {
        problems.push(`VAULT_KEY_FILE ${JSON.stringify(file)} cannot be read`);
        return null;
      }
    }
    if (key === null) {
      if (options.serveApi && (environment ?? 'development') === 'production') {
        problems.push('VAULT_KEY or VAULT_KEY_FILE is required in production (32 bytes, base64: `openssl rand -base64 32`)');
      }
      return null;
    }
    if (Buffer.from(key, 'base64').length !== 32) problems.push('The vault key must be 32 bytes, base64-encoded');
    return key;
  };
  const vaultKeyring = (): string | null => {
    const raw = text('VAULT_KEYRING');
    const production = options.serveApi && (environment ?? 'development') === 'production';
    if (raw === null) {
      if (production) problems.push('VAULT_KEYRING is required in production: the path of the vault keyring file, outside DATA_DIR and apart from the database backups (docs/adr/0009)');
      return null;
    }
    const path = isAbsolute(raw) ? raw : resolve(cwd, raw);
    const fromDataDir = relative(isAbsolute(dataDir) ? dataDir : resolve(cwd, dataDir), path);
    if (production && !fromDataDir.startsWith('..') && !isAbsolute(fromDataDir)) {
      problems.push('VAULT_KEYRING must be outside DATA_DIR in production: a copy of the data directory must not carry the keys that open it');
    }
    return path;
  };
  const vaultDatabase = (): string => {
    const raw = text('VAULT_DATABASE');
    if (raw !== null && !/^[^/\\. "$*<>:|?\0]{1,63}$/.test(raw)) problems.push(`VAULT_DATABASE must be a MongoDB database name (1 to 63 characters, none of /\\. "$*<>:|?), got ${JSON.stringify(raw)}`);
    return raw ?? databaseNamedIn(text('MONGODB_URL')) ?? 'cohesion_ledger';
  };
  const secret = (name: string, what: string): string | null => {
    const inline = text(name);
    const file = text(`${name}_FILE`);
    if (inline !== null || file === null) return inline;
    try {
      return readFileSync(isAbsolute(file) ? file : resolve(cwd, file), 'utf8').trim();
    } catch {
      problems.push(`${name}_FILE ${JSON.stringify(file)} cannot be read (${what})`);
      return null;
    }
  };
  const auditSigningKey = (): string | null => {
    const key = secret('AUDIT_SIGNING_KEY', 'the Ed25519 key anchors are signed with');
    // Required where anchors are written: an API that runs the projector (the projector process checks it itself).
    const anchors = text('AUDIT_ANCHOR_INTERVAL_MS') !== '0' && text('RUN_PROJECTOR') !== 'false';
    if (key === null && options.serveApi && anchors && (environment ?? 'development') === 'production') {
      problems.push('AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE is required in production where the projector runs (an Ed25519 private key: `openssl genpkey -algorithm ed25519`)');
    }
    if (key !== null && !isEd25519Key(key, 'private')) problems.push('The audit signing key must be an Ed25519 private key (PEM, or base64 PKCS#8 DER)');
    return key;
  };
  const publicKeys = (): string[] => {
    const keys = (text('AUDIT_PUBLIC_KEYS') ?? '').split(',').map((k) => k.trim()).filter((k) => k.length > 0);
    if (keys.length === 0 && options.serveApi && (environment ?? 'development') === 'production') {
      problems.push('AUDIT_PUBLIC_KEYS is required in production: the public keys /audit/verify checks the anchors with (base64 SPKI DER)');
    }
    for (const key of keys) if (!isEd25519Key(key, 'public')) problems.push(`AUDIT_PUBLIC_KEYS: ${JSON.stringify(key.slice(0, 24))}… is not an Ed25519 public key (base64 SPKI DER)`);
    return keys;
  };
  const production = (environment ?? 'development') === 'production';
  const kurrentDbUrl = (): string | null => {
    const value = url('KURRENTDB_URL', ['kurrentdb', 'kurrentdb+discover', 'esdb', 'esdb+discover', SIMULATOR_SCHEME]);
    if (value?.startsWith(`${SIMULATOR_SCHEME}://`) && production) {
      problems.push('KURRENTDB_URL names the in-memory KurrentDB simulator, which keeps nothing: it is for tests, never in production');
      return null;
    }
    return value;
  };
  const eventStoreFaults = (): string | null => {
    const value = text('EVENT_STORE_FAULTS');
    if (value === null) return null;
    if (production) {
      problems.push('EVENT_STORE_FAULTS injects failures into the event store: it is for tests, never in production');
      return null;
    }
    try {
      parseEventStoreFaults(value);
    } catch (error) {
      problems.push(`EVENT_STORE_FAULTS: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
    return value;
  };
  const choice = <T extends string>(name: string, options: readonly T[], fallback: T): T => {
    const raw = text(name);
    if (raw === null) return fallback;
    const found = options.find((o) => o === raw);
    if (!found) problems.push(`${name} must be one of ${options.join(', ')}, got ${JSON.stringify(raw)}`);
    return found ?? fallback;
  };
  const flag = (name: string, fallback: boolean): boolean => {
    const raw = text(name);
    if (raw === null) return fallback;
    if (raw !== 'true' && raw !== 'false') problems.push(`${name} must be true or false, got ${JSON.stringify(raw)}`);
    return raw === 'true';
  };

  const config: AppConfig = {
    environment: environment ?? 'development',
    port: integer('PORT', 3000, 0, 65_535),
    host: text('HOST') ?? '127.0.0.1',
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(cwd, dataDir),
    kurrentDbUrl: kurrentDbUrl(),
    eventStoreFaults: eventStoreFaults(),
    mongoDbUrl: url('MONGODB_URL', ['mongodb', 'mongodb+srv']),
    apiKeysFile: apiKeysFile === null ? null : isAbsolute(apiKeysFile) ? apiKeysFile : resolve(cwd, apiKeysFile),
    maxBodyBytes: integer('MAX_BODY_BYTES', 256 * 1024, 1024, 16 * 1024 * 1024),
    maxEventBytes: integer('MAX_EVENT_BYTES', 1024 * 1024, 1024, 16 * 1024 * 1024),
    seedDemoProgramme: flag('SEED_DEMO_PROGRAMME', true),
    runProjector: flag('RUN_PROJECTOR', true),
    idempotencyRetentionHours: integer('IDEMPOTENCY_RETENTION_HOURS', 168, 1, 8_760),
    idempotencyLeaseMs: integer('IDEMPOTENCY_LEASE_MS', 30_000, 500, 600_000),
    minPositionWaitMs: integer('MIN_POSITION_WAIT_MS', 3000, 0, 30_000),
    openDataRateLimit: integer('OPEN_DATA_RATE_LIMIT', 30, 1, 100_000),
    openDataConcurrent: integer('OPEN_DATA_CONCURRENT', 4, 1, 1_000),
    trackedAddresses: integer('TRACKED_ADDRESSES', 10_000, 100, 10_000_000),
    authFailuresPerMinute: integer('AUTH_FAILURES_PER_MINUTE', 20, 1, 100_000),
    requestTimeoutMs: integer('REQUEST_TIMEOUT_MS', 30_000, 1_000, 600_000),
    maxConnectionsPerAddress: integer('MAX_CONNECTIONS_PER_ADDRESS', 256, 1, 100_000),
    auditExportsPerPrincipal: integer('AUDIT_EXPORTS_PER_PRINCIPAL', 2, 1, 100),
    apiDocs: choice('API_DOCS', ['public', 'authenticated', 'off'], (environment ?? 'development') === 'production' ? 'off' : 'public'),
    trustProxy: text('TRUST_PROXY'),
    vaultKey: vaultKey(),
    vaultKeyring: vaultKeyring(),
    vaultDatabase: vaultDatabase(),
    auditSigningKey: auditSigningKey(),
    auditPublicKeys: publicKeys(),
    anchorIntervalMs: integer('AUDIT_ANCHOR_INTERVAL_MS', 60_000, 0, 86_400_000),
    projectorLeaseMs: integer('PROJECTOR_LEASE_MS', 15_000, 300, 600_000),
    logLevel: choice('LOG_LEVEL', LOG_LEVELS, environment === 'test' ? 'warn' : 'info'),
    logFormat: choice('LOG_FORMAT', ['json', 'pretty', 'auto'], 'auto'),
    metricsPort: text('METRICS_PORT') === null ? null : integer('METRICS_PORT', 0, 0, 65_535),
    metricsHost: text('METRICS_HOST') ?? '127.0.0.1',
  };
  if (config.metricsPort !== null && config.metricsPort !== 0 && config.metricsPort === config.port) {
    problems.push(`METRICS_PORT must differ from PORT (${config.port}): the metrics have a listener of their own`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** For the command-line entry points: the configuration, or the problems on stderr and exit code 1. */
export function loadConfigOrExit(options: { serveApi: boolean }): AppConfig {
  try {
    return loadConfig(process.env, process.cwd(), options);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/** Whether the text is an Ed25519 key of that kind, as PEM or base64 DER (PKCS#8 private, SPKI public). */
function isEd25519Key(text: string, kind: 'private' | 'public'): boolean {
  try {
    const pem = text.startsWith('-----');
    const key =
      kind === 'private'
        ? createPrivateKey(pem ? text : { key: Buffer.from(text, 'base64'), format: 'der', type: 'pkcs8' })
        : createPublicKey(pem ? text : { key: Buffer.from(text, 'base64'), format: 'der', type: 'spki' });
    return key.asymmetricKeyType === 'ed25519';
  } catch {
    return false;
  }
}

/** The database a mongodb:// or mongodb+srv:// URL names, or null when it names none (the driver would pick `test`). */
function databaseNamedIn(url: string | null): string | null {
  const match = url === null ? null : /^mongodb(?:\+srv)?:\/\/[^/?#]*\/([^?#]*)/i.exec(url);
  if (!match?.[1]) return null;
  try {
    return decodeURIComponent(match[1]) || null;
  } catch {
    return null;
  }
}
