import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Level, type Logger, type LoggerOptions } from 'pino';
import type { AppConfig } from './app-config.js';

/**
 * A process's logger (the API's, the projector's): one JSON object per line on stdout (pino), or
 * pino-pretty's text in development on a terminal. `service` names the process on every line. Lines carry ids (principal, correlation, trace) and never personal
 * data: the request log writes an allow-list of fields, and the keys below are censored should a
 * caller ever pass request headers.
 */
export async function createLogger(
  config: Pick<AppConfig, 'environment' | 'logLevel' | 'logFormat'>,
  service: string,
  terminal = process.stdout.isTTY === true,
): Promise<Logger> {
  const options: LoggerOptions = {
    level: config.logLevel,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        'authorization',
        '*.authorization',
        'headers.authorization',
        '*.headers.authorization',
        'headers.cookie',
        '*.headers.cookie',
      ],
      censor: '[redacted]',
    },
  };
  const pretty =
    config.logFormat === 'pretty' || (config.logFormat === 'auto' && config.environment === 'development' && terminal);
  const prettyStream = pretty ? await prettyPrinter() : null;
  if (prettyStream) return pino(options, prettyStream);
  // Level names rather than numbers: a line reads on its own. Written synchronously, so that the
  // lines before an exit are not lost.
  return pino(
    { ...options, formatters: { level: (label) => ({ level: label }) } },
    pino.destination({ dest: 1, sync: true }),
  );
}

/** pino-pretty is a development dependency: where it is not installed, the lines stay JSON. */
async function prettyPrinter(): Promise<DestinationStream | null> {
  try {
    const { default: pretty } = await import('pino-pretty');
    return pretty({
      colorize: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,service,context',
      messageFormat: '{if context}{context}: {end}{msg}',
      singleLine: true,
      destination: 1,
      sync: true,
    });
  } catch {
    return null;
  }
}

/**
 * Nest's logger on pino: `new Logger('Seed').log(…)` anywhere in the process writes a line with
 * `context: "Seed"`. Nest passes the context last, and for errors the stack before it.
 */
export class JsonLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: readonly unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const rest = [...params];
    const context = typeof rest.at(-1) === 'string' && !isStack(rest.at(-1)) ? (rest.pop() as string) : undefined;
    const stack =
      level === 'error' || level === 'fatal' ? rest.find((p): p is string => typeof p === 'string') : undefined;
    const fields = { ...(context ? { context } : {}), ...(stack ? { stack } : {}) };
    if (message instanceof Error) this.logger[level]({ ...fields, err: message }, message.message);
    else if (typeof message === 'string') this.logger[level](fields, message);
    else this.logger[level]({ ...fields, value: message });
  }
}

function isStack(value: unknown): boolean {
  return typeof value === 'string' && /\n\s+at /.test(value);
}
