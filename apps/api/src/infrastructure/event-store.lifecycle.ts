import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { IDEMPOTENCY_STORE, type IdempotencyStore } from '@app/idempotency';
import { PERSONAL_DATA_VAULT, type PersonalDataVault } from '@app/personal-data';
import { ReadSide } from '../queries/read-side.js';

/** Closes the stores when the process shuts down: the projector first, then the stores it reads and writes. */
@Injectable()
export class StoresLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(IDEMPOTENCY_STORE) private readonly idempotency: IdempotencyStore,
    private readonly readSide: ReadSide,
    @Inject(PERSONAL_DATA_VAULT) private readonly vault: PersonalDataVault,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.readSide.stop();
    await this.store.close();
    await this.idempotency.close();
    await this.vault.close();
  }
}
