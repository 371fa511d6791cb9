import { BadRequestException, Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiParam, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import {
  PERSONAL_TAX_CODE,
  UNDERTAKING,
  dayInItaly,
  deMinimisRegulationOn,
  undertakingStream,
  type FundingEvent,
} from '@app/funding';
import { PERSONAL_DATA_VAULT, type PersonalDataVault } from '@app/personal-data';
import { Roles } from '../auth/roles.decorator.js';
import { ApiRead } from '../http/api-docs.js';
import { Cents, Count, Day, Id, Instant, List, Text } from '../http/response-fields.js';
import { CLOCK, type Clock } from '../infrastructure/clock.js';

export class DeMinimisStatementQuery {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 10,
    default: 3,
    description: 'The rolling window the total is given for, in years',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10)
  windowYears?: number;
}

export class DeMinimisAid {
  @Id('The grant that gave it', { example: 'officine-nido-grant' }) grantId!: string;
  @Cents('Aid granted', { example: 12_000_000 }) amountCents!: number;
  @Day("The day it was granted: its award act's date", { example: '2026-04-20' }) grantDate!: string;
  @Instant('When the award was recorded') awardedAt!: string;
}

export class DeMinimisStatement {
  @List(DeMinimisAid, 'Every de minimis aid this ledger granted to the undertaking or to one linked to it')
  aid!: DeMinimisAid[];
  @Cents('All of it') totalCents!: number;
  @Count('The rolling window, in years', { example: 3 }) windowYears!: number;
  @Instant('Where the window starts') windowStart!: string;
  @Cents('Granted within the window (by grant date)') totalInWindowCents!: number;
  @Text('The de minimis regulation in force today, which an award made today falls under', {
    example: 'Reg. (EU) 2023/2831',
  })
  regulationToday!: string;
}

/**
 * A single undertaking's de minimis statement, as this ledger knows it: every aid it granted to the
 * undertaking or to one linked to it, and the total over the rolling window. The aid other grantors
 * gave is in the RNA's visura, not here.
 */
@ApiTags('grants')
@ApiBearerAuth()
@Controller()
export class DeMinimisStatementRoute {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(PERSONAL_DATA_VAULT) private readonly vault: PersonalDataVault,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('undertakings/:taxCode/de-minimis')
  @Roles('programme-manager')
  @ApiRead({
    operationId: 'getDeMinimisStatement',
    summary: "A single undertaking's de minimis aid from this ledger, in all and over the rolling window",
    description: 'By partita IVA or codice fiscale. The aid other grantors gave is in the RNA visura, not here.',
    type: DeMinimisStatement,
  })
  @ApiParam({
    name: 'taxCode',
    schema: { type: 'string', pattern: '^[A-Za-z0-9]{11,16}$' },
    description: 'Partita IVA (11 digits) or codice fiscale (16 characters); 400 INVALID_ID otherwise',
    example: '01234567890',
  })
  async statement(@Param('taxCode') taxCode: string, @Query() query: DeMinimisStatementQuery) {
    if (!/^[A-Za-z0-9]{11,16}$/.test(taxCode))
      throw new BadRequestException({
        code: 'INVALID_ID',
        message: 'A tax code is a partita IVA (11 digits) or a codice fiscale (16 characters)',
      });
    // A natural person's undertaking is known by their subject id, never by their code.
    const key = PERSONAL_TAX_CODE.test(taxCode) ? await this.vault.find(taxCode) : taxCode.toUpperCase();
    const recorded = key === null ? [] : await this.events.readStream(undertakingStream(key));
    const state = recorded.reduce(
      (s, e) =>
        UNDERTAKING.evolve(s, { type: e.type, data: e.data } as Extract<
          FundingEvent,
          { type: 'DeMinimisAidRecorded' }
        >),
      UNDERTAKING.initialState(),
    );
    const windowYears = query.windowYears ?? 3;
    const since = this.clock.now();
    since.setUTCFullYear(since.getUTCFullYear() - windowYears);
    const inWindow = state.aid.filter((a) => a.grantDate > since.toISOString().slice(0, 10));
    return {
      aid: state.aid,
      totalCents: state.aid.reduce((sum, a) => sum + a.amountCents, 0),
      windowYears,
      windowStart: since.toISOString(),
      totalInWindowCents: inWindow.reduce((sum, a) => sum + a.amountCents, 0),
      regulationToday: deMinimisRegulationOn(dayInItaly(this.clock.now())).regulation,
    };
  }
}
