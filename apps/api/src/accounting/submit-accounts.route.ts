import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, Matches } from 'class-validator';
import type { CommandContext } from '@app/commands';
import { FUNDS, type Fund } from '@app/funding';
import { ActDto, EXAMPLE_ACT, IsAct, actOf } from '../acts/act.dto.js';
import { Roles } from '../auth/roles.decorator.js';
import { Commands, Written } from '../commands/commands.js';
import { ApiCommand } from '../http/api-docs.js';
import { CommandRequest } from '../http/command-request.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { ENTITY_ID, IsAccountingYear } from '../http/field-rules.js';
import { Integer, Position } from '../http/response-fields.js';
import { AccountsResponse } from './accounting.responses.js';
import { FundAccounts } from './fund-accounts.js';

export class SubmitAccountsDto {
  @ApiProperty({ enum: FUNDS, description: 'The fund whose accounts these are' })
  @IsIn(FUNDS)
  fund!: Fund;

  @IsAccountingYear('The accounting year')
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

/** The accounts as recorded, with the write's revision and position. */
export class SubmitAccountsResponse extends AccountsResponse {
  @Integer("The revision of the fund's account after the write: the same as the ETag", { example: 3 })
  revision!: number;

  @Position('Where the last event of the write sits in the global log: the same as X-Event-Position', {
    example: '51',
  })
  position!: string;
}

@ApiTags('accounting')
@ApiBearerAuth()
@Controller()
export class SubmitAccountsRoute {
  constructor(
    private readonly commands: Commands,
    private readonly accounts: FundAccounts,
  ) {}

  @Post('programmes/:programmeId/accounts')
  @Roles('accounting-officer')
  @ApiCommand({
    operationId: 'submitAccounts',
    summary: 'Close an accounting year of a fund with its accounts',
    description:
      "Once the year (1 July to 30 June) has ended: the year's applications and their totals, what they declared, withdrew and deducted as recovered, the payments left out while under assessment, what corrections still have to recover, what was written off as irrecoverable, and what the Commission paid. The accounted amounts are the sum of the year's applications less what is left out, to the cent. After them, an application for the year is refused with ACCOUNTING_YEAR_CLOSED. It answers with the accounts as recorded; read them again with `GET /programmes/{programmeId}/accounts`.",
    status: 201,
    type: SubmitAccountsResponse,
    body: {
      type: SubmitAccountsDto,
      summary: 'The FSE accounts of 2025-2026',
      example: { fund: 'FSE', accountingYear: '2025-2026', act: EXAMPLE_ACT, underAssessment: [] },
    },
    example: {
      programmeId: 'wecare',
      fund: 'FSE',
      accountingYear: '2025-2026',
      act: EXAMPLE_ACT,
      applications: [
        {
          applicationId: 'wecare-fse-2026-1',
          cutOffDate: '2026-06-30',
          eligibleExpenditureCents: 10_000_000,
          publicContributionCents: 6_000_000,
          euShareCents: 3_000_000,
          nationalShareCents: 2_100_000,
          regionalShareCents: 900_000,
        },
      ],
      declared: {
        eligibleExpenditureCents: 10_000_000,
        publicContributionCents: 6_000_000,
        euShareCents: 3_000_000,
        nationalShareCents: 2_100_000,
        regionalShareCents: 900_000,
      },
      withdrawn: {
        eligibleExpenditureCents: 0,
        publicContributionCents: 0,
        euShareCents: 0,
        nationalShareCents: 0,
        regionalShareCents: 0,
      },
      recovered: {
        eligibleExpenditureCents: 0,
        publicContributionCents: 0,
        euShareCents: 0,
        nationalShareCents: 0,
        regionalShareCents: 0,
      },
      underAssessment: [],
      accounted: {
        eligibleExpenditureCents: 10_000_000,
        publicContributionCents: 6_000_000,
        euShareCents: 3_000_000,
        nationalShareCents: 2_100_000,
        regionalShareCents: 900_000,
      },
      toBeRecoveredCents: 0,
      irrecoverableCents: 0,
      receivedCents: 2_700_000,
      balanceCents: 300_000,
      submittedBy: 'dev:accounting-officer',
      submittedAt: '2026-12-10T09:30:00.000Z',
      revision: 3,
      position: '51',
    },
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
  async submit(
    @CommandRequest() context: CommandContext,
    @Param('programmeId', EntityIdPipe) programmeId: string,
    @Body() body: SubmitAccountsDto,
  ) {
    const written = await this.commands.run(
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
      {},
    );
    return new Written(written.outcome, await this.accounts.accounts(programmeId, body.fund, body.accountingYear));
  }
}
