import { DISBURSEMENT_KINDS } from '@app/funding';
import { WriteResult } from '../commands/commands.js';
import { Cents, Id, Instant, List, Nested, OneOf, Text } from '../http/response-fields.js';
import { Bid, Grant, Identity } from '../queries/read-model.responses.js';

export class DataSubjectFound {
  @Id('The subject id the ledger knows the person by')
  subjectId!: string;
}

export class SubjectPayment {
  @Id('The grant it was paid on') grantId!: string;
  @Id('The disbursement') disbursementId!: string;
  @OneOf(DISBURSEMENT_KINDS, 'DisbursementKind', 'advance, interim or final') kind!: string;
  @Id('The claim it settles; null for an advance', { nullable: true }) claimId!: string | null;
  @Cents('Paid') amountCents!: number;
  @Text('Payment order or bank reference', { nullable: true }) reference!: string | null;
  @Text('The RNA Deggendorf visura consulted', { nullable: true }) deggendorfVisuraRef!: string | null;
  @Instant('When it was paid') paidAt!: string;
}

/** The access answer (GDPR art. 15): the identity unless erased, and every bid, grant and payment of the subject. */
export class DataSubjectAccess {
  @Id('The subject') subjectId!: string;
  @OneOf(['held', 'erased'], 'DataSubjectStatus', 'held: the vault holds the identity; erased: it was destroyed')
  status!: string;
  @Nested(Identity, 'The identity the vault holds (status held)', { optional: true }) identity?: Identity;
  @Instant('When the vault first registered the person (status held)', { optional: true }) registeredAt?: string;
  @Instant('When the identity was erased (status erased)', { optional: true }) erasedAt?: string;
  @List(Bid, 'Their bids') bids!: Bid[];
  @List(Grant, 'Their grants') grants!: Grant[];
  @List(SubjectPayment, 'Every payment on their grants') payments!: SubjectPayment[];
}

export class EraseDataSubjectResponse extends WriteResult {
  @Id('The subject erased') subjectId!: string;
  @Instant('When') erasedAt!: string;
}
