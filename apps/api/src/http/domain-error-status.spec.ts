import { describe, expect, it } from '@jest/globals';
import { DOMAIN_ERROR_CODES, DomainError, type DomainErrorCode } from '@app/funding';
import { DOMAIN_ERROR_STATUS, describeDomainErrorStatuses } from './domain-error-status.js';
import { ProblemFilter } from './problem.filter.js';

/**
 * The statuses clients saw before the table, from the sets the filter kept by hand: 404 for these,
 * 409 for an id taken or a state that forbids it, 422 for every other code. A code added to the
 * domain with 404 or 409 joins its list here; any other change of a status fails.
 */
const WAS_404: readonly DomainErrorCode[] = [
  'PROGRAMME_NOT_FOUND',
  'MEASURE_NOT_FOUND',
  'CALL_NOT_FOUND',
  'BID_NOT_FOUND',
  'GRANT_NOT_FOUND',
  'CLAIM_NOT_FOUND',
  'PAYMENT_APPLICATION_NOT_FOUND',
  'IRREGULARITY_NOT_FOUND',
];
const WAS_409: readonly DomainErrorCode[] = [
  // An id the client chose is already in use.
  'PROGRAMME_ALREADY_ESTABLISHED',
  'MEASURE_ALREADY_DEFINED',
  'CALL_ALREADY_EXISTS',
  'BID_ALREADY_EXISTS',
  'GRANT_ALREADY_EXISTS',
  'DISBURSEMENT_ALREADY_RECORDED',
  'CUP_ALREADY_USED',
  'CLAIM_ALREADY_EXISTS',
  'RECOVERY_ALREADY_RECORDED',
  'PAYMENT_APPLICATION_ALREADY_SUBMITTED',
  'RECEIPT_ALREADY_RECORDED',
  'CORRECTION_ALREADY_MADE',
  'IRREGULARITY_ALREADY_RECORDED',
  // The state of the record forbids it now.
  'RETENTION_PERIOD_ACTIVE',
  'DATA_SUBJECT_ALREADY_ERASED',
  'CLAIM_ALREADY_VERIFIED',
  'ACCOUNTS_ALREADY_SUBMITTED',
  'COFINANCING_ALREADY_STATED',
];

function statusBefore(code: DomainErrorCode): number {
  return WAS_404.includes(code) ? 404 : WAS_409.includes(code) ? 409 : 422;
}

describe('domain error status', () => {
  it.each(DOMAIN_ERROR_CODES.map((code) => [code, statusBefore(code)] as const))('keeps %s at %i', (code, status) => {
    expect(DOMAIN_ERROR_STATUS[code]).toBe(status);
  });

  it('has a status for exactly the domain codes', () => {
    expect(Object.keys(DOMAIN_ERROR_STATUS).sort()).toEqual([...DOMAIN_ERROR_CODES].sort());
  });

  it('is what the problem filter answers for each domain refusal', () => {
    const filter = new ProblemFilter();
    const answered = Object.fromEntries(
      DOMAIN_ERROR_CODES.map((code) => [code, filter.toProblem(new DomainError(code, 'refused')).statusCode]),
    );
    expect(answered).toEqual(DOMAIN_ERROR_STATUS);
  });

  it('describes each status with its codes for the OpenAPI document', () => {
    const lines = describeDomainErrorStatuses().split('\n');
    expect(lines.map((line) => line.slice(0, 6))).toEqual(['- 404:', '- 409:', '- 422:']);
    expect(lines[0]).toBe(`- 404: ${WAS_404.map((code) => `\`${code}\``).join(', ')}`);
    for (const code of DOMAIN_ERROR_CODES)
      expect(lines.filter((line) => line.includes(`\`${code}\``))).toEqual([
        expect.stringContaining(`- ${DOMAIN_ERROR_STATUS[code]}:`),
      ]);
  });
});
