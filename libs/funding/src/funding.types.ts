/** EU funds a programme's money comes from: European Social Fund (FSE) and Regional Development Fund (FESR). */
export const FUNDS = ['FSE', 'FESR'] as const;
export type Fund = (typeof FUNDS)[number];

export const APPLICANT_TYPES = [
  'social-services-body',
  'municipality',
  'company',
  'third-sector',
  'volunteer-association',
] as const;
export type ApplicantType = (typeof APPLICANT_TYPES)[number];

export interface Applicant {
  readonly type: ApplicantType;
  /** Italian codice fiscale or partita IVA of the applicant (a natural person's is personal data). */
  readonly taxCode: string;
  readonly name: string;
}

export const DISBURSEMENT_KINDS = ['advance', 'interim', 'final'] as const;
/** advance = "anticipo", interim = "SAL" (stato avanzamento lavori), final = "saldo". */
export type DisbursementKind = (typeof DISBURSEMENT_KINDS)[number];

/** An ISO 8601 instant, as stored in events. Time never comes from a clock inside the domain. */
export type Instant = string;

export function instant(at: Date): Instant {
  return at.toISOString();
}

export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
