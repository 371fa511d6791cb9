import { describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { pino } from 'pino';
import { JsonLogger } from './json-logger.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'info', base: null, timestamp: false },
    { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { lines, json: new JsonLogger(logger) };
}

describe("Nest's logger on pino", () => {
  it("writes Nest's messages as JSON with their context, and an error's stack apart from its message", () => {
    const { lines, json } = capture();
    const seed = new Logger('Seed');
    Logger.overrideLogger(json);
    try {
      seed.log('Loaded the demo programme');
      seed.warn('Slow');
      seed.error('Broken', 'Error: Broken\n    at somewhere (file.js:1:1)');
      seed.error('No stack');
      seed.debug('Below the level');
    } finally {
      Logger.overrideLogger(true);
    }
    expect(lines).toEqual([
      { level: 30, context: 'Seed', msg: 'Loaded the demo programme' },
      { level: 40, context: 'Seed', msg: 'Slow' },
      { level: 50, context: 'Seed', stack: 'Error: Broken\n    at somewhere (file.js:1:1)', msg: 'Broken' },
      { level: 50, context: 'Seed', msg: 'No stack' },
    ]);
  });
});
