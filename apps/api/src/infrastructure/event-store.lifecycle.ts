import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { PERSONAL_DATA_VAULT, type PersonalDataVault } from '@app/personal-data';
import { IdempotencyStore } from '../idempotency/idempotency.store.js';
import { ReadSide } from '../queries/read-side.js';

/** Closes the stores when the process shuts down: the projector first, then the stores it reads and writes. */
@Injectable()
export class StoresLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(IdempotencyStore) private readonly idempotency: IdempotencyStore,
    private readonly readSide: ReadSide,
    @Inject(PERSONAL_DATA_VAULT) private readonly vault: PersonalDataVault,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.readSide.stop();
    await this.store.close();
    this.idempotency.close();
    await this.vault.close();
  }
}
