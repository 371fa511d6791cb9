import { EventTypeRegistry, type Upcaster } from '@app/event-store';
import { FUNDING_EVENT_SCHEMA_VERSIONS } from '@app/funding';

/**
 * Upcasters for older stored shapes of funding events. Every type is at v1 today; when a shape
 * changes, its old type lives on as `<name>.v1.ts` beside its events file and its upcaster is
 * added here (the registry refuses to start with a gap in a chain).
 */
export const FUNDING_UPCASTERS: readonly Upcaster[] = [];

export function fundingEventRegistry(): EventTypeRegistry {
  return new EventTypeRegistry(FUNDING_EVENT_SCHEMA_VERSIONS, FUNDING_UPCASTERS);
}
