import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { DAY_FORMAT, MAX_AMOUNT_CENTS } from '@app/funding';

/** Client-chosen ids: a UUID or a slug, so they fit a stream name (`call-<id>`). */
export const ENTITY_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
/** A header value the API takes (Idempotency-Key, If-Match…): 1 to 200 visible ASCII characters. */
export const HEADER_TOKEN = /^[\x21-\x7e]{1,200}$/;
/** X-Correlation-Id and X-Causation-Id: an id (a UUID, a slug, a dotted or colon-separated name), kept in every event's metadata. */
export const TRACE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** A client's value quoted in a message: at most `max` characters of it, so no answer echoes a large input back. */
export function quoted(value: unknown, max = 64): string {
  const text = typeof value === 'string' ? value : String(value);
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

/** A day written YYYY-MM-DD: the domain's DAY_FORMAT, with the message every route gives. */
export const MatchesDay = () => Matches(DAY_FORMAT, { message: '$property must be a date YYYY-MM-DD' });

/**
 * An accounting year of the funds, 1 July to 30 June, written as its two years ("2025-2026"); the
 * domain checks that they follow each other.
 */
export const IsAccountingYear = (description: string, optional = false) =>
  applyDecorators(
    (optional ? ApiPropertyOptional : ApiProperty)({
      type: 'string',
      pattern: '^\\d{4}-\\d{4}$',
      example: '2025-2026',
      description: `${description} (1 July to 30 June, written as its two years)`,
    }),
    ...(optional ? [IsOptional()] : []),
    Matches(/^\d{4}-\d{4}$/, { message: '$property must be an accounting year written as two years, e.g. 2025-2026' }),
  );

/** An instant with its time zone: a date alone, or a local time, is ambiguous for a deadline. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Integer euro cents: a non-negative integer up to MAX_AMOUNT_CENTS (EUR 100 billion), so every total stays exact.
 * Optional: absent or null.
 */
/** A description that says the unit: integer euro cents. */
const inIntegerCents = (description: string) =>
  /euro cents/.test(description)
    ? description.replace(/(?<!integer )euro cents/, 'integer euro cents')
    : `${description}, in integer euro cents`;

export const IsCents = (description: string, optional = false) =>
  applyDecorators(
    (optional ? ApiPropertyOptional : ApiProperty)({
      type: 'integer',
      minimum: 0,
      maximum: MAX_AMOUNT_CENTS,
      description: inIntegerCents(description),
      example: 15_000_000,
      ...(optional ? { nullable: true } : {}),
    }),
    ...(optional ? [IsOptional()] : []),
    IsInt({ message: '$property must be an integer number of cents' }),
    Min(0),
    Max(MAX_AMOUNT_CENTS, { message: `$property must be at most ${MAX_AMOUNT_CENTS} cents (EUR 100 billion)` }),
  );

export const IsEntityId = (description: string, optional = true) =>
  applyDecorators(
    (optional ? ApiPropertyOptional : ApiProperty)({ type: 'string', pattern: ENTITY_ID.source, description }),
    ...(optional ? [IsOptional()] : []),
    IsString(),
    Matches(ENTITY_ID, { message: '$property must be a UUID or a slug of letters, digits, "-" and "_" (at most 64)' }),
  );

export const IsText = (description: string, maxLength = 500, optional = false) =>
  applyDecorators(
    (optional ? ApiPropertyOptional : ApiProperty)({
      type: 'string',
      minLength: 1,
      maxLength,
      description,
      ...(optional ? { nullable: true } : {}),
    }),
    ...(optional ? [IsOptional()] : []),
    IsString(),
    Length(1, maxLength),
    Matches(/\S/, { message: '$property must not be blank' }),
  );

export const IsInstant = (description: string) =>
  applyDecorators(
    ApiProperty({ type: 'string', format: 'date-time', description, example: '2026-02-01T09:00:00Z' }),
    IsString(),
    Matches(INSTANT, {
      message: '$property must be an ISO 8601 date-time with a time zone, e.g. 2026-02-01T09:00:00Z',
    }),
    IsISO8601({ strict: true }),
  );
