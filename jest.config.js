/**
 * Jest runs TypeScript as ESM (NestJS 12 is ESM-only) through ts-jest's useESM, under
 * `node --experimental-vm-modules` (see the `jest` script). Tiers are projects, named by suffix:
 *   unit        *.spec.ts beside the code (deciders, property tests)
 *   contract    *.contract-spec.ts, one suite per port run against every adapter
 *   integration *.int-spec.ts, an adapter's own behaviour on real files, in the test's process
 *   process     *.process-spec.ts, which start and kill processes of their own (SIGKILL crash safety)
 *   e2e         test/*.e2e-spec.ts, which start the real API and projector processes
 * `npm test` runs the first three, a worker per core; `npm run test:slow` the last two, which
 * start processes of their own and so run one suite at a time on a small machine (package.json).
 */
const moduleNameMapper = {
  '^@app/funding$': '<rootDir>/libs/funding/src/index.ts',
  '^@app/commands$': '<rootDir>/libs/commands/src/index.ts',
  '^@app/personal-data$': '<rootDir>/libs/personal-data/src/index.ts',
  '^@app/idempotency$': '<rootDir>/libs/idempotency/src/index.ts',
  '^@app/event-store$': '<rootDir>/libs/event-store/src/index.ts',
  '^@app/read-models$': '<rootDir>/libs/read-models/src/index.ts',
  '^@app/config$': '<rootDir>/config/index.ts',
  '^@app/client$': '<rootDir>/libs/client/src/index.ts',
  '^(\\.{1,2}/.*)\\.js$': '$1',
  // @fastify/middie (loaded by @nestjs/platform-fastify) require()s its own path-to-regexp 9, an ES
  // module, which Jest's module runtime cannot require() before Node 24.9: under Jest it gets the
  // CommonJS path-to-regexp 8 the rest of Nest uses. The API registers no Nest middleware.
  '^path-to-regexp$': '<rootDir>/node_modules/path-to-regexp/dist/index.js',
};

const transform = {
  '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
};

const common = {
  rootDir: '.',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper,
  transform,
  testEnvironment: 'node',
};

export default {
  // Tests that start processes run several at once on a small machine: give them time (a global option).
  testTimeout: 60_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{libs,apps,config,test}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'contract',
      testMatch: ['<rootDir>/{libs,apps}/**/*.contract-spec.ts'],
      // The embedded store's writer thread, transpiled (a worker thread loads JavaScript).
      globalSetup: '<rootDir>/test/support/fast-tier-setup.mjs',
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{libs,apps}/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/support/fast-tier-setup.mjs',
    },
    { ...common, displayName: 'process', testMatch: ['<rootDir>/{libs,apps}/**/*.process-spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.mjs',
    },
  ],
};
