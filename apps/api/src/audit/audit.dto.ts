import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

export const MAX_AUDIT_PAGE = 1000;

/** How many events one page of the audit history holds. */
class AuditPageQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_AUDIT_PAGE, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_AUDIT_PAGE)
  limit?: number;
}

export class StreamHistoryQuery extends AuditPageQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  fromRevision?: number;
}

export class GlobalLogQuery extends AuditPageQuery {
  @ApiPropertyOptional({
    description: 'A position from a previous page (`next`) or from X-Event-Position; absent: the beginning',
  })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,20}(\/\d{1,20})?$/, { message: 'after must be a position, e.g. 1200' })
  after?: string;
}

export class AsOfQuery {
  @ApiPropertyOptional({
    description: 'An ISO 8601 date-time with a zone (when the events were recorded), or a global position',
  })
  @IsString()
  @Matches(/^(\d{1,20}(\/\d{1,20})?|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))$/, {
    message: 'asOf must be an ISO 8601 date-time with a time zone, or a global position',
  })
  asOf!: string;
}
