import { applyDecorators, type Type } from '@nestjs/common';
import {
  ApiBody,
  ApiHeader,
  ApiOperation,
  ApiResponse,
  type ApiBodyOptions,
  type HeaderObject,
  type ReferenceObject,
} from '@nestjs/swagger';
import { CommandHeaders } from './command-request.js';
import { Problem } from './problem.dto.js';

/**
 * How each route describes itself in the OpenAPI document (`/docs-json`, `libs/client/openapi.json`):
 * its summary, the protocol headers it reads and sets, every status it can answer with its body,
 * and who may call it. One decorator per kind of route, so the protocol is described once.
 */

/**
 * The response headers of the protocol, as `components.headers` of the document (openapi.ts adds
 * them). Required where they are used: ETag and X-Event-Position on every write, Retry-After on every
 * 429 and 503 problem.
 */
export const PROTOCOL_HEADERS: Record<string, HeaderObject> = {
  ETag: {
    required: true,
    description:
      'The revision of the entity stream the command is about, quoted (e.g. `"3"`): send it back as `If-Match` to act only on the state you saw.',
    schema: { type: 'string', pattern: '^"\\d{1,15}"$', example: '"0"' },
  },
  'X-Event-Position': {
    required: true,
    description:
      'Where the last event of the command sits in the global log: send it back as `X-Min-Position` to read your own write.',
    schema: { type: 'string', pattern: '^\\d{1,20}(/\\d{1,20})?$', example: '8' },
  },
  'X-Correlation-Id': {
    description:
      'The correlation id of the command, kept in the metadata of every event it wrote: the one sent, or a new one.',
    schema: { type: 'string', example: '5f0c6c0e-7c1e-4d8e-9a43-1c3b8e2f6a10' },
  },
  'Idempotent-Replayed': {
    description:
      'Present (`true`) when this is the stored response to an earlier request with the same `Idempotency-Key`: nothing was written this time.',
    schema: { type: 'string', enum: ['true'] },
  },
  'Retry-After': {
    required: true,
    description: 'Seconds to wait before retrying.',
    schema: { type: 'string', pattern: '^\\d+$', example: '1' },
  },
};

const header = (name: keyof typeof PROTOCOL_HEADERS & string): ReferenceObject => ({
  $ref: `#/components/headers/${name}`,
});

/** Every status an error can have here, with what it means on any route; routes add their own words. */
const PROBLEMS = {
  400: 'Invalid input: VALIDATION_FAILED (with `errors`, each field and its problems), INVALID_ID, INVALID_HEADER, MALFORMED_JSON, INVALID_BODY or FORBIDDEN_KEY.',
  401: 'No API key, or one this API does not know: UNAUTHENTICATED. Send `Authorization: Bearer <key>`.',
  403: "None of the key's roles may use this route: FORBIDDEN.",
  404: 'The entity does not exist.',
  408: "The request did not arrive within the server's deadline: REQUEST_TIMEOUT.",
  409: 'Conflict.',
  412: '`If-Match` names a revision the entity is no longer at: STALE_REVISION. Nothing was written; read it again and decide again.',
  413: 'The body is larger than the server takes: PAYLOAD_TOO_LARGE.',
  415: 'The body is not UTF-8 JSON: UNSUPPORTED_MEDIA_TYPE.',
  422: 'A rule refused it.',
  429: 'RATE_LIMITED: this address or this principal has used its share; retry after `Retry-After` seconds. An address that presents too many unknown keys gets it on every route that needs a key.',
  500: 'A fault of the API itself, logged: INTERNAL_ERROR (or EVENT_DECODING_FAILED for a stored event it cannot read).',
  503: 'Unavailable for now: retry after `Retry-After` seconds.',
} as const;

export type ProblemStatus = keyof typeof PROBLEMS;

/** What a route says about one error status: its own words, and an example body. */
export type ProblemDoc =
  string | { readonly description: string; readonly example: Partial<Problem> & Pick<Problem, 'code'> };

/** A 409 says how long to wait only for IDEMPOTENCY_KEY_IN_USE. */
const RETRY_AFTER_IF_IN_USE: HeaderObject = {
  required: false,
  description: 'With IDEMPOTENCY_KEY_IN_USE: seconds to wait before retrying.',
  schema: { type: 'string', pattern: '^\\d+$' },
};

/** Error responses: each status with the shared problem body; `headers` are the route's own, on every one of them. */
export function ApiProblems(
  problems: Partial<Record<ProblemStatus, ProblemDoc | true>>,
  headers: Record<string, HeaderObject | ReferenceObject> = {},
) {
  return applyDecorators(
    ...Object.entries(problems).map(([key, doc]) => {
      const status = Number(key) as ProblemStatus;
      const own = doc === true ? null : typeof doc === 'string' ? { description: doc, example: null } : doc;
      const description = own
        ? status === 404 || status === 409 || status === 422
          ? own.description
          : `${PROBLEMS[status]} ${own.description}`
        : PROBLEMS[status];
      const retry: Record<string, HeaderObject | ReferenceObject> =
        status === 429 || status === 503
          ? { 'Retry-After': header('Retry-After') }
          : status === 409 && description.includes('Retry-After')
            ? { 'Retry-After': RETRY_AFTER_IF_IN_USE }
            : {};
      const all = { ...headers, ...retry };
      return ApiResponse({
        status,
        description,
        type: Problem,
        ...(Object.keys(all).length > 0 ? { headers: all } : {}),
        ...(own?.example ? { example: { statusCode: status, message: 'See the code', ...own.example } } : {}),
      });
    }),
  );
}

interface RouteDoc {
  /** A stable, camelCase name for generated clients: `openCall`, `getGrant`. */
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
}

