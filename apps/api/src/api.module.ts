import { join } from 'node:path';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import type { AppConfig } from '@app/config';
import { ApiKeyGuard } from './auth/api-key.guard.js';
import { ApiKeys } from './auth/api-keys.js';
import { BidsController } from './bids/bids.controller.js';
import { EvaluateBidHandler } from './bids/evaluate-bid.handler.js';
import { SubmitBidHandler } from './bids/submit-bid.handler.js';
import { WithdrawBidHandler } from './bids/withdraw-bid.handler.js';
import { CallsController } from './calls/calls.controller.js';
import { CancelCallHandler } from './calls/cancel-call.handler.js';
import { CloseCallHandler } from './calls/close-call.handler.js';
import { OpenCallHandler } from './calls/open-call.handler.js';
import { FundingWriter } from './commands/funding-writer.js';
import { AwardGrantHandler } from './grants/award-grant.handler.js';
import { GrantsController } from './grants/grants.controller.js';
import { RecordDisbursementHandler } from './grants/record-disbursement.handler.js';
import { RevokeGrantHandler } from './grants/revoke-grant.handler.js';
import { HealthController } from './health/health.controller.js';
import { ProblemFilter } from './http/problem.filter.js';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor.js';
import { IdempotencyStore } from './idempotency/idempotency.store.js';
import { APP_CONFIG } from './infrastructure/app-config.provider.js';
import { CLOCK, systemClock } from './infrastructure/clock.js';
import { StoresLifecycle } from './infrastructure/event-store.lifecycle.js';
import { eventStoreProviders } from './infrastructure/event-store.provider.js';
import { DefineMeasureHandler } from './programmes/define-measure.handler.js';
import { EstablishProgrammeHandler } from './programmes/establish-programme.handler.js';
import { ProgrammesController } from './programmes/programmes.controller.js';
import { DemoProgrammeSeeder } from './seed/demo-programme.seeder.js';
import { MinPositionInterceptor } from './queries/min-position.interceptor.js';
import { ReadModelsController } from './queries/read-models.controller.js';
import { ReadSide } from './queries/read-side.js';
import { AuditController } from './audit/audit.controller.js';
import { OpenDataController } from './open-data/open-data.controller.js';
import { RateLimitGuard } from './open-data/rate-limit.guard.js';
import { READ_MODEL_STORE } from '@app/read-models';
import { openReadModelStore } from '@app/config';

const COMMAND_HANDLERS = [
  EstablishProgrammeHandler,
  DefineMeasureHandler,
  OpenCallHandler,
  CloseCallHandler,
  CancelCallHandler,
  SubmitBidHandler,
  WithdrawBidHandler,
  EvaluateBidHandler,
  AwardGrantHandler,
  RecordDisbursementHandler,
  RevokeGrantHandler,
];

/** The command side over HTTP: controllers, authentication, the command bus and its handlers. */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig, apiKeys: ApiKeys): DynamicModule {
    return {
      module: ApiModule,
      imports: [CqrsModule.forRoot()],
      controllers: [ProgrammesController, CallsController, BidsController, GrantsController, ReadModelsController, AuditController, OpenDataController, HealthController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: CLOCK, useValue: systemClock },
        { provide: ApiKeys, useValue: apiKeys },
        { provide: IdempotencyStore, useFactory: () => new IdempotencyStore(join(config.dataDir, 'api.db')) },
        ...eventStoreProviders,
        FundingWriter,
        { provide: READ_MODEL_STORE, useFactory: async () => (await openReadModelStore(config)).store },
        ReadSide,
        MinPositionInterceptor,
        RateLimitGuard,
        ...COMMAND_HANDLERS,
        DemoProgrammeSeeder,
        StoresLifecycle,
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
    };
  }
}
