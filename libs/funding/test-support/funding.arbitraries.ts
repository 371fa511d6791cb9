/**
 * Random command sequences over the funding domain, for the property tests of the domain and of
 * the read models: a programme with two measures and two open calls, then random commands (some
 * in racing pairs) while the clock moves forward. The pieces live beside this file:
 * funding-values (ids, amounts, the clock), funding-command (one command), funding-setup (the
 * start of every scenario) and funding-steps (what happens after it).
 */
import fc from 'fast-check';
import type { FundingCommand } from '../src/funding.commands.js';
import type { TestLedger } from './test-ledger.js';
import { dayAt } from './funding-values.arbitraries.js';
import { setup } from './funding-setup.arbitraries.js';
import { step, type Step } from './funding-steps.arbitraries.js';

export { T0, dayAt } from './funding-values.arbitraries.js';
export { command } from './funding-command.arbitraries.js';
export { setup } from './funding-setup.arbitraries.js';
export { step, type Step } from './funding-steps.arbitraries.js';

/** A whole scenario: the setup commands, then the steps. */
export const scenario = fc.tuple(setup, fc.array(step, { minLength: 30, maxLength: 80, size: 'max' }));
export type Scenario = [FundingCommand[], Step[]];

/**
 * Plays a scenario on a ledger; `afterStep` sees the ledger after each step. Concurrently, the two
 * commands of a step go at once through the ledger's two processes and race to append.
 */
export async function play(
  ledger: TestLedger,
  [given, steps]: Scenario,
  concurrently: boolean,
  afterStep?: (commands: FundingCommand[]) => void,
): Promise<void> {
  for (const c of given) {
    const outcome = await ledger.at(dayAt(0)).execute(c);
    if (outcome.kind !== 'accepted') throw new Error(`Setup command refused: ${JSON.stringify(outcome)}`);
  }
  let day = 0;
  for (const { days, commands } of steps) {
    day += days;
    ledger.at(dayAt(day));
    if (concurrently && commands.length === 2) await ledger.executeConcurrently(commands);
    else for (const c of commands) await ledger.execute(c);
    afterStep?.(commands);
  }
}
