import type { FastifyInstance, onSendHookHandler } from 'fastify';
import type { ApiKeys } from '../auth/api-keys.js';
import { pathOf } from './request-hardening.js';
import { addRequestStep } from './request-steps.js';

/** The API documents' routes: the page and its files under /docs, the document at /docs-json and /docs-yaml. */
const DOCS_ROUTE = /^\/docs(?:\/|-json|-yaml|$)/;
/** What API_DOCS=authenticated closes: /docs (and below), /docs-json and /docs-yaml, in any letter case. */
const GUARDED = /^\/docs(?:-json|-yaml)?(?:\/|$)/i;

/**
 * Prepares the API documents' routes (call before `SwaggerModule.setup`) to answer as they always
 * have: the page, its script and the YAML say their charset, UTF-8; the static files of the page are
 * `no-store` like every other answer, and its scripts `text/javascript`. With API_DOCS=authenticated,
 * /docs, /docs-json and /docs-yaml answer 401 without a known API key.
 */
export function prepareApiDocs(fastify: FastifyInstance, mode: 'public' | 'authenticated', apiKeys: ApiKeys): void {
  fastify.addHook('onRoute', (route) => {
    if (!DOCS_ROUTE.test(route.url)) return;
    const hook = route.url.includes('*') ? asStaticFile : withUtf8Charset;
    route.onSend = [...[route.onSend ?? []].flat(), hook];
  });
  if (mode !== 'authenticated') return;
  addRequestStep(fastify, 'preValidation', (request, reply) => {
    if (!GUARDED.test(pathOf(request.raw.url ?? '/'))) return false;
    const key = /^Bearer ([\x21-\x7e]{1,256})$/.exec(request.headers.authorization ?? '')?.[1];
    if (key && apiKeys.authenticate(key)) return false;
    reply.code(401).send({
      statusCode: 401,
      code: 'UNAUTHENTICATED',
      message: 'The API documents need an API key: "Authorization: Bearer <key>"',
    });
    return true;
  });
}

/** The page, its script, the document: text, in UTF-8. */
const withUtf8Charset: onSendHookHandler = (_request, reply, payload, done) => {
  const type = reply.getHeader('content-type');
  if (typeof type === 'string' && !/;\s*charset=/i.test(type)) reply.header('content-type', `${type}; charset=utf-8`);
  done(null, payload);
};

/** A file of the page (swagger-ui-dist). */
const asStaticFile: onSendHookHandler = (_request, reply, payload, done) => {
  reply.header('cache-control', 'no-store');
  const type = reply.getHeader('content-type');
  if (typeof type === 'string' && type.startsWith('application/javascript'))
    reply.header('content-type', `text/javascript${type.slice('application/javascript'.length)}`);
  done(null, payload);
};
