import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { SwaggerModule } from '@nestjs/swagger';
import type { Logger as Pino } from 'pino';
import { ConfigError, loadConfig, type AppConfig } from '@app/config';
import { ApiModule } from './api.module.js';
import { ApiKeys } from './auth/api-keys.js';
import { hardenRequests, validationPipe } from './http/request-hardening.js';
import { guardServer } from './http/server-guards.js';
import { JsonLogger, createLogger } from './observability/json-logger.js';
import { LedgerMetrics } from './observability/ledger-metrics.js';
import { observeRequests } from './observability/request-observer.js';
import { describeApi } from './openapi.js';

async function createApi(config: AppConfig, log: Pino): Promise<NestExpressApplication> {
  const apiKeys = ApiKeys.load({ file: config.apiKeysFile, production: config.environment === 'production' });
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config, apiKeys), {
    bodyParser: false,
    logger: new JsonLogger(log),
  });
  const express = app.getHttpAdapter().getInstance();
  // First, so that every answer is counted and logged, the body pipeline's refusals too.
  express.use(observeRequests(app.get(LedgerMetrics), log));
  if (config.trustProxy !== null) express.set('trust proxy', trustProxySetting(config.trustProxy));
  hardenRequests(express, config.maxBodyBytes);
  guardServer(app.getHttpServer(), config);
  app.useGlobalPipes(validationPipe());
  app.enableShutdownHooks();
  if (config.apiDocs === 'off') return app;
  if (config.apiDocs === 'authenticated') {
    express.use(['/docs', '/docs-json'], (req: Request, res: Response, next: NextFunction) => {
      const key = /^Bearer ([\x21-\x7e]{1,256})$/.exec(req.headers.authorization ?? '')?.[1];
      if (key && apiKeys.authenticate(key)) return next();
      res.status(401).json({
        statusCode: 401,
        code: 'UNAUTHENTICATED',
        message: 'The API documents need an API key: "Authorization: Bearer <key>"',
      });
    });
  }
  SwaggerModule.setup('docs', app, describeApi(app), { jsonDocumentUrl: 'docs-json' });
  return app;
}

/** TRUST_PROXY as Express takes it: a hop count, true, or a list of addresses and subnets. */
function trustProxySetting(value: string): number | boolean | string {
  if (/^\d+$/.test(value)) return Number(value);
  if (value === 'true') return true;
  return value;
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
  let app: NestExpressApplication;
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
