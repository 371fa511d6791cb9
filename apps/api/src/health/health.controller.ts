import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { EVENT_STORE, formatPosition, type EventStore } from '@app/event-store';
import { Public } from '../auth/roles.decorator.js';
import { EVENT_STORE_INFO, type EventStoreInfo } from '../infrastructure/event-store.provider.js';
import { ReadSide } from '../queries/read-side.js';

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
