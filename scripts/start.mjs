// `npm start`: builds if needed, then runs the API in this process (SQLite under ./data, port 3000 by default).
import { API_MAIN, API_TRACING_PRELOAD, buildIfNeeded } from './build-if-needed.mjs';

buildIfNeeded();
// Tracing first (when OTEL_TRACES_EXPORTER is set): it patches http and the database clients before the API imports them.
await import(API_TRACING_PRELOAD);
await import(API_MAIN);
