import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ConfigError, loadConfig, type AppConfig } from '@app/config';
import { ApiModule } from './api.module.js';
import { ApiKeys } from './auth/api-keys.js';
import { hardenRequests, validationPipe } from './http/request-hardening.js';

async function createApi(config: AppConfig): Promise<NestExpressApplication> {
  const apiKeys = ApiKeys.load({ file: config.apiKeysFile, production: config.environment === 'production' });
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config, apiKeys), {
    bodyParser: false,
    logger: config.environment === 'test' ? ['error', 'warn'] : ['log', 'error', 'warn'],
  });
  hardenRequests(app.getHttpAdapter().getInstance(), config.maxBodyBytes);
  app.useGlobalPipes(validationPipe());
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('cohesion-ledger')
      .setDescription(
        'Commands on the funding lifecycle of a public programme. Amounts are integer euro cents. ' +
          'Write responses carry the entity stream revision as ETag and the global position of the last event as X-Event-Position.',
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API key' })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
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
  let app: NestExpressApplication;
  try {
    app = await createApi(config);
  } catch (error) {
    logger.error(`Refusing to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  await app.listen(config.port, '0.0.0.0');
  const { port } = app.getHttpServer().address() as AddressInfo;
  // Printed whatever the log level: scripts and tests read the port from it.
  process.stdout.write(`cohesion-ledger api listening on http://127.0.0.1:${port} (events: ${config.kurrentDbUrl ? 'KurrentDB' : `embedded, ${config.dataDir}`})\n`);
}

await main();
