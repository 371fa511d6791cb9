import type { Type } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, getSchemaPath, type ApiPropertyOptions } from '@nestjs/swagger';

/**
 * The fields of response bodies, for the OpenAPI document only (responses are not validated on the
 * way out: the e2e suites check every response against the document instead). Request fields
 * carry their validation with them in field-rules.ts.
 */

interface FieldOptions {
  /** May be null. */
  readonly nullable?: boolean;
  /** May be absent. */
  readonly optional?: boolean;
  readonly example?: unknown;
}

function field(schema: ApiPropertyOptions, options: FieldOptions = {}): PropertyDecorator {
  const decorate = options.optional ? ApiPropertyOptional : ApiProperty;
  return decorate({
    ...schema,
    ...(options.nullable ? { nullable: true } : {}),
    ...(options.example !== undefined ? { example: options.example } : {}),
  } as ApiPropertyOptions);
}

/** A global log position, as X-Event-Position gives it. */
export const POSITION_PATTERN = '^\\d{1,20}(/\\d{1,20})?$';

export const Cents = (description: string, options?: FieldOptions) =>
  field({ type: 'integer', description: `${description}, in integer euro cents` }, options);
export const Count = (description: string, options?: FieldOptions) =>
  field({ type: 'integer', minimum: 0, description }, options);
export const Integer = (description: string, options?: FieldOptions) =>
  field({ type: 'integer', description }, options);
export const Ratio = (description: string, options?: FieldOptions) => field({ type: 'number', description }, options);
export const Flag = (description: string, options?: FieldOptions) => field({ type: 'boolean', description }, options);
export const Text = (description: string, options?: FieldOptions) => field({ type: 'string', description }, options);
export const Id = (description: string, options?: FieldOptions) => field({ type: 'string', description }, options);
export const Instant = (description: string, options?: FieldOptions) =>
  field({ type: 'string', format: 'date-time', description }, options);
export const Day = (description: string, options?: FieldOptions) =>
  field({ type: 'string', format: 'date', description: `${description} (YYYY-MM-DD)` }, options);
export const Position = (description: string, options?: FieldOptions) =>
  field({ type: 'string', pattern: POSITION_PATTERN, description }, options);
export const Texts = (description: string, options?: FieldOptions) =>
  field({ type: 'string', isArray: true, description }, options);

export const OneOf = (values: readonly string[], enumName: string, description: string, options?: FieldOptions) =>
  field({ enum: [...values], enumName, description }, options);

/** A nested object, by its class. */
export const Nested = (type: Type<unknown>, description: string, options?: FieldOptions) =>
  field({ type, description }, options);
export const List = (type: Type<unknown>, description: string, options?: FieldOptions) =>
  field({ type, isArray: true, description }, options);

/** One of several shapes, each a class (add them with @ApiExtraModels). */
export const Either = (types: ReadonlyArray<Type<unknown>>, description: string, options?: FieldOptions) =>
  field({ oneOf: types.map((type) => ({ $ref: getSchemaPath(type) })), description }, options);

/** Free-form JSON (an event's data, a folded state): any object. */
export const AnyObject = (description: string, options?: FieldOptions) =>
  field({ type: 'object', additionalProperties: true, description }, options);
