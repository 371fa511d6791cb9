import { parse as parseQuery } from 'node:querystring';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { pathOf } from './request-hardening.js';
import { runRequestSteps } from './request-steps.js';

export interface HttpOptions {
  /** The largest request body, once inflated (MAX_BODY_BYTES). */
  readonly maxBodyBytes: number;
  /** TRUST_PROXY: a hop count, true, or a list of addresses and subnets; null trusts no proxy. */
  readonly trustProxy: string | null;
  /** HTTP_KEEP_ALIVE_TIMEOUT_MS: how long an idle connection is kept (default 5 s, Node's own). */
  readonly keepAliveTimeoutMs: number;
}
/** Longer than any request line Node accepts (its headers are at most 16 KiB): no path parameter is cut short. */
const MAX_PARAM_LENGTH = 65_536;

/**
 * The HTTP server of the API: Fastify, routing as the API always has (case-insensitive paths, a
 * trailing slash ignored, flat query strings read by node:querystring), with the body limit and the
 * trusted proxies of the configuration. A request Fastify cannot route (a path with a broken
 * percent-escape) still goes through the request pipeline, then is answered as before: 400 when the
 * broken escape is in a route's parameter, else 404.
 */
export function createHttpAdapter(options: HttpOptions): FastifyAdapter {
  const routes: RegExp[] = [];
  const adapter = new FastifyAdapter({
    bodyLimit: options.maxBodyBytes,
    ...(options.trustProxy === null ? {} : { trustProxy: trustProxySetting(options.trustProxy) }),
    keepAliveTimeout: options.keepAliveTimeoutMs,
    // While the process shuts down, requests on open connections are still served, as before.
    return503OnClosing: false,
    routerOptions: {
      caseSensitive: false,
      ignoreTrailingSlash: true,
      maxParamLength: MAX_PARAM_LENGTH,
      querystringParser: (query: string) => parseQuery(query),
    },
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      void runRequestSteps(request.server, request, reply)
        .then((answered) => answered || answerUnroutable(error, request, reply, routes))
        .catch((failure: unknown) => reply.send(failure));
    },
  });
  const instance = adapter.getInstance();
  // Malformed HTTP is answered by Node itself (400, 408, 431), as it always was.
  instance.server.removeAllListeners('clientError');
  instance.addHook('onRoute', (route) => {
    if (typeof route.url === 'string' && route.url.includes(':') && !route.url.includes('*'))
      routes.push(routePattern(route.url));
  });
  return adapter;
}

/** TRUST_PROXY as the API takes it: a hop count (the nearest hops are trusted), true, or a list of addresses and subnets. */
function trustProxySetting(value: string): ((address: string, hop: number) => boolean) | boolean | string {
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address, hop) => hop < hops;
  }
  if (value === 'true') return true;
  return value;
}

/** A route's path as a pattern over undecoded paths: its parameters captured, any case, an optional trailing slash. */
function routePattern(url: string): RegExp {
  const source = url
    .split(/(:[A-Za-z0-9_]+)/)
    .map((part) => (part.startsWith(':') ? '([^/]+?)' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}/?$`, 'i');
}

/** A URL with a broken percent-escape: 400 naming the parameter that cannot be decoded, or 404 when no route has it. */
function answerUnroutable(error: FastifyError, request: FastifyRequest, reply: FastifyReply, routes: RegExp[]): void {
  const url = request.raw.url ?? '/';
  if (error.code === 'FST_ERR_BAD_URL') {
    const path = pathOf(url);
    for (const route of routes) {
      const match = route.exec(path);
      const broken = match?.slice(1).find((value) => !decodes(value));
      if (broken !== undefined) {
        reply.code(400).send({ statusCode: 400, code: 'BAD_REQUEST', message: `Failed to decode param '${broken}'` });
        return;
      }
    }
  }
  reply.code(404).send({ statusCode: 404, code: 'NOT_FOUND', message: `Cannot ${request.method} ${url}` });
}

function decodes(value: string): boolean {
  try {
    decodeURIComponent(value);
    return true;
  } catch {
    return false;
  }
}
