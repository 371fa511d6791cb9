/**
 * The API as the expenditure suites run it, and the steps they take on it: a grant of EUR 60,000
 * awarded at once, claims on it, their verification by first-level control and the payments.
 */
import { expect } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Schemas } from '@app/client';
import { KEYS, startApi, tempDataDir, type ApiProcess } from './api-process.js';
import { FundingClient, awardBody, claimItem, operationDates } from './funding-requests.js';

/** One person with two duties: the product must keep them apart on the same claim. */
export const CONTROLLER_AND_PAYER = 'controller-and-finance-dev-key';
export const EVALUATOR_AND_CONTROLLER = 'evaluator-and-controller-dev-key';

/** Starts the API with the development keys and the two keys above, and a client of it. */
export async function startApiWithDualDuties(): Promise<{ api: ApiProcess; client: FundingClient }> {
  const dataDir = tempDataDir();
  const keysFile = join(dataDir, 'api-keys.json');
  const devKeys = JSON.parse(readFileSync(join(process.cwd(), 'config/dev-api-keys.json'), 'utf8')) as object[];
  writeFileSync(
    keysFile,
    JSON.stringify([
      ...devKeys,
      {
        key: CONTROLLER_AND_PAYER,
        principal: 'dev:controller-and-finance',
        roles: ['controller', 'finance-officer'],
      },
      {
        key: EVALUATOR_AND_CONTROLLER,
        principal: 'dev:evaluator-and-controller',
        roles: ['evaluator', 'controller'],
      },
    ]),
  );
  const api = await startApi({ dataDir, env: { API_KEYS_FILE: keysFile } });
  return { api, client: new FundingClient(api.url) };
}

/**
 * A grant of EUR 60,000 on an operation of EUR 100,000, its call paying 40% of the award in
 * advance; `call` adds to the call's terms (its funding rate).
 */
export async function grantOf60k(
  client: FundingClient,
  call: Partial<Schemas['OpenCallDto']> = {},
): Promise<{ grantId: string; callId: string }> {
  // First-come: the one bid is awarded at once (a ranking call awards once closed and ranked; the
  // selection is not what these tests are about).
  const callId = await client.openCall({
    budgetCents: 20_000_000,
    maxGrantCents: 20_000_000,
    advanceShareBp: 4000,
    ...call,
    selection: 'first-come',
  });
  const bidId = await client.admissibleBid(callId, { requestedCents: 6_000_000 });
  const awarded = await client.awardGrant(
    callId,
    awardBody(bidId, 6_000_000, {
      operation: { ...operationDates(), istatMunicipalityCode: '001272', totalEligibleCostCents: 10_000_000 },
    }),
  );
  expect(awarded.status).toBe(201);
  return { grantId: awarded.body.grantId as string, callId };
}

/** The steps of the expenditure suites, through the client `client()` answers (made in their beforeAll). */
export function expenditureSteps(client: () => FundingClient) {
  const claim = (grantId: string, kind: 'interim' | 'final', ...amounts: number[]) =>
    client().submitClaim(grantId, {
      kind,
      items: amounts.map((amountCents, i) =>
        claimItem(amountCents, {
          description: `Voce ${i}`,
          category: i === 0 ? 'personnel' : 'services',
          documentRef: `FATT-2026-${i}`,
        }),
      ),
    });
  const verify = (
    claimId: string,
    eligibleCents: number,
    cuts: Schemas['ClaimCutDto'][] = [],
    key: string = KEYS.controller,
  ) => client().verifyClaim(claimId, { eligibleCents, cuts, checklistRef: 'CHK-2026-01', onTheSpot: false }, key);
  const pay = (grantId: string, body: Schemas['RecordDisbursementDto'], key: string = KEYS.financeOfficer) =>
    client().recordDisbursement(grantId, body, key);
  /** A grant of EUR 60,000 on an operation of EUR 100,000, its call paying 60% of verified expenditure and 40% of the award in advance. */
  const grantAt60Percent = () => grantOf60k(client(), { fundingRateBp: 6000 });
  return { claim, verify, pay, grantAt60Percent };
}
