import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, Matches } from 'class-validator';
import type { CommandContext } from '@app/commands';
import { FUNDS, type Fund } from '@app/funding';
import { ActDto, EXAMPLE_ACT, IsAct, actOf } from '../acts/act.dto.js';
import { Roles } from '../auth/roles.decorator.js';
import { Commands, WriteResult } from '../commands/commands.js';
import { ApiCommand } from '../http/api-docs.js';
import { CommandRequest } from '../http/command-request.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { ENTITY_ID } from '../http/field-rules.js';
import { Id } from '../http/response-fields.js';
import { AccountingYearField } from './submit-payment-application.route.js';

export class SubmitAccountsDto {
  @ApiProperty({ enum: FUNDS, description: 'The fund whose accounts these are' })
  @IsIn(FUNDS)
  fund!: Fund;

  @AccountingYearField()
  @Matches(/^\d{4}-\d{4}$/, { message: 'accountingYear must be written as two years, e.g. 2025-2026' })
  accountingYear!: string;

  @IsAct('The act adopting the accounts')
  act!: ActDto;

  @ApiPropertyOptional({
    type: [String],
    maxItems: 10_000,
    description:
      'Payments declared in the year whose expenditure is under assessment (their disbursement ids): left out of the accounts, declared again by a later application',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10_000)
  @Matches(ENTITY_ID, { each: true, message: 'each of underAssessment must be a disbursement id' })
  underAssessment?: string[];
}

export class SubmitAccountsResponse extends WriteResult {
  @Id('The programme', { example: 'wecare' })
  programmeId!: string;

  @Id('The fund', { example: 'FSE' })
  fund!: string;

  @Id('The accounting year closed', { example: '2025-2026' })
  accountingYear!: string;
}

@ApiTags('accounting')
@ApiBearerAuth()
@Controller()
export class SubmitAccountsRoute {
  constructor(private readonly commands: Commands) {}

  @Post('programmes/:programmeId/accounts')
  @Roles('accounting-officer')
  @ApiCommand({
    operationId: 'submitAccounts',
    summary: 'Close an accounting year of a fund with its accounts',
    description:
      "Once the year (1 July to 30 June) has ended: the year's applications and their totals, what they declared, withdrew and deducted as recovered, the payments left out while under assessment, what corrections still have to recover, what was written off as irrecoverable, and what the Commission paid. The accounted amounts are the sum of the year's applications less what is left out, to the cent. After them, an application for the year is refused with ACCOUNTING_YEAR_CLOSED. Read them with `GET /programmes/{programmeId}/accounts`.",
    status: 201,
    type: SubmitAccountsResponse,
    body: {
      type: SubmitAccountsDto,
      summary: 'The FSE accounts of 2025-2026',
      example: { fund: 'FSE', accountingYear: '2025-2026', act: EXAMPLE_ACT, underAssessment: [] },
    },
    example: { programmeId: 'wecare', fund: 'FSE', accountingYear: '2025-2026', revision: 3, position: '51' },
    problems: {
      404: 'PROGRAMME_NOT_FOUND.',
      409: 'ACCOUNTS_ALREADY_SUBMITTED: the year is closed already.',
      422: {
        description:
          'ACCOUNTING_YEAR_NOT_ENDED (the year ends on 30 June), NOT_UNDER_ASSESSMENT (a payment not declared in the year), COFINANCING_NOT_STATED, FUND_NOT_IN_PROGRAMME, ACT_DATE_IN_FUTURE, INVALID_INPUT.',
        example: {
          code: 'ACCOUNTING_YEAR_NOT_ENDED',
          message: 'The accounting year 2026-2027 ends on 2027-06-30; its accounts follow it',
        },
      },
    },
  })
  submit(
    @CommandRequest() context: CommandContext,
    @Param('programmeId', EntityIdPipe) programmeId: string,
    @Body() body: SubmitAccountsDto,
  ) {
    return this.commands.run(
      context,
      {
        type: 'SubmitAccounts',
        programmeId,
        fund: body.fund,
        accountingYear: body.accountingYear,
        act: actOf(body.act),
        underAssessment: body.underAssessment ?? [],
        submittedBy: context.actor,
      },
      { programmeId, fund: body.fund, accountingYear: body.accountingYear },
    );
  }
}
