import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, Min, ValidateNested } from 'class-validator';
import type { CommandContext } from '@app/commands';
import { MAX_CLAIM_ITEMS } from '@app/funding';
import { Roles } from '../auth/roles.decorator.js';
import { Commands } from '../commands/commands.js';
import { CommandHeaders, CommandRequest } from '../http/command-request.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { IsCents, IsText } from '../http/field-rules.js';

export class ClaimCutDto {
  @ApiProperty({ type: 'integer', minimum: 0, description: "The item cut, by its position in the claim's items, from 0" })
  @IsInt()
  @Min(0)
  item!: number;

  @IsCents('Amount found ineligible on that item, in euro cents')
  amountCents!: number;

  @IsText('Why it is not eligible')
  reason!: string;
}

export class VerifyExpenditureClaimDto {
  @IsCents('Expenditure found eligible: eligible + cuts = declared, per item and in total')
  eligibleCents!: number;

  @ApiProperty({ type: [ClaimCutDto], description: 'What was found ineligible, item by item, with the reason (empty: all eligible)' })
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

@ApiTags('expenditure')
@ApiBearerAuth()
@Controller()
export class VerifyExpenditureClaimRoute {
  constructor(private readonly commands: Commands) {}

  @Post('expenditure-claims/:claimId/verification')
  @HttpCode(200)
  @Roles('controller')
  @CommandHeaders()
  verify(@CommandRequest() context: CommandContext, @Param('claimId', EntityIdPipe) claimId: string, @Body() body: VerifyExpenditureClaimDto) {
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
