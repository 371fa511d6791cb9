/**
 * A testing module of the API served as main.ts serves the product: its HTTP pipeline in front (no
 * implicit ETags, security headers), on a free port of 127.0.0.1, without Nest's logger.
 */
import type { INestApplication } from '@nestjs/common';
import type { TestingModule } from '@nestjs/testing';
import { hardenRequests } from '../src/http/request-hardening.js';

export async function serveLikeMain(module: TestingModule): Promise<{ app: INestApplication; url: string }> {
  const app = module.createNestApplication({ logger: false, bodyParser: false });
  hardenRequests(app.getHttpAdapter().getInstance(), 1_000_000);
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl() };
}
