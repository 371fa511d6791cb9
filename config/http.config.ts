import type { Settings } from './settings.js';

/** How the API listens, and the limits that protect it (docs/security.md). */
export interface HttpConfig {
  readonly port: number;
  /** The address the API listens on: 127.0.0.1 by default; 0.0.0.0 in a container. */
  readonly host: string;
  readonly maxBodyBytes: number;
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
  /**
   * How long an idle keep-alive connection is kept open (HTTP_KEEP_ALIVE_TIMEOUT_MS, default 5 s,
   * Node's own). Behind a load balancer or proxy that keeps connections to the API, set it longer
   * than the balancer's idle timeout, or the balancer may send a request on a connection the API is
   * closing (docs/operations.md).
   */
  readonly keepAliveTimeoutMs: number;
  /** Open connections per client address; more are closed at once. */
  readonly maxConnectionsPerAddress: number;
  /** Audit exports one principal may run at once (verify and rebuild: one each). */
  readonly auditExportsPerPrincipal: number;
  /** `/docs` and `/docs-json`: public, behind any API key, or off. Default: public, off in production. */
  readonly apiDocs: 'public' | 'authenticated' | 'off';
  /** The proxies to trust (a hop count, true, or addresses and subnets): set it when a reverse proxy sets X-Forwarded-For, so limits see the client's address. */
  readonly trustProxy: string | null;
  /** Load the demo programmes into an empty store at start. */
  readonly seedDemoProgramme: boolean;
}

export function httpConfig(s: Settings): HttpConfig {
  return {
    port: s.integer('PORT', 3000, 0, 65_535),
    host: s.text('HOST') ?? '127.0.0.1',
    maxBodyBytes: s.integer('MAX_BODY_BYTES', 256 * 1024, 1024, 16 * 1024 * 1024),
    idempotencyRetentionHours: s.integer('IDEMPOTENCY_RETENTION_HOURS', 168, 1, 8_760),
    idempotencyLeaseMs: s.integer('IDEMPOTENCY_LEASE_MS', 30_000, 500, 600_000),
    openDataRateLimit: s.integer('OPEN_DATA_RATE_LIMIT', 30, 1, 100_000),
    openDataConcurrent: s.integer('OPEN_DATA_CONCURRENT', 4, 1, 1_000),
    trackedAddresses: s.integer('TRACKED_ADDRESSES', 10_000, 100, 10_000_000),
    authFailuresPerMinute: s.integer('AUTH_FAILURES_PER_MINUTE', 20, 1, 100_000),
    requestTimeoutMs: s.integer('REQUEST_TIMEOUT_MS', 30_000, 1_000, 600_000),
    keepAliveTimeoutMs: s.integer('HTTP_KEEP_ALIVE_TIMEOUT_MS', 5_000, 1_000, 600_000),
    maxConnectionsPerAddress: s.integer('MAX_CONNECTIONS_PER_ADDRESS', 256, 1, 100_000),
    auditExportsPerPrincipal: s.integer('AUDIT_EXPORTS_PER_PRINCIPAL', 2, 1, 100),
    apiDocs: s.choice('API_DOCS', ['public', 'authenticated', 'off'], s.production ? 'off' : 'public'),
    trustProxy: s.text('TRUST_PROXY'),
    seedDemoProgramme: s.flag('SEED_DEMO_PROGRAMME', true),
  };
}
