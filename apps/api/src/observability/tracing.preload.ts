/**
 * Loaded before the API, so that tracing (when OTEL_TRACES_EXPORTER asks for it) patches http and
 * the database clients before anything imports them:
 *   node --import ./dist/apps/api/apps/api/src/observability/tracing.preload.js dist/apps/api/apps/api/src/main.js
 * (the Dockerfile's command; `npm start` imports it first too). Without an exporter it loads nothing.
 */
import { startTracing } from './tracing.js';

await startTracing();
