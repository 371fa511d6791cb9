/**
 * Prints the API's OpenAPI document on stdout, as `/docs-json` serves it, without serving anything
 * or opening a store (scripts/openapi.mjs writes it to libs/client/openapi.json).
 */
import 'reflect-metadata';
import { loadConfig } from '@app/config';
import { apiDocument } from './openapi.js';

const document = await apiDocument(loadConfig({ NODE_ENV: 'test', DATA_DIR: 'unused-by-the-document' }));
process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
