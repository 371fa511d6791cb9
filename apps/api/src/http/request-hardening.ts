import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response, type Express } from 'express';
import { quoted } from './field-rules.js';

/** At most this many field problems are listed in a 400; the rest are counted. */
export const MAX_LISTED_PROBLEMS = 20;

/** A name that every plain object already answers to (toString, constructor, __proto__…): never a parameter or a field here. */
const isObjectPrototypeName = (key: string): boolean => key in Object.prototype;

/**
 * The body pipeline in front of Nest: JSON only, size-limited, an object at the top, and no key
 * that a document store or a prototype could misread (`$…`, dotted keys, `__proto__`).
 * Failures answer here, as the same JSON problem the exception filter writes.
 */
export function hardenRequests(app: Express, maxBodyBytes: number): void {
  app.disable('x-powered-by');
  // ETags are set by the routes that mean them: a write's stream revision, the open-data list's checkpoint.
  app.set('etag', false);
  app.use(securityHeaders);
  app.use((req: Request, res: Response, next: NextFunction) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (['POST', 'PUT', 'PATCH'].includes(req.method) && hasBody && !req.is('application/json')) {
      return problem(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json');
    }
    next();
  });
  app.use(express.json({ limit: maxBodyBytes, strict: true }));
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    const type = (error as { type?: string } | null)?.type;
    if (type === 'entity.too.large')
      return problem(res, 413, 'PAYLOAD_TOO_LARGE', `The body is larger than ${maxBodyBytes} bytes`);
    if (type === 'entity.parse.failed') return problem(res, 400, 'MALFORMED_JSON', 'The body is not valid JSON');
    if (type === 'charset.unsupported' || type === 'encoding.unsupported')
      return problem(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Use UTF-8 JSON');
    if (
      typeof (error as { status?: unknown } | null)?.status === 'number' &&
      (error as { status: number }).status < 500
    ) {
      return problem(res, (error as { status: number }).status, 'BAD_REQUEST', 'The request body could not be read');
    }
    next(error);
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.body !== undefined && (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body))) {
      return problem(res, 400, 'INVALID_BODY', 'The body must be a JSON object');
    }
    // Query strings are flat here (Express 5's simple parser): a bracket or an operator in a name is an attack or a mistake.
    const badQuery = Object.keys(req.query ?? {}).find((key) => /[[\].$]/.test(key) || isObjectPrototypeName(key));
    if (badQuery) return problem(res, 400, 'FORBIDDEN_KEY', `Query parameter ${quoted(badQuery)} is not allowed`);
    const bad = forbiddenKey(req.body);
    if (bad)
      return problem(
        res,
        400,
        'FORBIDDEN_KEY',
        `Key ${quoted(bad)} is not allowed: keys may not start with "$", contain "." or name a property of every object`,
      );
    next();
  });
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
 * own), and no caching (routes that may be cached, the public open data, say so themselves).
 */
function securityHeaders(req: Request, res: Response, next: NextFunction): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  if (req.path === '/app' || req.path.startsWith('/app/')) res.setHeader('Content-Security-Policy', DASHBOARD_POLICY);
  else if (!req.path.startsWith('/docs')) res.setHeader('Content-Security-Policy', NOTHING_POLICY);
  res.setHeader('Cache-Control', 'no-store');
  next();
}

function problem(res: Response, statusCode: number, code: string, message: string): void {
  res.status(statusCode).json({ statusCode, code, message });
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
