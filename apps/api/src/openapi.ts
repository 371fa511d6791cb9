import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { AppConfig } from '@app/config';
import { ApiModule } from './api.module.js';
import { ApiKeys } from './auth/api-keys.js';
import { PROTOCOL_HEADERS } from './http/api-docs.js';
import { describeDomainErrorStatuses } from './http/domain-error-status.js';
import { ENTITY_ID } from './http/field-rules.js';

const DESCRIPTION = `Commands and queries on the funding lifecycle of a public programme, recorded as events: programmes and their EU funds, measures, calls for proposals ("bandi"), bids ("domande"), evaluations, grant awards, expenditure claims and their verification, disbursements, revocations and recoveries.

**Amounts** are integer euro cents everywhere (\`amountCents\`, \`budgetCents\`…): EUR 150,000.00 is \`15000000\`, at most 10^13 (EUR 100 billion).

**Keys.** Every route but \`/health\` and \`/open-data\` needs \`Authorization: Bearer <API key>\`; each key carries roles, and a route answers 403 to every role but its own.

**Writes** answer with the revision of the entity stream as \`ETag\` and the global position of their last event as \`X-Event-Position\`.
- Retry safely with \`Idempotency-Key\`: a retry gets the first response back (\`Idempotent-Replayed: true\`) and writes nothing.
- Act only on the state you saw with \`If-Match: "<revision>"\` (412 otherwise).
- Read your own write by sending \`X-Event-Position\` back as \`X-Min-Position\` on a query.

**Errors** are always \`{statusCode, code, message}\` (the \`Problem\` schema): branch on \`code\` (\`ErrorCode\`), never on the message.`;

const TAGS: ReadonlyArray<[string, string]> = [
  ['programmes', 'A programme, its EU funds and its measures'],
  ['calls', 'Calls for proposals ("bandi"): opened on a measure, closed or cancelled'],
  ['bids', 'Bids ("domande") on a call: submitted by an applicant portal, evaluated, withdrawn'],
  ['grants', 'Awards, disbursements (advance, interim "SAL", final "saldo"), revocations, de minimis'],
  ['expenditure', 'Expenditure claims and their first-level control'],
  ['recoveries', 'Money due back on a grant: ordered, received, written off'],
  ['queries', 'Dashboards and read models: they trail the log by milliseconds (send X-Min-Position)'],
  ['data subjects', 'Natural persons: access and erasure (GDPR arts. 15 and 17), for the data-protection officer'],
  ['audit', 'The full history with its metadata, any state as of any moment, tamper evidence: for auditors'],
  ['open data', 'The public list of operations (EU Reg. 2021/1060 art. 49), without a key'],
  ['health', 'The event store and the projections, without a key'],
];

/** The OpenAPI document of the API: what `/docs-json` serves and `npm run openapi` writes to libs/client. */
export function describeApi(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('cohesion-ledger')
    .setDescription(DESCRIPTION)
    .setVersion('1')
    .addServer('/', 'The server this document is served from')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'An API key: `Authorization: Bearer <key>`' },
      'bearer',
    )
    .addSecurityRequirements('bearer');
  for (const [name, description] of TAGS) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build());
  describeIdsInPaths(document);
  describeErrorCodes(document);
  return { ...document, components: { ...document.components, headers: PROTOCOL_HEADERS } };
}

/** Every `{…Id}` in a path follows one rule (EntityIdPipe, 400 INVALID_ID otherwise): say so on each. */
function describeIdsInPaths(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const operation of [item.get, item.post, item.put, item.patch, item.delete]) {
      for (const parameter of operation?.parameters ?? []) {
        if (
          !('in' in parameter) ||
          parameter.in !== 'path' ||
          !/^(id|\w+Id)$/.test(parameter.name) ||
          parameter.description
        )
          continue;
        const what =
          parameter.name === 'id'
            ? 'entity'
            : parameter.name.slice(0, -2).replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);
        parameter.description = `The ${what}: a UUID or a slug of letters, digits, "-" and "_"`;
        parameter.schema = { type: 'string', pattern: ENTITY_ID.source };
      }
    }
  }
}

/** The `ErrorCode` enum says the status each refusal of the domain answers, from the table the problem filter uses. */
function describeErrorCodes(document: OpenAPIObject): void {
  const errorCode = document.components?.schemas?.['ErrorCode'];
  if (errorCode === undefined || '$ref' in errorCode)
    throw new Error('The OpenAPI document has no ErrorCode schema to describe');
  errorCode.description =
    'What went wrong, stable for machines: branch on it, never on the message. Each refusal of the domain answers one status:\n' +
    `${describeDomainErrorStatuses()}\n\n` +
    "The other codes are the write path's, the event store's, idempotency's and HTTP's: each operation lists the statuses it answers.";
}

/**
 * The document without serving anything: the module in preview (no provider is instantiated, so
 * no store is opened). `npm run openapi` writes it to libs/client/openapi.json.
 */
export async function apiDocument(config: AppConfig): Promise<OpenAPIObject> {
  const app = await NestFactory.create(
    ApiModule.forRoot(config, ApiKeys.load({ file: null, production: false })),
    new FastifyAdapter(),
    { preview: true, logger: ['error'] },
  );
  try {
    return describeApi(app);
  } finally {
    await app.close();
  }
}
