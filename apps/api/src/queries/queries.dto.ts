import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { BID_STATUSES, CALL_STATUSES, FUNDS, GRANT_STATUSES, IRREGULARITY_STATUSES, type Fund } from '@app/funding';
import { IsAccountingYear, IsEntityId } from '../http/field-rules.js';

export const MAX_PAGE_SIZE = 100;

export class PageQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  page?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  pageSize?: number;
}

export class ListCallsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: CALL_STATUSES })
  @IsOptional()
  @IsIn(CALL_STATUSES)
  status?: string;

  @IsEntityId('Only the calls of this measure')
  measureId?: string;

  @IsEntityId('Only the calls of this programme')
  programmeId?: string;
}

export const BID_ORDERS = ['rank', 'score', 'arrival'] as const;

export class ListBidsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: BID_STATUSES })
  @IsOptional()
  @IsIn(BID_STATUSES)
  status?: string;

  @ApiPropertyOptional({
    enum: BID_ORDERS,
    description:
      "rank: the approved ranking (each bid's `rank` its place in it), the bids not in it after, by score then arrival; score: the best first (a ranking call's default); arrival: in order of arrival, the log's (a first-come call's default)",
  })
  @IsOptional()
  @IsIn(BID_ORDERS)
  order?: (typeof BID_ORDERS)[number];
}

export class ListGrantsQuery extends PageQuery {
  @IsEntityId('Only the grants of this call')
  callId?: string;

  @ApiPropertyOptional({ enum: GRANT_STATUSES })
  @IsOptional()
  @IsIn(GRANT_STATUSES)
  status?: string;
}

export const CLAIM_STATUSES = ['submitted', 'verified'] as const;

export class ListExpenditureClaimsQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: CLAIM_STATUSES,
    default: 'submitted',
    description: 'submitted: waiting for verification (the worklist)',
  })
  @IsOptional()
  @IsIn(CLAIM_STATUSES)
  status?: string;

  @IsEntityId('Only the claims on this grant')
  grantId?: string;

  @IsEntityId('Only the claims on grants of this call')
  callId?: string;
}

export class ListIrregularitiesQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description:
      'true: only those to report to OLAF (above EUR 10,000 of EU share, or a suspected fraud); false: only the others',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  reportable?: 'true' | 'false';

  @IsEntityId('Only the irregularities on grants of this programme')
  programmeId?: string;

  @ApiPropertyOptional({ enum: IRREGULARITY_STATUSES, enumName: 'IrregularityStatus' })
  @IsOptional()
  @IsIn(IRREGULARITY_STATUSES)
  status?: string;
}

/** What the accounting function lists (applications, accounts, the dashboard's rows): one fund, one accounting year, or both. */
export class FundAndYearQuery {
  @ApiPropertyOptional({ enum: FUNDS, enumName: 'Fund', description: 'Only this fund' })
  @IsOptional()
  @IsIn(FUNDS)
  fund?: Fund;

  @IsAccountingYear('Only this accounting year', true)
  accountingYear?: string;
}
