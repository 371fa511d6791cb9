import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { EVENT_STORE, formatPosition, type EventStore } from '@app/event-store';
import { Public } from '../auth/roles.decorator.js';
import { ApiProblems, ApiPublic } from '../http/api-docs.js';
import { EVENT_STORE_INFO, type EventStoreInfo } from '../infrastructure/event-store.provider.js';
import { ReadSide } from '../queries/read-side.js';
import { Health, HealthUnavailableResponse } from './health.responses.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(EVENT_STORE_INFO) private readonly info: EventStoreInfo,
    private readonly readSide: ReadSide,
  ) {}

  /**
   * The event store's state (reachable, where its log ends, how appends are made durable) and
   * each projection's: its checkpoint, how far behind the log it is, and why it stopped if it did.
   */
  @Get()
  @Public()
  @ApiPublic({ operationId: 'getHealth', summary: "The event store's and each projection's state", description: 'No key needed.' })
  @ApiResponse({ status: 200, description: 'The event store answers: `ok`, or `degraded` when a projection stopped', type: Health })
  @ApiResponse({ status: 503, description: 'The event store cannot be reached', type: HealthUnavailableResponse })
  @ApiProblems({ 400: true, 500: true })
  async health(@Res({ passthrough: true }) res: Response) {
    const eventStore = { adapter: this.info.adapter, durability: this.info.durability };
    let head;
    try {
      head = await this.store.headPosition();
    } catch (error) {
      res.status(HttpStatus.SERVICE_UNAVAILABLE);
      return { status: 'unavailable', eventStore: { ...eventStore, status: 'unavailable', error: String(error) } };
    }
    const readModels = await this.readSide.health().catch((error: unknown) => ({ error: String(error) }));
    const degraded = 'error' in readModels || readModels.projections.some((p) => p.failure !== null);
    return {
      status: degraded ? 'degraded' : 'ok',
      eventStore: { ...eventStore, status: 'ok', headPosition: head ? formatPosition(head) : null },
      readModels,
    };
  }
}
