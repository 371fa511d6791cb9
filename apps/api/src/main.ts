import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { Logger as Pino } from 'pino';
import { ConfigError, loadConfig, type AppConfig } from '@app/config';
import { ApiModule } from './api.module.js';
import { ApiKeys } from './auth/api-keys.js';
import { prepareApiDocs } from './http/api-docs-access.js';
import { createHttpAdapter } from './http/http-adapter.js';
import { hardenRequests, validationPipe } from './http/request-hardening.js';
import { guardServer } from './http/server-guards.js';
import { recordRoutes } from './observability/http-route.js';
import { JsonLogger, createLogger } from './observability/json-logger.js';
import { LedgerMetrics } from './observability/ledger-metrics.js';
import { observeRequests } from './observability/request-observer.js';
import { describeApi } from './openapi.js';

async function createApi(config: AppConfig, log: Pino): Promise<NestFastifyApplication> {
  const apiKeys = ApiKeys.load({ file: config.apiKeysFile, production: config.environment === 'production' });
  const app = await NestFactory.create<NestFastifyApplication>(
    ApiModule.forRoot(config, apiKeys),
    createHttpAdapter({
      maxBodyBytes: config.maxBodyBytes,
      trustProxy: config.trustProxy,
      keepAliveTimeoutMs: config.keepAliveTimeoutMs,
    }),
    { bodyParser: false, logger: new JsonLogger(log) },
  );
  const fastify = app.getHttpAdapter().getInstance();
  // First, so that every answer is counted and logged, the request pipeline's refusals too.
  observeRequests(fastify, app.get(LedgerMetrics), log);
  hardenRequests(fastify);
  guardServer(app.getHttpServer(), config);
  app.useGlobalPipes(validationPipe());
  app.enableShutdownHooks();
  if (config.apiDocs !== 'off') {
    prepareApiDocs(fastify, config.apiDocs, apiKeys);
    SwaggerModule.setup('docs', app, describeApi(app), { jsonDocumentUrl: 'docs-json' });
  }
  // Last: a request that reaches its route is named by it in the log, the metrics and the traces.
  recordRoutes(fastify);
  return app;
}

async function main(): Promise<void> {
  const logger = new Logger('Main');
  let config: AppConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      logger.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  // JSON lines from here on (docs/operations.md); a configuration that cannot load is reported as text above.
  const log = await createLogger(config);
  Logger.overrideLogger(new JsonLogger(log));
  let app: NestFastifyApplication;
  try {
    app = await createApi(config, log);
  } catch (error) {
    logger.error(`Refusing to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  await app.listen(config.port, config.host);
  const { address, port } = app.getHttpServer().address() as AddressInfo;
  // Printed whatever the log level: scripts and tests read the address from it.
  const host = address.includes(':') ? `[${address}]` : address;
  process.stdout.write(
    `cohesion-ledger api listening on http://${host}:${port} (events: ${config.kurrentDbUrl ? 'KurrentDB' : `embedded, ${config.dataDir}`})\n`,
  );
}

await main();
