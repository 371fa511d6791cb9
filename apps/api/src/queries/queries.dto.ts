import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { IsEntityId } from '../http/field-rules.js';

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
  @ApiPropertyOptional({ enum: ['open', 'closed', 'cancelled'] })
  @IsOptional()
  @IsIn(['open', 'closed', 'cancelled'])
  status?: string;

  @IsEntityId('Only the calls of this measure')
  measureId?: string;

  @IsEntityId('Only the calls of this programme')
  programmeId?: string;
}

export class ListBidsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['submitted', 'admissible', 'inadmissible', 'withdrawn', 'awarded'] })
  @IsOptional()
  @IsIn(['submitted', 'admissible', 'inadmissible', 'withdrawn', 'awarded'])
  status?: string;
}

export class ListGrantsQuery extends PageQuery {
  @IsEntityId('Only the grants of this call')
  callId?: string;

  @ApiPropertyOptional({ enum: ['active', 'completed', 'revoked'] })
  @IsOptional()
  @IsIn(['active', 'completed', 'revoked'])
  status?: string;
}
