/**
 * A large, realistic event log written straight into an embedded event store: blocks of a whole
 * lifecycle (programme, measure, call, bids, evaluations, awards, payments, a revocation), each
 * block decided by the real command pipeline on an in-memory store, then copied in log order.
 */
import { SqliteEventStore } from '@app/event-store';
import { streamOf, type FundingCommand } from '@app/funding';
import { ACT, EVALUATOR, awardTerms, cupFor } from '../../libs/funding/test-support/funding.fixtures.js';
import { claimVerifyAndPay } from '../../libs/funding/test-support/paying.js';
import { TestLedger, appendOutsideCommands } from '../../libs/funding/test-support/test-ledger.js';
import { dayAt } from '../../libs/funding/test-support/funding.arbitraries.js';

let template: TestLedger['log'] | null = null;

/**
 * Block k: the lifecycle decided once through the pipeline (as block 0), then copied with its ids
 * renamed (`p0…` to `pk…`, code `P0` to `Pk`), which is what deciding it again would give.
 */
export async function lifecycleBlock(k: number): Promise<TestLedger['log']> {
  template ??= await decidedBlock(0);
  if (k === 0) return template;
  // Each grant's CUP is its own: the copies get the CUP of their renamed grant.
  const cups = new Map<string, string>();
  for (const { event } of template)
    if (event.type === 'CupAssigned') cups.set(event.data.cup, cupFor(event.data.grantId.replace(/^p0/, `p${k}`)));
  const renameCups = (text: string) => [...cups].reduce((t, [from, to]) => t.split(from).join(to), text);
  return template.map(({ stream, event }) => {
    // A document's key names its programme and its number (`p0|…|P0-G1-D1|…`), and its stream is the key's hash.
    const renamed = JSON.parse(
      renameCups(
        JSON.stringify(event)
          .replace(/"p0(?="|-)/g, `"p${k}`)
          .replace(/"P0"/g, `"P${k}"`)
          .replace(/"p0\|/g, `"p${k}|`)
          .replace(/\|P0-/g, `|P${k}-`),
      ),
    ) as typeof event;
    return {
      stream:
        renamed.type === 'ExpenditureDocumentClaimed'
          ? streamOf(renamed)
          : renameCups(stream.replace(/-p0(?=$|-)/, `-p${k}`)),
      event: renamed,
    };
  });
}

async function decidedBlock(k: number): Promise<TestLedger['log']> {
  const ledger = new TestLedger();
  const run = async (command: FundingCommand, day: number) => {
    const outcome = await ledger.at(dayAt(day)).execute(command);
    if (outcome.kind !== 'accepted') throw new Error(`${command.type} ${JSON.stringify(outcome)}`);
  };
  const p = `p${k}`;
  await run(
    {
      type: 'EstablishProgramme',
      programmeId: p,
      code: `P${k}`,
      title: 'Programme',
      funds: [
        { fund: 'FSE', amountCents: 100_000_000 },
        { fund: 'FESR', amountCents: 50_000_000 },
      ],
    },
    0,
  );
  await run(
    {
      type: 'DefineMeasure',
      programmeId: p,
      measureId: `${p}-m1`,
      code: 'M1',
      title: 'Measure',
      fund: 'FSE',
      allocationCents: 60_000_000,
    },
    0,
  );
  await run(
    {
      type: 'OpenCall',
      callId: `${p}-c1`,
      programmeId: p,
      measureId: `${p}-m1`,
      title: 'Call',
      budgetCents: 20_000_000,
      opensAt: dayAt(0).toISOString(),
      closesAt: dayAt(30).toISOString(),
      eligibleApplicantTypes: ['company', 'third-sector'],
      maxGrantCents: 2_000_000,
      selection: 'first-come',
    },
    0,
  );
  for (let b = 0; b < 12; b++) {
    const bidId = `${p}-b${b}`;
    await run(
      {
        type: 'SubmitBid',
        bidId,
        callId: `${p}-c1`,
        submittedBy: 'portal-1',
        applicant: {
          kind: 'legal-person',
          type: b % 2 ? 'company' : 'third-sector',
          taxCode: '01234567890',
          name: `Applicant ${b}`,
        },
        projectTitle: 'Project',
        requestedCents: 1_000_000 + b * 50_000,
      },
      1,
    );
    await run(
      {
        type: 'EvaluateBid',
        bidId,
        admissible: b % 5 !== 0,
        score: b % 5 !== 0 ? 50 + b : null,
        evaluatedBy: EVALUATOR,
      },
      2,
    );
  }
  for (const b of [1, 2, 3, 4, 6]) {
    await run(
      {
        type: 'AwardGrant',
        grantId: `${p}-g${b}`,
        callId: `${p}-c1`,
        bidId: `${p}-b${b}`,
        amountCents: 900_000,
        ...awardTerms(`${p}-g${b}`, 900_000),
      },
      3,
    );
    for (const command of claimVerifyAndPay(`${p}-g${b}`, 'd1', 360_000)) await run(command, 4);
  }
  for (const command of claimVerifyAndPay(`${p}-g1`, 'd2', 500_000, { kind: 'final' })) await run(command, 9);
  await run({ type: 'RevokeGrant', grantId: `${p}-g2`, reason: 'Irregularity', amountCents: 700_000, act: ACT }, 10);
  return ledger.log;
}

/** Appends `blocks` lifecycle blocks; returns how many events were written. */
export async function writeSyntheticLog(
  file: string,
  blocks: number,
  onBlock?: (blocksWritten: number) => void,
): Promise<number> {
  const store = SqliteEventStore.open(file, { durable: false });
  let written = 0;
  try {
    for (let k = 0; k < blocks; k++) {
      const block = await lifecycleBlock(k);
      // Fired together, kept in order: group commit writes them in one transaction, in this order.
      await Promise.all(
        block.map(({ stream, event }) =>
          store.append(
            appendOutsideCommands(stream, event, {
              actor: 'synthetic',
              correlationId: `block-${k}`,
              recordedAt: dayAt(0).toISOString(),
            }),
          ),
        ),
      );
      written += block.length;
      onBlock?.(k + 1);
    }
  } finally {
    await store.close();
  }
  return written;
}
