import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, Min, ValidateNested } from 'class-validator';
import type { CommandContext } from '@app/commands';
import { MAX_CLAIM_ITEMS } from '@app/funding';
import { Roles } from '../auth/roles.decorator.js';
import { Commands, WriteResult } from '../commands/commands.js';
import { ApiCommand } from '../http/api-docs.js';
import { CommandRequest } from '../http/command-request.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { IsCents, IsText } from '../http/field-rules.js';
import { Id } from '../http/response-fields.js';

export class ClaimCutDto {
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: "The item cut, by its position in the claim's items, from 0",
  })
  @IsInt()
  @Min(0)
  item!: number;

  @IsCents('Amount found ineligible on that item, in integer euro cents')
  amountCents!: number;

  @IsText('Why it is not eligible')
  reason!: string;
}

export class VerifyExpenditureClaimDto {
  @IsCents('Expenditure found eligible: eligible + cuts = declared, per item and in total')
  eligibleCents!: number;

  @ApiProperty({
    type: [ClaimCutDto],
    description: 'What was found ineligible, item by item, with the reason (empty: all eligible)',
  })
  @IsArray()
  @ArrayMaxSize(MAX_CLAIM_ITEMS * 10)
  @ValidateNested({ each: true })
  @Type(() => ClaimCutDto)
  cuts!: ClaimCutDto[];

  @IsText('The checklist the control filled in', 200)
  checklistRef!: string;

  @ApiProperty({ type: 'boolean', description: 'Whether the verification included a check on the spot' })
  @IsBoolean()
  onTheSpot!: boolean;
}

export class VerifyExpenditureClaimResponse extends WriteResult {
  @Id('The claim', { example: 'nido-sal-1' })
  claimId!: string;
}

@ApiTags('expenditure')
@ApiBearerAuth()
@Controller()
export class VerifyExpenditureClaimRoute {
  constructor(private readonly commands: Commands) {}

  @Post('expenditure-claims/:claimId/verification')
  @HttpCode(200)
  @Roles('controller')
  @ApiCommand({
    operationId: 'verifyExpenditureClaim',
    summary: 'Verify an expenditure claim (first-level control), with the cuts and their reasons',
    description:
      'Eligible plus cuts add up to what was declared, per item and in total (integer euro cents). Never by a controller who evaluated the bid.',
    status: 200,
    type: VerifyExpenditureClaimResponse,
    body: {
      type: VerifyExpenditureClaimDto,
      summary: 'EUR 70k eligible, EUR 5k cut on the furniture',
      example: {
        eligibleCents: 7_000_000,
        cuts: [{ item: 1, amountCents: 500_000, reason: 'Fattura oltre il massimale per arredi' }],
        checklistRef: 'CHK-FSE-2026-041',
        onTheSpot: true,
      },
    },
    example: { claimId: 'nido-sal-1', revision: 1, position: '19' },
    problems: {
      404: 'CLAIM_NOT_FOUND.',
      409: 'CLAIM_ALREADY_VERIFIED.',
      422: 'VERIFICATION_DOES_NOT_ADD_UP, CUTS_EXCEED_ITEM, EARLIER_CLAIMS_PENDING, ELIGIBLE_EXCEEDS_OPERATION_COST, SEPARATION_OF_DUTIES, GRANT_NOT_ACTIVE, INVALID_AMOUNT, INVALID_INPUT.',
    },
  })
  verify(
    @CommandRequest() context: CommandContext,
    @Param('claimId', EntityIdPipe) claimId: string,
    @Body() body: VerifyExpenditureClaimDto,
  ) {
    return this.commands.run(
      context,
      {
        type: 'VerifyExpenditureClaim',
        claimId,
        eligibleCents: body.eligibleCents,
        cuts: body.cuts.map((c) => ({ item: c.item, amountCents: c.amountCents, reason: c.reason })),
        checklistRef: body.checklistRef,
        onTheSpot: body.onTheSpot,
        verifiedBy: context.actor,
      },
      { claimId },
    );
  }
}
