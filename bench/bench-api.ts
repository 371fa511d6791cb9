/** Requests the HTTP benchmarks send, with the development keys. */

export const AS_PROGRAMME_MANAGER = {
  'content-type': 'application/json',
  authorization: 'Bearer programme-manager-dev-api-key',
};
export const AS_APPLICANT_SERVICE = {
  'content-type': 'application/json',
  authorization: 'Bearer applicant-service-dev-api-key',
};
export const AS_VIEWER = { authorization: 'Bearer viewer-dev-api-key' };

/** Opens a call for companies, open from a minute ago to a day from now; answers its id. */
export async function openCall(
  apiUrl: string,
  call: {
    programmeId: string;
    measureId: string;
    title: string;
    budgetCents: number;
    maxGrantCents?: number;
    selection?: 'first-come';
  },
): Promise<string> {
  const opened = await fetch(`${apiUrl}/calls`, {
    method: 'POST',
    headers: AS_PROGRAMME_MANAGER,
    body: JSON.stringify({
      ...call,
      opensAt: new Date(Date.now() - 60_000).toISOString(),
      closesAt: new Date(Date.now() + 86_400_000).toISOString(),
      eligibleApplicantTypes: ['company'],
    }),
  });
  const { callId } = (await opened.json()) as { callId: string };
  return callId;
}

/** A company's bid, as JSON. */
export const bidJson = (projectTitle: string, requestedCents: number, name = 'Officine Riunite Srl') =>
  JSON.stringify({ applicant: { type: 'company', taxCode: '01234567890', name }, projectTitle, requestedCents });
