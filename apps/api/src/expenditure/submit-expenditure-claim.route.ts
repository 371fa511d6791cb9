import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, ValidateNested } from 'class-validator';
import type { CommandContext } from '@app/commands';
import { CLAIM_KINDS, MAX_CLAIM_ITEMS, type ClaimKind } from '@app/funding';
import { Roles } from '../auth/roles.decorator.js';
import { Commands, WriteResult } from '../commands/commands.js';
import { ApiCommand } from '../http/api-docs.js';
import { CommandRequest, generatedId } from '../http/command-request.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { IsCents, IsEntityId, IsText } from '../http/field-rules.js';
import { Id } from '../http/response-fields.js';

export class ClaimItemDto {
  @IsText('What the expenditure was for')
  description!: string;

  @IsText('Cost category, as the call names them (e.g. personnel, services, equipment)', 64)
  category!: string;

  @IsCents('Amount declared, in integer euro cents')
  amountCents!: number;

  @IsText('The supporting document: invoice, payslip, receipt', 200)
  documentRef!: string;
}

export class SubmitExpenditureClaimDto {
  @IsEntityId('Chosen by the client, or generated; unique across all claims')
  claimId?: string;

  @ApiProperty({ enum: CLAIM_KINDS, description: 'interim ("SAL"), or final: the last claim, which closes the grant to further claims' })
  @IsIn(CLAIM_KINDS)
  kind!: ClaimKind;

  @ApiProperty({ type: [ClaimItemDto], minItems: 1, maxItems: MAX_CLAIM_ITEMS, description: 'The expenditure declared, item by item; cuts name an item by its position here, from 0' })
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
    description: 'By the applicant portal that submitted the bid. Items in integer euro cents. A final claim closes the grant to further claims.',
    status: 201,
    type: SubmitExpenditureClaimResponse,
    body: {
      type: SubmitExpenditureClaimDto,
      summary: 'EUR 75k of expenditure, interim',
      example: {
        claimId: 'nido-sal-1', kind: 'interim',
        items: [
          { description: 'Educatrici, marzo-agosto', category: 'personnel', amountCents: 5_000_000, documentRef: 'LUL-2026-03/08' },
          { description: 'Arredi area gioco', category: 'equipment', amountCents: 2_500_000, documentRef: 'FATT-2026-118' },
        ],
      },
    },
    example: { claimId: 'nido-sal-1', grantId: 'officine-nido-grant', revision: 2, position: '18' },
    problems: {
      404: 'GRANT_NOT_FOUND.',
      409: 'CLAIM_ALREADY_EXISTS: the claim id is taken.',
      422: 'CLAIMS_CLOSED, CLAIM_LIMIT_REACHED, CLAIM_EXCEEDS_ELIGIBLE_COST, GRANT_NOT_ACTIVE, INVALID_INPUT.',
    },
  })
  submit(@CommandRequest() context: CommandContext, @Param('grantId', EntityIdPipe) grantId: string, @Body() body: SubmitExpenditureClaimDto) {
    const claimId = body.claimId ?? generatedId(context, 'claim');
    return this.commands.run(
      context,
      {
        type: 'SubmitExpenditureClaim',
        grantId,
        claimId,
        kind: body.kind,
        items: body.items.map((i) => ({ description: i.description, category: i.category, amountCents: i.amountCents, documentRef: i.documentRef })),
        submittedBy: context.actor,
      },
      { claimId, grantId },
    );
  }
}
