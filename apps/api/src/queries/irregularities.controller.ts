import { Controller, Get, Param, Query, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Where } from '@app/read-models';
import { Roles } from '../auth/roles.decorator.js';
import { ApiRead } from '../http/api-docs.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { Irregularity, IrregularityPage } from './irregularity.responses.js';
import { MinPositionInterceptor } from './min-position.interceptor.js';
import { ListIrregularitiesQuery } from './queries.dto.js';
import { IRREGULARITY_READERS } from './read-access.js';
import { found } from './read-models.controller.js';
import { ReadSide } from './read-side.js';
import { ReadsProjections } from './reads-projections.decorator.js';

/** Irregularities as the read model shows them: the list to report to OLAF, and each case. */
@ApiTags('irregularities')
@ApiBearerAuth()
@Controller()
@UseInterceptors(MinPositionInterceptor)
export class IrregularitiesController {
  constructor(private readonly readSide: ReadSide) {}

  @Get('irregularities')
  @ReadsProjections('irregularities')
  @Roles(...IRREGULARITY_READERS)
  @ApiRead({
    operationId: 'listIrregularities',
    summary: 'Irregularities: those to report to OLAF first, by their deadline',
    description:
      'Filter with `reportable=true` for the ones to report to OLAF (above EUR 10,000 of EU share, or a suspected fraud), by `programmeId` or `status`. Sorted by `reportToOlafBy` (the nearest first; those not reportable, with none, after), then by id. Amounts in integer euro cents.',
    type: IrregularityPage,
    minPosition: true,
  })
  async list(@Query() query: ListIrregularitiesQuery) {
    const where: Where = Object.fromEntries(
      Object.entries({
        reportable: query.reportable === undefined ? undefined : query.reportable === 'true',
        programmeId: query.programmeId,
        status: query.status,
      }).filter(([, value]) => value !== undefined),
    ) as Where;
    const space = await this.readSide.space();
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 20;
    // Reportable first (the only ones with a deadline), by deadline; the store breaks ties by id, the irregularity's.
    const orderBy = [
      { field: 'reportable', direction: 'desc' as const },
      { field: 'reportToOlafBy', direction: 'asc' as const },
      { field: 'irregularityId', direction: 'asc' as const },
    ];
    const [items, total] = await Promise.all([
      space.find('irregularities', { where, orderBy, offset: (page - 1) * pageSize, limit: pageSize }),
      space.count('irregularities', where),
    ]);
    return { items, page, pageSize, total };
  }

  @Get('irregularities/:id')
  @ReadsProjections('irregularities')
  @Roles(...IRREGULARITY_READERS)
  @ApiRead({
    operationId: 'getIrregularity',
    summary: 'An irregularity: as recorded, its EU share, its OLAF deadline and where its follow-up stands',
    type: Irregularity,
    minPosition: true,
    problems: { 404: 'IRREGULARITY_NOT_FOUND (or not seen by the read models yet: send X-Min-Position).' },
  })
  async one(@Param('id', EntityIdPipe) irregularityId: string) {
    return found(
      await (await this.readSide.space()).get('irregularities', irregularityId),
      'IRREGULARITY_NOT_FOUND',
      `Irregularity ${irregularityId}`,
    );
  }
}
