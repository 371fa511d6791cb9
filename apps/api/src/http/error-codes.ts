import { DOMAIN_ERROR_CODES } from '@app/funding';

/**
 * Every `code` an error response can carry: the domain's refusals, then those of the write path,
 * the event store, idempotency and HTTP. External services branch on these strings: add, never
 * rename (error-codes.spec.ts fails on a code used in the source and missing here).
 */
export const ERROR_CODES = [
  ...DOMAIN_ERROR_CODES,
  // The write path (libs/commands) and the event store (libs/event-store).
  'STALE_REVISION',
  'CONCURRENCY_CONFLICT',
  'DUPLICATE_EVENT_ID',
  'INVALID_STREAM_NAME',
  'EMPTY_APPEND',
  'EVENT_TOO_LARGE',
  'INVALID_EVENT',
  'DUPLICATE_STREAM',
  'EVENT_DECODING_FAILED',
  'EVENT_STORE_UNAVAILABLE',
  'STREAM_TOMBSTONED',
  // Idempotency-Key (libs/idempotency).
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_KEY_IN_USE',
  // The request itself (apps/api/src/http, auth, queries, audit, data subjects).
  'VALIDATION_FAILED',
  'INVALID_HEADER',
  'INVALID_ID',
  'INVALID_STREAM',
  'MALFORMED_JSON',
  'INVALID_BODY',
  'FORBIDDEN_KEY',
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'STREAM_NOT_FOUND',
  'DATA_SUBJECT_NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'REQUEST_TIMEOUT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'REQUEST_REFUSED',
  'RATE_LIMITED',
  'READ_MODELS_BEHIND',
  'BUSY',
  'INTERNAL_ERROR',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
