#!/usr/bin/env node
/**
 * Mutation check of the write path: applies each mutation below to the source, runs the tests
 * named for it, and reports whether they caught it (failed). The source is restored after each
 * run, whatever happens. `npm run mutations` (about 4 minutes; each e2e run rebuilds the API).
 * Results are recorded in docs/testing.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const PIPELINE = 'libs/commands/src/command-pipeline.ts';

const MUTATIONS = [
  {
    name: "the expected revision of every append replaced by 'any'",
    file: PIPELINE,
    from: "  return revisions.get(stream) ?? 'no_stream';",
    to: "  return 'any';",
    tests: ['libs/commands', 'libs/funding/src/funding.properties', 'test/two-processes'],
  },
  {
    name: 'an award that does not write the call (CallBudgetCommitted dropped)',
    file: 'libs/funding/src/grants/award-grant.ts',
    from: "      { type: 'CallBudgetCommitted', data: { ...award, committedAt: at } },\n",
    to: '',
    tests: ['libs/funding/src/grants', 'libs/funding/src/funding.properties'],
  },
  {
    name: 'a cancel that does not release the programme (MeasureReservationReleased dropped)',
    file: 'libs/funding/src/calls/cancel-call.ts',
    from: '    ];\n  },\n};',
    to: '    ].slice(0, 1);\n  },\n};',
    tests: ['libs/funding/src/calls', 'libs/funding/src/funding.properties'],
  },
  {
    name: 'the If-Match check skipped',
    file: PIPELINE,
    from: '        if (context.ifMatch !== null && read !== context.ifMatch)\n          throw new StaleRevisionError(about, context.ifMatch, read);\n',
    to: '',
    tests: ['libs/commands', 'test/lifecycle'],
  },
  {
    name: 'the retry loop answering the first conflict',
    file: PIPELINE,
    from: 'const maxAttempts = this.options.maxAttempts ?? MAX_ATTEMPTS;',
    to: 'const maxAttempts = 1;',
    tests: ['libs/commands', 'libs/funding/src/funding.properties', 'test/two-processes'],
  },
  {
    name: 'the advance added to verified expenditure instead of offset against it',
    file: 'libs/funding/src/figures.ts',
    from: 'Math.max(grant.advancePaidCents, coveredCents(grant, verifiedEligibleCents(grant)))',
    to: 'grant.advancePaidCents + coveredCents(grant, verifiedEligibleCents(grant))',
    tests: ['libs/funding/src/grants', 'libs/funding/src/funding.properties', 'test/expenditure'],
  },
  {
    name: 'the verifier of a claim allowed to pay it',
    file: 'libs/funding/src/grants/record-disbursement.ts',
    from: "  if (claim.verifiedBy === command.paidBy)\n    refuse('SEPARATION_OF_DUTIES', `${command.paidBy} verified claim ${claimId} and cannot pay it`);\n",
    to: '',
    tests: ['libs/funding/src/grants', 'libs/funding/src/funding.properties', 'test/expenditure'],
  },
  {
    name: 'a recovery receipt that does not return its principal to the call',
    file: 'libs/funding/src/recoveries/record-recovery-receipt.ts',
    from: "budgetReleasedToCall(grant, releasedCents, 'recovery', at)",
    to: "budgetReleasedToCall(grant, -releasedCents, 'recovery', at)",
    tests: ['libs/funding/src/recoveries', 'libs/funding/src/funding.properties', 'test/recovery'],
  },
];

const only = process.argv.slice(2);
const results = [];
for (const mutation of MUTATIONS) {
  if (only.length > 0 && !only.some((o) => mutation.name.includes(o))) continue;
  const path = resolve(ROOT, mutation.file);
  const original = readFileSync(path, 'utf8');
  if (!original.includes(mutation.from))
    throw new Error(`Mutation "${mutation.name}" no longer applies to ${mutation.file}: update scripts/mutations.mjs`);
  const caughtBy = [];
  try {
    writeFileSync(path, original.replace(mutation.from, mutation.to));
    for (const test of mutation.tests) {
      const run = spawnSync('npm', ['run', 'jest', '--', '--ci', test], { cwd: ROOT, encoding: 'utf8' });
      const summary = /Tests:.*$/m.exec(`${run.stdout}${run.stderr}`)?.[0]?.replace(/\s+/g, ' ');
      // A mutant that does not build is no evidence: only failing tests count as catching it.
      if (!summary) throw new Error(`Mutation "${mutation.name}": ${test} did not run:\n${run.stdout}${run.stderr}`);
      const caught = / [1-9]\d* failed/.test(summary);
      if (caught) caughtBy.push(`${test} (${summary})`);
      process.stdout.write(`  ${mutation.name} — ${test}: ${caught ? `FAILED — ${summary}` : 'passed (not caught)'}\n`);
    }
  } finally {
    writeFileSync(path, original);
  }
  results.push({ mutation: mutation.name, killed: caughtBy.length > 0, caughtBy });
}
// The e2e runs rebuilt dist/ from mutated sources: build again from the restored ones.
execFileSync('node', ['-e', "import('./scripts/build-if-needed.mjs').then((m) => m.buildIfNeeded())"], {
  cwd: ROOT,
  stdio: 'inherit',
});
process.stdout.write('\n| mutation | caught | by |\n| --- | --- | --- |\n');
for (const r of results)
  process.stdout.write(`| ${r.mutation} | ${r.killed ? 'yes' : '**no**'} | ${r.caughtBy.join('; ')} |\n`);
process.exit(results.every((r) => r.killed) ? 0 : 1);
