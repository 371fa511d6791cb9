// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = builtinModules.flatMap((name) => [name, `node:${name}`]);

/** The domain is pure: no framework, no I/O, no adapter, no clock, no randomness. */
const domainBoundary = {
  files: ['libs/funding/src/**/*.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: nodeBuiltins.map((name) => ({ name, message: 'libs/funding is pure: no Node I/O in the domain.' })),
        patterns: [
          {
            group: ['@nestjs/*', 'rxjs', 'rxjs/*', 'reflect-metadata'],
            message: 'libs/funding is pure: no Nest in the domain.',
          },
          {
            group: ['better-sqlite3', 'mongodb', '@kurrent/*', '@eventstore/*'],
            message: 'libs/funding must not reach an adapter.',
          },
          {
            group: ['@app/*', '**/event-store/**', '**/read-models/**', '**/apps/**', '**/config/**'],
            message: 'libs/funding depends on nothing else in the repository.',
          },
        ],
      },
    ],
    'no-restricted-syntax': [
      'error',
      {
        selector: "NewExpression[callee.name='Date'][arguments.length=0]",
        message: 'No clock in the domain: time arrives with the command.',
      },
      {
        selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
        message: 'No clock in the domain: time arrives with the command.',
      },
      {
        selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
        message: 'The domain is deterministic: ids and randomness come from the edge.',
      },
    ],
  },
};

/**
 * The API's client is what other services take (and what the e2e suites talk through): its own code
 * and its generated types, over fetch. No Node API, no framework, nothing else of the repository.
 */
const clientBoundary = {
  files: ['libs/client/src/**/*.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: nodeBuiltins.map((name) => ({ name, message: 'libs/client runs wherever fetch does: no Node API.' })),
        patterns: [
          {
            group: ['@nestjs/*', 'rxjs', 'rxjs/*', 'reflect-metadata', 'better-sqlite3', 'mongodb', '@kurrent/*'],
            message: 'libs/client is a client over fetch: no framework, no adapter.',
          },
          {
            group: ['@app/*', '**/apps/**', '**/config/**', '../../*/src/**'],
            message: 'libs/client depends on nothing else in the repository: it is generated from the API document.',
          },
        ],
      },
    ],
  },
};

/** Apps are separate processes: one never imports another's code (shared code lives in libs/), nor the API's client. */
const appBoundary = (app, others) => ({
  files: [`apps/${app}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...others.map((other) => ({
            group: [`**/apps/${other}/**`, `../../${other}/**`, `../${other}/**`, `**/${other}/src/**`],
            message: `apps/${app} must not import apps/${other}; move shared code to libs/.`,
          })),
          {
            group: ['@app/client', '**/libs/client/**'],
            message: `apps/${app} must not import libs/client: the client is for the API's callers.`,
          },
        ],
      },
    ],
  },
});

/** Libraries never depend on applications. */
const libsBoundary = {
  files: ['libs/**/*.ts'],
  ignores: ['libs/funding/src/**/*.ts', 'libs/client/src/**/*.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: [{ group: ['**/apps/**'], message: 'libs/ must not import apps/.' }] },
    ],
  },
};

/** The dashboard's browser modules (plain JavaScript served as is, no build step): the browser's globals they use. */
const dashboardBrowserFiles = {
  files: ['apps/api/public/**/*.js'],
  languageOptions: {
    sourceType: 'module',
    globals: Object.fromEntries(
      ['window', 'document', 'location', 'sessionStorage', 'fetch', 'URLSearchParams', 'Node', 'Intl'].map((name) => [
        name,
        'readonly',
      ]),
    ),
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      'no-console': 'off',
    },
  },
  dashboardBrowserFiles,
  libsBoundary,
  domainBoundary,
  clientBoundary,
  appBoundary('api', ['projector']),
  appBoundary('projector', ['api']),
);
