import { Gauge, type Registry } from 'prom-client';

/**
 * The projections' gauges, one name for both processes that report them (the API's GET /metrics
 * and the projector process's): one dashboard and one alert serve either.
 */
export function projectionGauges(registry: Registry) {
  return {
    checkpoint: new Gauge({
      name: 'ledger_projection_checkpoint_position',
      help: 'The commit position each projection has applied in its live generation (the one queries read).',
      labelNames: ['projection'] as const,
      registers: [registry],
    }),
    lag: new Gauge({
      name: 'ledger_projection_lag_positions',
      help: 'How far each projection is behind the head of the log, in positions (events on the embedded store).',
      labelNames: ['projection'] as const,
      registers: [registry],
    }),
    generation: new Gauge({
      name: 'ledger_projection_generation',
      help: 'The generation queries read for each projection: it changes when a rebuild switches to a new one.',
      labelNames: ['projection'] as const,
      registers: [registry],
    }),
    rebuilding: new Gauge({
      name: 'ledger_projection_rebuilding',
      help: '1 while a projection is rebuilt into a new generation (its version was raised), 0 otherwise.',
      labelNames: ['projection'] as const,
      registers: [registry],
    }),
    failed: new Gauge({
      name: 'ledger_projection_failed',
      help: '1 for a projection stopped on an event it could not apply (GET /health names the event), 0 otherwise.',
      labelNames: ['projection'] as const,
      registers: [registry],
    }),
  };
}
