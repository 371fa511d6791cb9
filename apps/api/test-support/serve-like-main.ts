/**
 * A testing module of the API served as main.ts serves the product: on the same Fastify adapter,
 * its request pipeline in front (security headers, the JSON body rules), on a free port of
 * 127.0.0.1, without Nest's logger.
 */
import type { TestingModule } from '@nestjs/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpAdapter } from '../src/http/http-adapter.js';
import { hardenRequests } from '../src/http/request-hardening.js';

export async function serveLikeMain(module: TestingModule): Promise<{ app: NestFastifyApplication; url: string }> {
  const app = module.createNestApplication<NestFastifyApplication>(
    createHttpAdapter({ maxBodyBytes: 1_000_000, trustProxy: null, keepAliveTimeoutMs: 5_000 }),
    { logger: false, bodyParser: false },
  );
  hardenRequests(app.getHttpAdapter().getInstance());
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl() };
}
