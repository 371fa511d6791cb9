import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response, type Express } from 'express';

/**
 * The body pipeline in front of Nest: JSON only, size-limited, an object at the top, and no key
 * that a document store or a prototype could misread (`$…`, dotted keys, `__proto__`).
 * Failures answer here, as the same JSON problem the exception filter writes.
 */
export function hardenRequests(app: Express, maxBodyBytes: number): void {
  app.disable('x-powered-by');
  // The only ETag is the entity's stream revision, set on writes.
  app.set('etag', false);
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
    if (type === 'entity.too.large') return problem(res, 413, 'PAYLOAD_TOO_LARGE', `The body is larger than ${maxBodyBytes} bytes`);
    if (type === 'entity.parse.failed') return problem(res, 400, 'MALFORMED_JSON', 'The body is not valid JSON');
    if (type === 'charset.unsupported' || type === 'encoding.unsupported') return problem(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Use UTF-8 JSON');
    if (typeof (error as { status?: unknown } | null)?.status === 'number' && (error as { status: number }).status < 500) {
      return problem(res, (error as { status: number }).status, 'BAD_REQUEST', 'The request body could not be read');
    }
    next(error);
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.body !== undefined && (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body))) {
      return problem(res, 400, 'INVALID_BODY', 'The body must be a JSON object');
    }
    // Query strings are flat here (Express 5's simple parser): a bracket or an operator in a name is an attack or a mistake.
    const badQuery = Object.keys(req.query ?? {}).find((key) => /[[\].$]/.test(key));
    if (badQuery) return problem(res, 400, 'FORBIDDEN_KEY', `Query parameter ${JSON.stringify(badQuery)} is not allowed`);
    const bad = forbiddenKey(req.body);
    if (bad) return problem(res, 400, 'FORBIDDEN_KEY', `Key ${JSON.stringify(bad)} is not allowed: keys may not start with "$" or contain "."`);
    next();
  });
}

function forbiddenKey(value: unknown, depth = 0): string | null {
  if (typeof value !== 'object' || value === null) return null;
  if (depth > 32) return '(nesting deeper than 32)';
  for (const key of Object.keys(value)) {
    if (key.startsWith('$') || key.includes('.') || key === '__proto__' || key === 'constructor' || key === 'prototype') return key;
    const inner = forbiddenKey((value as Record<string, unknown>)[key], depth + 1);
    if (inner) return inner;
  }
  return null;
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
      return new BadRequestException({
        code: 'VALIDATION_FAILED',
        message: `Invalid ${fields.map((f) => f.field).join(', ')}`,
        errors: fields,
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
