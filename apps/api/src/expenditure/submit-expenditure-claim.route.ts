import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsNotEmptyObject, Matches, ValidateNested } from 'class-validator';
import type { CommandContext } from '@app/commands';
import { CLAIM_KINDS, DOCUMENT_TYPES, MAX_CLAIM_ITEMS, type ClaimKind, type DocumentType } from '@app/funding';
import { Roles } from '../auth/roles.decorator.js';
import { Commands, WriteResult } from '../commands/commands.js';
import { ApiCommand } from '../http/api-docs.js';
import { CommandRequest, generatedId } from '../http/command-request.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { IsCents, IsEntityId, IsText, MatchesDay } from '../http/field-rules.js';
import { Id } from '../http/response-fields.js';

export class ExpenditureDocumentDto {
  @ApiProperty({
    enum: DOCUMENT_TYPES,
    description: 'invoice ("fattura"), payslip ("busta paga"), receipt ("ricevuta"), other',
  })
  @IsIn(DOCUMENT_TYPES)
  type!: DocumentType;

  @IsText("The document's number, as its issuer gave it", 64)
  number!: string;

  @ApiProperty({ format: 'date', example: '2026-06-30', description: 'Its date (YYYY-MM-DD)' })
  @MatchesDay()
  date!: string;

  @ApiProperty({
    pattern: '^\\s*[A-Za-z0-9]{2,32}\\s*$',
    example: '01234567890',
    description:
      "The issuer's tax code or VAT number. Issuer, number and date (trimmed, in upper case) name the document: it is claimed once in the programme, on any grant (DOCUMENT_ALREADY_CLAIMED)",
  })
  @Matches(/^\s*[A-Za-z0-9]{2,32}\s*$/, { message: '$property is 2 to 32 letters and digits' })
  issuerTaxCode!: string;

  @IsCents("The document's whole amount, in integer euro cents: the item claims at most this (ITEM_EXCEEDS_DOCUMENT)")
  amountCents!: number;
}

export class ClaimItemDto {
  @IsText('What the expenditure was for')
  description!: string;

  @IsText('Cost category, as the call names them (e.g. personnel, services, equipment)', 64)
  category!: string;

  @IsCents('Amount declared, in integer euro cents')
  amountCents!: number;

  @IsText("Where the supporting document is archived: the beneficiary's own reference", 200)
  documentRef!: string;

  @ApiProperty({
    format: 'date',
    example: '2026-07-10',
    description:
      "The day it was paid (YYYY-MM-DD): inside the programme's eligibility period and the operation's planned dates (OUTSIDE_ELIGIBILITY_PERIOD)",
  })
  @MatchesDay()
  paidOn!: string;

  @ApiProperty({ type: ExpenditureDocumentDto, description: 'The document that proves the expenditure' })
  @IsNotEmptyObject()
  @ValidateNested()
  @Type(() => ExpenditureDocumentDto)
  document!: ExpenditureDocumentDto;
}

export class SubmitExpenditureClaimDto {
  @IsEntityId('Chosen by the client, or generated; unique across all claims')
  claimId?: string;

  @ApiProperty({
    enum: CLAIM_KINDS,
    description: 'interim ("SAL"), or final: the last claim, which closes the grant to further claims',
  })
  @IsIn(CLAIM_KINDS)
  kind!: ClaimKind;

  @ApiProperty({
    type: [ClaimItemDto],
    minItems: 1,
    maxItems: MAX_CLAIM_ITEMS,
    description: 'The expenditure declared, item by item; cuts name an item by its position here, from 0',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_CLAIM_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => ClaimItemDto)
  items!: ClaimItemDto[];
}

export class SubmitExpenditureClaimResponse extends WriteResult {
  @Id('The claim: the one given, or a generated UUID', { example: 'nido-sal-1' })
  claimId!: string;

  @Id('The grant', { example: 'officine-nido-grant' })
  grantId!: string;
}

@ApiTags('expenditure')
@ApiBearerAuth()
@Controller()
export class SubmitExpenditureClaimRoute {
  constructor(private readonly commands: Commands) {}

  @Post('grants/:grantId/expenditure-claims')
  @Roles('applicant-service')
  @ApiCommand({
    operationId: 'submitExpenditureClaim',
    summary: 'Claim expenditure on a grant, item by item',
    description:
      "By the applicant portal that submitted the bid. Items in integer euro cents, each paid inside the programme's eligibility period and the operation's dates, and proven by a document claimed once in the programme. A final claim closes the grant to further claims.",
    status: 201,
    type: SubmitExpenditureClaimResponse,
    body: {
      type: SubmitExpenditureClaimDto,
      summary: 'EUR 75k of expenditure, interim',
      example: {
        claimId: 'nido-sal-1',
        kind: 'interim',
        items: [
          {
            description: 'Educatrici, marzo-agosto',
            category: 'personnel',
            amountCents: 5_000_000,
            documentRef: 'LUL-2026-03/08',
            paidOn: '2026-09-10',
            document: {
              type: 'payslip',
              number: 'LUL-2026-08',
              date: '2026-08-31',
              issuerTaxCode: '01234567890',
              amountCents: 5_000_000,
            },
          },
          {
            description: 'Arredi area gioco',
            category: 'equipment',
            amountCents: 2_500_000,
            documentRef: 'FATT-2026-118',
            paidOn: '2026-04-15',
            document: {
              type: 'invoice',
              number: '118/2026',
              date: '2026-03-31',
              issuerTaxCode: '09876543210',
              amountCents: 3_050_000,
            },
          },
        ],
      },
    },
    example: { claimId: 'nido-sal-1', grantId: 'officine-nido-grant', revision: 2, position: '18' },
    problems: {
      404: 'GRANT_NOT_FOUND.',
      409: 'CLAIM_ALREADY_EXISTS: the claim id is taken.',
      422: 'OUTSIDE_ELIGIBILITY_PERIOD (with itemIndex, paidOn, eligibleFrom, eligibleTo), ITEM_EXCEEDS_DOCUMENT (with itemIndex, amountCents, documentAmountCents), DOCUMENT_ALREADY_CLAIMED (with itemIndex, and the claimId, grantId and earlierItemIndex that hold it), CLAIMS_CLOSED, CLAIM_LIMIT_REACHED, CLAIM_EXCEEDS_ELIGIBLE_COST, GRANT_NOT_ACTIVE, INVALID_INPUT.',
    },
  })
  submit(
    @CommandRequest() context: CommandContext,
    @Param('grantId', EntityIdPipe) grantId: string,
    @Body() body: SubmitExpenditureClaimDto,
  ) {
    const claimId = body.claimId ?? generatedId(context, 'claim');
    return this.commands.run(
      context,
      {
        type: 'SubmitExpenditureClaim',
        grantId,
        claimId,
        kind: body.kind,
        items: body.items.map((i) => ({
          description: i.description,
          category: i.category,
          amountCents: i.amountCents,
          documentRef: i.documentRef,
          paidOn: i.paidOn,
          document: {
            type: i.document.type,
            number: i.document.number,
            date: i.document.date,
            issuerTaxCode: i.document.issuerTaxCode,
            amountCents: i.document.amountCents,
          },
        })),
        submittedBy: context.actor,
      },
      { claimId, grantId },
    );
  }
}
