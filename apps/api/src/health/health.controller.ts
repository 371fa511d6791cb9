import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { EVENT_STORE, formatPosition, type EventStore } from '@app/event-store';
import { Public } from '../auth/roles.decorator.js';
import { EVENT_STORE_INFO, type EventStoreInfo } from '../infrastructure/event-store.provider.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(EVENT_STORE_INFO) private readonly info: EventStoreInfo,
  ) {}

  /** The event store's state: reachable, where its log ends, how it makes appends durable. */
  @Get()
  @Public()
  async health(@Res({ passthrough: true }) res: Response) {
    const eventStore = { adapter: this.info.adapter, durability: this.info.durability };
    try {
      const head = await this.store.headPosition();
      return { status: 'ok', eventStore: { ...eventStore, status: 'ok', headPosition: head ? formatPosition(head) : null } };
    } catch (error) {
      res.status(HttpStatus.SERVICE_UNAVAILABLE);
      return { status: 'unavailable', eventStore: { ...eventStore, status: 'unavailable', error: String(error) } };
    }
  }
}
