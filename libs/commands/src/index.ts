export * from './clock.js';
export * from './command-context.js';
export * from './command-errors.js';
export * from './command-pipeline.js';
export { deterministicUuid } from './event-envelope.js';
export { foldStream } from './fold-stream.js';
export * from './command-observer.js';
