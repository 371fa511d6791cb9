import { join } from 'node:path';
import type { FactoryProvider } from '@nestjs/common';
import { EVENT_STORE, SqliteEventStore, UpcastingEventStore, connectKurrentDb, type EventStore } from '@app/event-store';
import { APP_CONFIG } from './app-config.provider.js';
import type { AppConfig } from '@app/config';
import { fundingEventRegistry } from './funding-event-registry.js';

export interface EventStoreInfo {
  readonly adapter: 'embedded' | 'kurrentdb';
  readonly location: string;
  readonly durability: Readonly<Record<string, string>> | null;
}

export const EVENT_STORE_INFO = Symbol('EventStoreInfo');

/** The raw adapter chosen by configuration: KurrentDB when KURRENTDB_URL is set, else SQLite under DATA_DIR. */
export async function openEventStore(config: AppConfig): Promise<{ store: EventStore; info: EventStoreInfo }> {
  if (config.kurrentDbUrl) {
    const store = await connectKurrentDb(config.kurrentDbUrl, { maxEventBytes: config.maxEventBytes });
    return { store, info: { adapter: 'kurrentdb', location: redact(config.kurrentDbUrl), durability: null } };
  }
  const file = join(config.dataDir, 'events.db');
  const store = SqliteEventStore.open(file, { maxEventBytes: config.maxEventBytes });
  return { store, info: { adapter: 'embedded', location: file, durability: store.durability() } };
}

export const eventStoreProviders: FactoryProvider[] = [
  {
    provide: 'RAW_EVENT_STORE',
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig) => openEventStore(config),
  },
  {
    provide: EVENT_STORE,
    inject: ['RAW_EVENT_STORE'],
    useFactory: ({ store }: { store: EventStore }) => new UpcastingEventStore(store, fundingEventRegistry()),
  },
  {
    provide: EVENT_STORE_INFO,
    inject: ['RAW_EVENT_STORE'],
    useFactory: ({ info }: { info: EventStoreInfo }) => info,
  },
];

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
