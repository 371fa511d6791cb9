/** EU funds a programme's money comes from: European Social Fund (FSE) and Regional Development Fund (FESR). */
export const FUNDS = ['FSE', 'FESR'] as const;
export type Fund = (typeof FUNDS)[number];

export const APPLICANT_TYPES = [
  'social-services-body',
  'municipality',
  'company',
  'third-sector',
  'volunteer-association',
  'natural-person',
] as const;
export type ApplicantType = (typeof APPLICANT_TYPES)[number];

/** A body, a company or an association: its identity (partita IVA or codice fiscale, name) is public. */
export interface LegalPersonApplicant {
  readonly kind: 'legal-person';
  readonly type: ApplicantType;
  readonly taxCode: string;
  readonly name: string;
}

/**
 * A natural person (an individual, or a sole trader known by a 16-character codice fiscale): the
 * events name them only by a pseudonymous subject id; their identity lives in the personal-data
 * vault, erasable (docs/adr/0009). `region` is the NUTS 2 code the public list may show.
 */
export interface NaturalPersonApplicant {
  readonly kind: 'natural-person';
  readonly type: ApplicantType;
  readonly subjectId: string;
  readonly region: string;
}

export type Applicant = LegalPersonApplicant | NaturalPersonApplicant;

/** A codice fiscale of a natural person: 16 characters (a company's partita IVA has 11 digits). */
export const PERSONAL_TAX_CODE = /^[A-Za-z0-9]{16}$/;

/** Whether an applicant is a natural person: of that type, or known by a personal codice fiscale. */
export function isNaturalPerson(type: ApplicantType, taxCode: string): boolean {
  return type === 'natural-person' || PERSONAL_TAX_CODE.test(taxCode);
}

/**
 * The State-aid regime a call grants under: none (e.g. public bodies), de minimis (Reg. (EU)
 * 2023/2831, capped per single undertaking), or a block exemption (GBER, Reg. (EU) 651/2014).
 */
export const AID_REGIMES = ['none', 'de-minimis', 'gber'] as const;
export type AidRegime = (typeof AID_REGIMES)[number];

/** A NUTS 2 region code, e.g. ITC1 (Piemonte). */
export const NUTS2 = /^[A-Z]{2}[A-Z0-9]{2}$/;

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
