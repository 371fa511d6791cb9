import type { Logger } from 'pino';
import { createLogger as createProcessLogger, type AppConfig } from '@app/config';

/** The logger is shared with the projector process (config/json-logger.ts); here the API names itself. */
export { JsonLogger } from '@app/config';

export const API_SERVICE = 'cohesion-ledger-api';

/** The API's logger: JSON lines with `service: "cohesion-ledger-api"` (config/json-logger.ts). */
export function createLogger(
  config: Pick<AppConfig, 'environment' | 'logLevel' | 'logFormat'>,
  terminal = process.stdout.isTTY === true,
): Promise<Logger> {
  return createProcessLogger(config, API_SERVICE, terminal);
}
