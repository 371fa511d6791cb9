import type { Settings } from './settings.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Logs and metrics (docs/operations.md). */
export interface ObservabilityConfig {
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
  /**
   * GET /health/ready answers 503 (`disk-low`) while the filesystem holding DATA_DIR has fewer free
   * bytes than this (HEALTH_MIN_FREE_DISK_BYTES, default 256 MiB): an append would soon fail with the
   * disk full. Checked only when an embedded store keeps its files there.
   */
  readonly healthMinFreeDiskBytes: number;
}

export function observabilityConfig(s: Settings): ObservabilityConfig {
  return {
    logLevel: s.choice('LOG_LEVEL', LOG_LEVELS, s.environment === 'test' ? 'warn' : 'info'),
    logFormat: s.choice('LOG_FORMAT', ['json', 'pretty', 'auto'], 'auto'),
    metricsPort: s.text('METRICS_PORT') === null ? null : s.integer('METRICS_PORT', 0, 0, 65_535),
    metricsHost: s.text('METRICS_HOST') ?? '127.0.0.1',
    healthMinFreeDiskBytes: s.integer('HEALTH_MIN_FREE_DISK_BYTES', 256 * 1024 * 1024, 0, Number.MAX_SAFE_INTEGER),
  };
}
