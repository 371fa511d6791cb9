/**
 * A large, realistic event log written straight into an embedded event store: blocks of a whole
 * lifecycle (programme, measure, call, bids, evaluations, awards, payments, a revocation), each
 * block decided by the real deciders through the in-memory ledger.
 */
import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '@app/event-store';
import { InMemoryLedger, type FundingCommand } from '../../libs/funding/test-support/in-memory-ledger.js';
import { dayAt } from '../../libs/funding/test-support/funding.arbitraries.js';

export function lifecycleBlock(k: number): InMemoryLedger['log'] {
  const ledger = new InMemoryLedger();
  const run = (command: FundingCommand, day: number) => {
    const outcome = ledger.execute(command, dayAt(day));
    if (outcome.kind !== 'accepted') throw new Error(`${command.type} ${JSON.stringify(outcome)}`);
  };
  const p = `p${k}`;
  run({ type: 'EstablishProgramme', programmeId: p, code: `P${k}`, title: 'Programme', funds: [{ fund: 'FSE', amountCents: 100_000_000 }, { fund: 'FESR', amountCents: 50_000_000 }] }, 0);
  run({ type: 'DefineMeasure', programmeId: p, measureId: `${p}-m1`, code: 'M1', title: 'Measure', fund: 'FSE', allocationCents: 60_000_000 }, 0);
  run({ type: 'OpenCall', callId: `${p}-c1`, programmeId: p, measureId: `${p}-m1`, title: 'Call', budgetCents: 20_000_000, opensAt: dayAt(0).toISOString(), closesAt: dayAt(30).toISOString(), eligibleApplicantTypes: ['company', 'third-sector'], maxGrantCents: 2_000_000 }, 0);
  for (let b = 0; b < 12; b++) {
    const bidId = `${p}-b${b}`;
    run({ type: 'SubmitBid', bidId, callId: `${p}-c1`, applicant: { type: b % 2 ? 'company' : 'third-sector', taxCode: '01234567890', name: `Applicant ${b}` }, projectTitle: 'Project', requestedCents: 1_000_000 + b * 50_000 }, 1);
    run({ type: 'EvaluateBid', bidId, admissible: b % 5 !== 0, score: b % 5 !== 0 ? 50 + b : null }, 2);
  }
  for (const b of [1, 2, 3, 4, 6]) {
    run({ type: 'AwardGrant', grantId: `${p}-g${b}`, callId: `${p}-c1`, bidId: `${p}-b${b}`, amountCents: 900_000 }, 3);
    run({ type: 'RecordDisbursement', grantId: `${p}-g${b}`, disbursementId: 'd1', kind: 'advance', amountCents: 360_000 }, 4);
  }
  run({ type: 'RecordDisbursement', grantId: `${p}-g1`, disbursementId: 'd2', kind: 'final', amountCents: 500_000 }, 9);
  run({ type: 'RevokeGrant', grantId: `${p}-g2`, reason: 'Irregularity', amountCents: 700_000 }, 10);
  return ledger.log;
}

/** Appends `blocks` lifecycle blocks; returns how many events were written. */
export async function writeSyntheticLog(file: string, blocks: number): Promise<number> {
  const store = SqliteEventStore.open(file, { durable: false });
  let written = 0;
  try {
    for (let k = 0; k < blocks; k++) {
      const block = lifecycleBlock(k);
      // Fired together, kept in order: group commit writes them in one transaction, in this order.
      await Promise.all(
        block.map(({ stream, event }) =>
          store.append({
            stream,
            expected: 'any',
            events: [{ eventId: randomUUID(), type: event.type, schemaVersion: 1, data: event.data, metadata: { actor: 'synthetic', correlationId: `block-${k}`, causationId: null, commandId: null, recordedAt: dayAt(0).toISOString() } }],
          }),
        ),
      );
      written += block.length;
    }
  } finally {
    await store.close();
  }
  return written;
}
