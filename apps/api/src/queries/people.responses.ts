import { ApiProperty } from '@nestjs/swagger';
import { APPLICANT_TYPES, type ApplicantType } from '@app/funding';
import type { Identity as VaultIdentity } from '@app/personal-data';
import { Either, Flag, Id, Instant, Nested, OneOf, Text } from '../http/response-fields.js';
import type { Shows } from './shows-document.js';

/**
 * Who: applicants and beneficiaries as the bid and grant read models show them, and a natural
 * person's identity from the vault.
 */

export class LegalPersonApplicant {
  @OneOf(['legal-person'], 'LegalPersonKind', 'A body, a company or an association: its identity is public')
  kind!: 'legal-person';

  @OneOf(APPLICANT_TYPES, 'ApplicantType', 'The type of applicant')
  type!: ApplicantType;

  @Text('Partita IVA or codice fiscale', { example: '01234567890' })
  taxCode!: string;

  @Text('Name', { example: 'Officine Riunite Srl' })
  name!: string;
}

export class NaturalPersonApplicant {
  @OneOf(
    ['natural-person'],
    'NaturalPersonKind',
    'An individual, or a sole trader known by a 16-character codice fiscale: named by a subject id only',
  )
  kind!: 'natural-person';

  @OneOf(APPLICANT_TYPES, 'ApplicantType', 'The type of applicant')
  type!: ApplicantType;

  @Id('Pseudonymous id of the person in the personal-data vault')
  subjectId!: string;

  @Text('NUTS 2 region', { example: 'ITC1' })
  region!: string;
}

/** A grant's beneficiary as read models show it: a legal person by type and name (its tax code stays in the log). */
export class LegalPersonBeneficiary {
  @OneOf(['legal-person'], 'LegalPersonKind', 'A body, a company or an association')
  kind!: 'legal-person';

  @OneOf(APPLICANT_TYPES, 'ApplicantType', 'The type of beneficiary')
  type!: ApplicantType;

  @Text('Name', { example: 'Officine Riunite Srl' })
  name!: string;
}

export class Contact {
  @Text('E-mail address', { optional: true })
  email?: string;

  @Text('Phone number', { optional: true })
  phone?: string;
}

/** A natural person's identity, from the vault: for the roles that act on them and the portal that submitted their bid. */
export class Identity implements Shows<VaultIdentity, Identity> {
  @Text('Codice fiscale')
  taxCode!: string;

  @Text('Name')
  name!: string;

  @Nested(Contact, 'Contact data, when given', { optional: true, nullable: true })
  contact?: Contact | null;
}

export class ErasedIdentity {
  @ApiProperty({ type: 'boolean', enum: [true], description: 'The identity was erased (GDPR art. 17)' })
  erased!: true;

  @Instant('When it was erased')
  erasedAt!: string;
}

/** The fields a bid and a grant both show about the person they concern, and who may see it. */
export const PersonFields = {
  subjectId: () => Id("The natural person's subject id; null for a legal person", { nullable: true }),
  sensitive: () => Flag('Its measure touches health or social hardship'),
  publicView: () => Flag('False for a natural person in a sensitive measure: shown only to the roles that act on them'),
  identity: () =>
    Either(
      [Identity, ErasedIdentity],
      "A natural person's identity, for the roles that act on them and the portal that submitted the bid",
      { optional: true },
    ),
};
