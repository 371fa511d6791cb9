import { Controller, HttpCode, Post, Res, UseInterceptors } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Principal } from '../auth/api-keys.js';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import { Roles } from '../auth/roles.decorator.js';
import { ApiProblems, MinPositionHeader } from '../http/api-docs.js';
import { HEADER_TOKEN } from '../http/field-rules.js';
import { WorkInProgress } from '../http/limits.js';
import { tooMany } from '../http/too-many.js';
import { MinPositionInterceptor } from './min-position.interceptor.js';
import { RebuildStarted } from './read-model.responses.js';
import { ReadSide } from './read-side.js';

/** The read models' administration: a rebuild from the log into a new generation. */
@ApiTags('queries')
@ApiBearerAuth()
@Controller()
@UseInterceptors(MinPositionInterceptor)
export class ProjectionsAdminController {
  /** A rebuild reads the whole log: one under way per principal. */
  private readonly rebuilds = new WorkInProgress(1);

  constructor(private readonly readSide: ReadSide) {}

  /** Rebuilds every read model from position 0 into a new generation; queries keep answering meanwhile. */
  @Post('admin/projections/rebuild')
  @HttpCode(202)
  @Roles('programme-manager')
  @ApiOperation({
    operationId: 'rebuildReadModels',
    summary: 'Rebuild every read model from the log into a new generation',
    description:
      'Queries keep answering from the current generation until the new one has caught up; `/health` shows `rebuilding` meanwhile.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    schema: { type: 'string', pattern: HEADER_TOKEN.source },
    description: 'A retry with the same key gets the first response back (`Idempotent-Replayed: true`).',
  })
  @MinPositionHeader()
  @ApiResponse({
    status: 202,
    description: 'Started, or already under way',
    type: RebuildStarted,
    headers: { 'Idempotent-Replayed': { $ref: '#/components/headers/Idempotent-Replayed' } },
  })
  @ApiProblems({
    400: true,
    401: true,
    403: true,
    409: 'IDEMPOTENCY_KEY_IN_USE: a request with the same `Idempotency-Key` is still running (with `Retry-After`).',
    422: 'IDEMPOTENCY_KEY_REUSED: this `Idempotency-Key` was used with another request.',
    429: 'A rebuild you started is still running.',
    500: true,
    503: 'READ_MODELS_BEHIND: the read models have not reached `X-Min-Position` in time.',
  })
  rebuild(@CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) res: FastifyReply) {
    const done = this.rebuilds.start(principal.id);
    if (!done) throw tooMany(res, 10, 'A rebuild you started is still running; retry when it ends');
    const started = this.readSide.startRebuild();
    void started.finished.finally(done);
    return { started: started.started };
  }
}
