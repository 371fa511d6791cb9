export * from './app-config.js';
export * from './project-files.js';
export * from './stores.js';
export * from './territory.js';
export * from './progress.js';
export * from './json-logger.js';
export * from './projection-metrics.js';
export * from './tracing.js';
export { fundingProjections } from './read-models.config.js';
