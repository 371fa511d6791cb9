/**
 * The API's OpenAPI document (libs/client/openapi.json, the one /docs-json serves) as a check on
 * every response the e2e suites receive: its status is documented for the operation, its body
 * matches the documented schema (no field the schema does not name: response objects are closed
 * here), and the protocol headers it carries are documented, with the required ones present.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export const DOCUMENT_FILE = resolve(process.cwd(), 'libs/client/openapi.json');

/** The headers of the protocol: a response that carries one must document it. */
const PROTOCOL_HEADERS = ['etag', 'x-event-position', 'x-correlation-id', 'idempotent-replayed', 'retry-after'];

/** Served beside the API, not operations of it. */
const NOT_OPERATIONS = /^\/docs(-json)?(\/|$)/;

export interface ObservedResponse {
  readonly method: string;
  /** The path as requested, with its query string or not. */
  readonly path: string;
  /** The operation's path template, when the caller knows it (openapi-fetch does). */
  readonly template?: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The body as received. */
  readonly text: string;
}

export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
}

/**
 * The document made strict for checking: OpenAPI 3.0's `nullable` as a JSON Schema null, and every
 * object schema that names its properties closed to any other (additionalProperties false) unless it
 * says otherwise.
 */
function strict(node: Json): Json {
  if (Array.isArray(node)) return node.map(strict);
  if (node === null || typeof node !== 'object') return node;
  const copy: JsonObject = {};
  for (const [key, value] of Object.entries(node))
    copy[key] = key === 'example' || key === 'examples' ? value : strict(value);
  if (
    copy['properties'] &&
    typeof copy['properties'] === 'object' &&
    !Array.isArray(copy['properties']) &&
    copy['additionalProperties'] === undefined
  ) {
    copy['additionalProperties'] = false;
  }
  if (copy['nullable'] === true) {
    delete copy['nullable'];
    return { anyOf: [copy, { type: 'null' }] };
  }
  return copy;
}

const pointer = (...parts: string[]) => `#/${parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;

class ApiContract {
  private readonly ajv: Ajv;
  private readonly document: JsonObject;
  private readonly templates: Array<{ template: string; pattern: RegExp; literal: number }>;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(document: JsonObject) {
    this.document = document;
    const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
    this.ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
    this.ajv.addSchema(strict(document) as object, 'api');
    this.templates = Object.keys(document['paths'] as JsonObject)
      .map((template) => ({
        template,
        pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
        literal: template.split('/').filter((s) => s !== '' && !s.startsWith('{')).length,
      }))
      // The most literal template first: /audit/verify before /audit/streams/{stream}.
      .sort((a, b) => b.literal - a.literal);
  }

  /** What is wrong with a response, as the document sees it; empty when nothing is. */
  problems(observed: ObservedResponse): string[] {
    const path = decodeURI(observed.path.split('?')[0]!);
    if (NOT_OPERATIONS.test(path)) return [];
    const method = observed.method.toLowerCase();
    const template =
      observed.template ??
      this.templates.find((t) => t.pattern.test(path) && this.operation(t.template, method))?.template;
    const operation = template ? this.operation(template, method) : null;
    const where = `${observed.method.toUpperCase()} ${template ?? path} ${observed.status}`;
    if (!operation) {
      // No such operation (a path or a method the API does not have): still the problem body.
      if (observed.status < 400) return [`${where}: the document has no ${observed.method.toUpperCase()} ${path}`];
      return this.validate('#/components/schemas/Problem', observed.text, where, observed.headers['content-type']);
    }
    const responses = operation['responses'] as JsonObject;
    const key =
      String(observed.status) in responses ? String(observed.status) : 'default' in responses ? 'default' : null;
    if (key === null)
      return [
        `${where}: status ${observed.status} is not documented (documented: ${Object.keys(responses).join(', ')})`,
      ];
    const response = this.resolve(responses[key] as JsonObject);
    const found = [...this.headerProblems(response, observed, where)];
    const content = response['content'] as JsonObject | undefined;
    if (!content) {
      if (observed.text !== '') found.push(`${where}: a body where the document describes none`);
      return found;
    }
    const type = (observed.headers['content-type'] ?? '').split(';')[0]!.trim();
    if (!(type in content))
      return [
        ...found,
        `${where}: content type ${JSON.stringify(type)} is not documented (documented: ${Object.keys(content).join(', ')})`,
      ];
    if (type !== 'application/json') return found;
    return [
      ...found,
      ...this.validate(
        pointer('paths', template!, method, 'responses', key, 'content', type, 'schema'),
        observed.text,
        where,
        type,
      ),
    ];
  }

  private operation(template: string, method: string): JsonObject | null {
    const item = (this.document['paths'] as JsonObject)[template] as JsonObject | undefined;
    return (item?.[method] as JsonObject | undefined) ?? null;
  }

  private resolve(node: JsonObject): JsonObject {
    const ref = node['$ref'];
    if (typeof ref !== 'string') return node;
    return ref
      .slice(2)
      .split('/')
      .reduce<Json>(
        (at, part) => (at as JsonObject)[part.replace(/~1/g, '/').replace(/~0/g, '~')]!,
        this.document,
      ) as JsonObject;
  }

  private *headerProblems(response: JsonObject, observed: ObservedResponse, where: string): Generator<string> {
    const documented = new Map(
      Object.entries((response['headers'] as JsonObject | undefined) ?? {}).map(([name, header]) => [
        name.toLowerCase(),
        this.resolve(header as JsonObject),
      ]),
    );
    for (const name of PROTOCOL_HEADERS) {
      if (observed.headers[name] !== undefined && !documented.has(name))
        yield `${where}: header ${name} is not documented`;
    }
    for (const [name, header] of documented) {
      const value = observed.headers[name];
      if (value === undefined) {
        if (header['required'] === true) yield `${where}: required header ${name} is missing`;
        continue;
      }
      const schema = header['schema'] as JsonObject | undefined;
      if (schema && !this.ajv.validate(strict(schema) as object, value))
        yield `${where}: header ${name}: ${JSON.stringify(value)} ${this.ajv.errorsText()}`;
    }
  }

  private validate(ref: string, text: string, where: string, contentType: string | undefined): string[] {
    if (!(contentType ?? '').startsWith('application/json'))
      return [`${where}: a JSON body was expected, the content type is ${JSON.stringify(contentType ?? null)}`];
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return [`${where}: the body is not JSON: ${text.slice(0, 200)}`];
    }
    let validate = this.validators.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `api${ref}` });
      this.validators.set(ref, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? [])
      .slice(0, 10)
      .map(
        (e) =>
          `${where}: body${e.instancePath} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params['additionalProperty'])})` : ''}`,
      );
  }
}

let contract: ApiContract | null = null;

/** The committed document, loaded once per test file. */
export function apiContract(): ApiContract {
  contract ??= new ApiContract(JSON.parse(readFileSync(DOCUMENT_FILE, 'utf8')) as JsonObject);
  return contract;
}

/** Throws when the document does not describe the response. */
export function assertDescribed(observed: ObservedResponse): void {
  const problems = apiContract().problems(observed);
  if (problems.length > 0)
    throw new ContractViolation(
      `The response is not what the OpenAPI document describes:\n- ${problems.join('\n- ')}\n${observed.text.slice(0, 500)}`,
    );
}
