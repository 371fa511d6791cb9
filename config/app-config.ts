import { eventStoreConfig, type EventStoreConfig } from './event-store.config.js';
import { httpConfig, type HttpConfig } from './http.config.js';
import { observabilityConfig, type ObservabilityConfig } from './observability.config.js';
import { readModelsConfig, type ReadModelsConfig } from './read-models.config.js';
import { securityConfig, type SecurityConfig } from './security.config.js';
import { Settings, type Environment } from './settings.js';
import { vaultConfig, type VaultConfig } from './vault.config.js';

export { LOG_LEVELS, type LogLevel } from './observability.config.js';
export { eventsInThisThread } from './event-store.config.js';

/**
 * The one configuration of the product, read from the environment at start, by concern: the event
 * store, the read models, HTTP, security, the vault, observability (each in its `*.config.ts`).
 * Every problem is reported at once, naming its setting, and the process refuses to start on any.
 */
export interface AppConfig
  extends EventStoreConfig, ReadModelsConfig, HttpConfig, SecurityConfig, VaultConfig, ObservabilityConfig {
  readonly environment: Environment;
  /** Where the embedded stores keep their files. */
  readonly dataDir: string;
}

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
  const settings = new Settings(env, cwd, options.serveApi);
  const dataDir = settings.path(settings.text('DATA_DIR') ?? './data');
  const config: AppConfig = {
    environment: settings.environment,
    dataDir,
    ...httpConfig(settings),
    ...eventStoreConfig(settings),
    ...readModelsConfig(settings),
    ...securityConfig(settings, dataDir),
    ...vaultConfig(settings, dataDir),
    ...observabilityConfig(settings),
  };
  if (config.metricsPort !== null && config.metricsPort !== 0 && config.metricsPort === config.port) {
    settings.problems.push(
      `METRICS_PORT must differ from PORT (${config.port}): the metrics have a listener of their own`,
    );
  }
  if (settings.problems.length > 0) throw new ConfigError(settings.problems);
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
