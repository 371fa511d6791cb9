import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { quoted } from './field-rules.js';
import { hasJsonBody, readJsonBody, type ReadBody } from './json-body.js';
import { isJsonContentType } from './media-types.js';
import { addRequestStep } from './request-steps.js';

/** At most this many field problems are listed in a 400; the rest are counted. */
export const MAX_LISTED_PROBLEMS = 20;

/** A name that every plain object already answers to (toString, constructor, __proto__…): never a parameter or a field here. */
const isObjectPrototypeName = (key: string): boolean => key in Object.prototype;

/** What the content-type parser leaves for the checks: the body read, or why it was refused. */
class BodyRead {
  constructor(readonly read: ReadBody) {}
}

/**
 * The request pipeline in front of the routes, as Fastify hooks: security headers on every answer;
 * JSON only (415 otherwise), read by the content-type parser within Fastify's `bodyLimit` (413),
 * UTF-8 or another Unicode charset, an object at the top; and no key that a document store or a
 * prototype could misread (`$…`, dotted keys, `__proto__`) in the body or the query. Failures
 * answer here, as the same JSON problem the exception filter writes.
 */
export function hardenRequests(fastify: FastifyInstance): void {
  const limit = fastify.initialConfig.bodyLimit ?? 1_048_576;
  addRequestStep(fastify, 'onRequest', (request, reply) => setSecurityHeaders(reply.raw, request.raw.url ?? '/'));
  addRequestStep(fastify, 'onRequest', refuseBodiesNotJson);
  // Every body reaches this one parser; it reads JSON bodies and leaves any other unread.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (request, _payload, done) => {
    readJsonBody(request.raw, limit).then(
      (read) => done(null, new BodyRead(read)),
      (error: unknown) => done(error instanceof Error ? error : new Error(String(error)), undefined),
    );
  });
  addRequestStep(fastify, 'preValidation', (request, reply) => {
    if (request.body instanceof BodyRead) return checkBody(request, reply, request.body.read);
    // Fastify parses no body on GET, HEAD and TRACE; a JSON body sent with them is read here.
    if (hasJsonBody(request.raw))
      return readJsonBody(request.raw, limit).then((read) => checkBody(request, reply, read));
    return checkKeys(request, reply);
  });
}

function checkBody(request: FastifyRequest, reply: FastifyReply, read: ReadBody): boolean {
  if ('refusal' in read) return problem(reply, read.refusal.statusCode, read.refusal.code, read.refusal.message);
  request.body = read.value;
  return checkKeys(request, reply);
}

/**
 * 415 for a POST, PUT or PATCH whose body is not JSON. A body that is not JSON is never read; its
 * `Content-Type` is set aside, so that Fastify does not judge a type the API ignores.
 */
function refuseBodiesNotJson(request: FastifyRequest, reply: FastifyReply): boolean {
  const { headers, method } = request;
  if (isJsonContentType(headers['content-type'])) return false;
  const hasBody = Number(headers['content-length'] ?? 0) > 0 || headers['transfer-encoding'] !== undefined;
  if (hasBody && (method === 'POST' || method === 'PUT' || method === 'PATCH'))
    return problem(reply, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json');
  if (headers['content-type'] !== undefined) delete headers['content-type'];
  return false;
}

/** The body must be an object; no query parameter and no key of the body may be a forbidden name. */
function checkKeys(request: FastifyRequest, reply: FastifyReply): boolean {
  const { body } = request;
  if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body)))
    return problem(reply, 400, 'INVALID_BODY', 'The body must be a JSON object');
  // Query strings are flat here (node:querystring): a bracket or an operator in a name is an attack or a mistake.
  const badQuery = Object.keys(queryOf(request)).find((key) => /[[\].$]/.test(key) || isObjectPrototypeName(key));
  if (badQuery) return problem(reply, 400, 'FORBIDDEN_KEY', `Query parameter ${quoted(badQuery)} is not allowed`);
  const bad = forbiddenKey(body);
  if (bad)
    return problem(
      reply,
      400,
      'FORBIDDEN_KEY',
      `Key ${quoted(bad)} is not allowed: keys may not start with "$", contain "." or name a property of every object`,
    );
  return false;
}

/** The parsed query; Fastify has none for a URL it refused to route, so it is parsed here then. */
function queryOf(request: FastifyRequest): object {
  if (request.query) return request.query;
  const url = request.raw.url ?? '';
  const start = url.indexOf('?');
  return start === -1 ? {} : parseQuery(url.slice(start + 1));
}

function forbiddenKey(value: unknown, depth = 0): string | null {
  if (typeof value !== 'object' || value === null) return null;
  if (depth > 32) return '(nesting deeper than 32)';
  for (const key of Object.keys(value)) {
    if (key.startsWith('$') || key.includes('.') || key === 'prototype' || isObjectPrototypeName(key)) return key;
    const inner = forbiddenKey((value as Record<string, unknown>)[key], depth + 1);
    if (inner) return inner;
  }
  return null;
}

/** The API serves JSON: its answers may load, run and frame nothing. */
const NOTHING_POLICY = "default-src 'none'; frame-ancestors 'none'";

/**
 * The dashboard's pages (/app): scripts, styles and images from this origin only (no inline script,
 * style element or handler), requests to this origin only, and no form submitted anywhere (the key
 * form is handled by the page's script: the key never becomes a URL).
 */
const DASHBOARD_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * Headers on every answer: no sniffing, no framing, no referrer, same-origin resources, a CSP that
 * allows nothing (the API serves JSON; the API documents' page needs its scripts, the dashboard its
 * own), and no caching (routes that may be cached, the public open data, say so themselves). Set on
 * the Node response, so that answers written to it directly (exports, open data) carry them too;
 * a header a route sets wins.
 */
export function setSecurityHeaders(res: ServerResponse, url: string): void {
  if (res.headersSent) return;
  const path = pathOf(url);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  if (path === '/app' || path.startsWith('/app/')) res.setHeader('Content-Security-Policy', DASHBOARD_POLICY);
  else if (!path.startsWith('/docs')) res.setHeader('Content-Security-Policy', NOTHING_POLICY);
  res.setHeader('Cache-Control', 'no-store');
}

/** The path of a request target, as sent (not decoded): origin form, or the path of an absolute URL. */
export function pathOf(url: string): string {
  if (url.startsWith('/')) {
    const end = url.search(/[?#]/);
    return end === -1 ? url : url.slice(0, end);
  }
  try {
    return new URL(url).pathname;
  } catch {
    return url.split(/[?#]/)[0] ?? url;
  }
}

function problem(reply: FastifyReply, statusCode: number, code: string, message: string): true {
  reply.code(statusCode).send({ statusCode, code, message });
  return true;
}

export interface FieldProblem {
  readonly field: string;
  readonly problems: string[];
}

/** Whitelisted, non-whitelisted fields refused, nested DTOs validated; the 400 lists each bad field. */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      const listed = fields.slice(0, MAX_LISTED_PROBLEMS).map((f) => ({
        field: f.field.length > 64 ? `${f.field.slice(0, 64)}…` : f.field,
        problems: f.problems.map((p) => (p.length > 200 ? `${p.slice(0, 200)}…` : p)),
      }));
      const more = fields.length - listed.length;
      return new BadRequestException({
        code: 'VALIDATION_FAILED',
        message: `Invalid ${listed.map((f) => f.field).join(', ')}${more > 0 ? ` and ${more} more` : ''}`,
        errors: more > 0 ? [...listed, { field: '…', problems: [`${more} more fields not listed`] }] : listed,
      });
    },
  });
}

function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
