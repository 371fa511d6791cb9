import { Logger, type FactoryProvider } from '@nestjs/common';
import { EVENT_STORE } from '@app/event-store';
import { openEventStore, type AppConfig, type OpenedEventStore } from '@app/config';
import { APP_CONFIG } from './app-config.provider.js';

const faults = new Logger('EventStoreFaults');

export type EventStoreInfo = Pick<OpenedEventStore, 'adapter' | 'durability'>;

export const EVENT_STORE_INFO = Symbol('EventStoreInfo');
/** The opened store with its parts: the product's view and the events as written (for the audit trail). */
export const OPENED_EVENT_STORE = Symbol('OpenedEventStore');

export const eventStoreProviders: FactoryProvider[] = [
  {
    provide: OPENED_EVENT_STORE,
    inject: [APP_CONFIG],
    // Injected faults (EVENT_STORE_FAULTS, tests only) are logged as they strike, so a test's output shows what it survived.
    useFactory: (config: AppConfig) =>
      openEventStore(config, ({ fault, operation, written }) =>
        faults.warn(`${fault} on ${operation}${written ? ' after the write' : ''}`),
      ),
  },
  { provide: EVENT_STORE, inject: [OPENED_EVENT_STORE], useFactory: ({ store }: OpenedEventStore) => store },
  {
    provide: EVENT_STORE_INFO,
    inject: [OPENED_EVENT_STORE],
    useFactory: ({ adapter, durability }: OpenedEventStore): EventStoreInfo => ({ adapter, durability }),
  },
];