interface CommandDoc extends RouteDoc {
  readonly status: 200 | 201;
  readonly type: Type<unknown>;
  /** The walk-through's request, as the body's example. */
  readonly body?: { readonly type: Type<unknown>; readonly example: object; readonly summary: string };
  readonly example?: object;
  /** 404 and 422 always have route-specific codes; 409 when an id the client chose may be taken. */
  readonly problems: { readonly 404?: ProblemDoc; readonly 409?: ProblemDoc; readonly 422: ProblemDoc };
}

const IDEMPOTENCY_CONFLICT =
  'IDEMPOTENCY_KEY_IN_USE: a request with the same `Idempotency-Key` is still running (with `Retry-After`); CONCURRENCY_CONFLICT: other commands kept changing the same streams, retry.';

/**
 * A command route: the protocol headers it reads (Idempotency-Key, If-Match, correlation and
 * causation), its answer with ETag and X-Event-Position, and every error a command can meet.
 */
export function ApiCommand(doc: CommandDoc) {
  const { problems } = doc;
  const conflict =
    typeof problems[409] === 'string'
      ? `${problems[409]} ${IDEMPOTENCY_CONFLICT}`
      : problems[409]
        ? { ...problems[409], description: `${problems[409].description} ${IDEMPOTENCY_CONFLICT}` }
        : IDEMPOTENCY_CONFLICT;
  const refused =
    typeof problems[422] === 'string'
      ? `${problems[422]} IDEMPOTENCY_KEY_REUSED: this \`Idempotency-Key\` was used with another request.`
      : {
          ...problems[422],
          description: `${problems[422].description} IDEMPOTENCY_KEY_REUSED: this \`Idempotency-Key\` was used with another request.`,
        };
  return applyDecorators(
    ApiOperation({
      operationId: doc.operationId,
      summary: doc.summary,
      ...(doc.description ? { description: doc.description } : {}),
    }),
    CommandHeaders(),
    ...(doc.body
      ? [
          ApiBody({
            type: doc.body.type,
            examples: { wecare: { summary: doc.body.summary, value: doc.body.example } },
          } as ApiBodyOptions),
        ]
      : []),
    ApiResponse({
      status: doc.status,
      description:
        doc.status === 201
          ? 'Recorded: the ids, the revision and the position of the write'
          : 'Recorded: the revision and the position of the write',
      type: doc.type,
      headers: {
        ETag: header('ETag'),
        'X-Event-Position': header('X-Event-Position'),
        'X-Correlation-Id': header('X-Correlation-Id'),
        'Idempotent-Replayed': header('Idempotent-Replayed'),
      },
      ...(doc.example ? { example: doc.example } : {}),
    }),
    ApiProblems(
      {
        400: true,
        401: true,
        403: true,
        ...(problems[404] ? { 404: problems[404] } : {}),
        408: true,
        409: conflict,
        412: true,
        413: true,
        415: true,
        422: refused,
        429: true,
        500: true,
        503: 'EVENT_STORE_UNAVAILABLE, or READ_MODELS_BEHIND where the command needs the read models caught up.',
      },
      { 'X-Correlation-Id': header('X-Correlation-Id') },
    ),
  );
}

/** `X-Min-Position` on a query: read your own write. */
export const MinPositionHeader = () =>
  ApiHeader({
    name: 'X-Min-Position',
    required: false,
    schema: { type: 'string', pattern: '^\\d{1,20}(/\\d{1,20})?$', example: '8' },
    description:
      'Read your own write: the `X-Event-Position` a command answered with. The query waits until the read models it reads have applied that event (every read model, for a route that does not say which it reads; up to MIN_POSITION_WAIT_MS, 3 s by default), else answers 503 READ_MODELS_BEHIND with `Retry-After`.',
  });

interface ReadDoc extends RouteDoc {
  readonly type?: Type<unknown>;
  /** A response other than one JSON schema (CSV, NDJSON), as OpenAPI content. */
  readonly content?: Record<string, { schema: object; example?: unknown }>;
  readonly example?: object;
  readonly problems?: {
    readonly 404?: ProblemDoc;
    readonly 409?: ProblemDoc;
    readonly 429?: ProblemDoc;
    readonly 503?: ProblemDoc;
  };
  /** The route waits for X-Min-Position (the read-model queries). */
  readonly minPosition?: boolean;
}

/** A query behind an API key: its answer and its errors. */
export function ApiRead(doc: ReadDoc) {
  const { problems = {} } = doc;
  return applyDecorators(
    ApiOperation({
      operationId: doc.operationId,
      summary: doc.summary,
      ...(doc.description ? { description: doc.description } : {}),
    }),
    ...(doc.minPosition ? [MinPositionHeader()] : []),
    ApiResponse({
      status: 200,
      description: 'Found',
      ...(doc.type ? { type: doc.type } : {}),
      ...(doc.content ? { content: doc.content } : {}),
      ...(doc.example ? { example: doc.example } : {}),
    }),
    ApiProblems({
      400: true,
      401: true,
      403: true,
      ...(problems[404] ? { 404: problems[404] } : {}),
      ...(problems[409] ? { 409: problems[409] } : {}),
      429: problems[429] ?? true,
      500: true,
      503:
        problems[503] ??
        (doc.minPosition
          ? 'READ_MODELS_BEHIND: the read models have not reached `X-Min-Position` in time.'
          : 'EVENT_STORE_UNAVAILABLE.'),
    }),
  );
}

/** A route open without a key: it declares no security, overriding the document's bearer requirement. */
export function ApiPublic(doc: RouteDoc) {
  return ApiOperation({
    operationId: doc.operationId,
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    security: [],
  });
}
