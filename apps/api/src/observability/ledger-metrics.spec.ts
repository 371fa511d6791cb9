import { describe, expect, it } from '@jest/globals';
import { LedgerMetrics } from './ledger-metrics.js';

const line = (text: string, series: string) => text.split('\n').find((l) => l.startsWith(`${series} `));

describe('ledger metrics', () => {
  it('counts the races a command lost as conflict retries, and a command given up as a conflict', async () => {
    const metrics = new LedgerMetrics();
    metrics.commandEnded({ command: 'AwardGrant', result: 'accepted', refusal: null, attempts: 3, seconds: 0.02 });
    metrics.commandEnded({ command: 'AwardGrant', result: 'conflict', refusal: null, attempts: 8, seconds: 0.2 });
    metrics.appendEnded({ streams: 4, events: 5, result: 'conflict', seconds: 0.003 });
    const text = await metrics.exposition();
    expect(line(text, 'ledger_command_conflict_retries_total{command="AwardGrant"}')).toMatch(/ 9$/);
    expect(line(text, 'ledger_commands_total{command="AwardGrant",result="conflict"}')).toMatch(/ 1$/);
    expect(line(text, 'ledger_event_store_append_duration_seconds_count{result="conflict"}')).toMatch(/ 1$/);
  });

  it('labels requests that matched no route as unmatched, and reports a store that did not answer as down', async () => {
    const metrics = new LedgerMetrics();
    metrics.requestAnswered({ method: 'GET', route: null, status: 404, seconds: 0.001, replayed: false });
    metrics.storesObserved(undefined, null);
    const text = await metrics.exposition();
    expect(
      line(text, 'ledger_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"}'),
    ).toMatch(/ 1$/);
    expect(line(text, 'ledger_event_store_up')).toMatch(/ 0$/);
  });
});
