import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import type { AppConfig } from '@app/config';
import { CommandPipeline, allObservers, type Clock } from '@app/commands';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { READ_MODEL_STORE } from '@app/read-models';
import { openIdempotencyStore, openReadModelStore, openVault } from '@app/config';
import { IDEMPOTENCY_STORE, IdempotencyKeys, type IdempotencyStore } from '@app/idempotency';
import { PERSONAL_DATA_VAULT } from '@app/personal-data';
import { DashboardController } from './dashboard/dashboard.controller.js';
import { DataSubjectsController } from './data-subjects/data-subjects.controller.js';
import { DeMinimisStatementRoute } from './undertakings/de-minimis-statement.route.js';
import { ApiKeyGuard } from './auth/api-key.guard.js';
import { ApiKeys } from './auth/api-keys.js';
import { AuditController } from './audit/audit.controller.js';
import { EvaluateBidRoute } from './bids/evaluate-bid.route.js';
import { PassOverBidRoute } from './bids/pass-over-bid.route.js';
import { ApproveRankingRoute } from './calls/approve-ranking.route.js';
import { SubmitBidRoute } from './bids/submit-bid.route.js';
import { WithdrawBidRoute } from './bids/withdraw-bid.route.js';
import { CancelCallRoute } from './calls/cancel-call.route.js';
import { CloseCallRoute } from './calls/close-call.route.js';
import { OpenCallRoute } from './calls/open-call.route.js';
import { Commands, ExecuteCommandHandler } from './commands/commands.js';
import { WrittenInterceptor } from './commands/written.interceptor.js';
import { AwardGrantRoute } from './grants/award-grant.route.js';
import { RecordDisbursementRoute } from './grants/record-disbursement.route.js';
import { MakeFinancialCorrectionRoute } from './accounting/make-financial-correction.route.js';
import { PaymentApplicationsRoute } from './accounting/payment-applications.route.js';
import { FundAccounts } from './accounting/fund-accounts.js';
import { StateCofinancingRoute } from './programmes/state-cofinancing.route.js';
import { RecordCommissionReceiptRoute } from './accounting/record-commission-receipt.route.js';
import { SubmitAccountsRoute } from './accounting/submit-accounts.route.js';
import { SubmitPaymentApplicationRoute } from './accounting/submit-payment-application.route.js';
import { RevokeGrantRoute } from './grants/revoke-grant.route.js';
import { SubmitExpenditureClaimRoute } from './expenditure/submit-expenditure-claim.route.js';
import { VerifyExpenditureClaimRoute } from './expenditure/verify-expenditure-claim.route.js';
import { RecoveryRoutes } from './recoveries/recovery.routes.js';
import { RecordIrregularityRoute } from './irregularities/record-irregularity.route.js';
import { FollowUpIrregularityRoute } from './irregularities/follow-up-irregularity.route.js';
import { HealthController } from './health/health.controller.js';
import { HealthReports } from './health/health-reports.js';
import { WriteReadiness } from './health/write-readiness.js';
import { ProblemFilter } from './http/problem.filter.js';
import { IdempotencyInterceptor, isOutcomeUnknown } from './idempotency/idempotency.interceptor.js';
import { LedgerMetrics } from './observability/ledger-metrics.js';
import { MetricsEndpoint } from './observability/metrics-endpoint.js';
import { AuditTrail } from './audit/audit-trail.js';
import { APP_CONFIG } from './infrastructure/app-config.provider.js';
import { CLOCK, systemClock } from './infrastructure/clock.js';
import { StoresLifecycle } from './infrastructure/event-store.lifecycle.js';
import { eventStoreProviders } from './infrastructure/event-store.provider.js';
import { OpenDataController } from './open-data/open-data.controller.js';
import { RateLimitGuard } from './open-data/rate-limit.guard.js';
import { DefineMeasureRoute } from './programmes/define-measure.route.js';
import { EstablishProgrammeRoute } from './programmes/establish-programme.route.js';
import { MinPositionInterceptor } from './queries/min-position.interceptor.js';
import { ProjectionsAdminController } from './queries/projections-admin.controller.js';
import { ReadModelsController } from './queries/read-models.controller.js';
import { IrregularitiesController } from './queries/irregularities.controller.js';
import { AccountingDashboardController } from './queries/accounting-dashboard.controller.js';
import { ReadSide } from './queries/read-side.js';
import { DemoProgrammeSeeder } from './seed/demo-programme.seeder.js';

/** One route per command, beside its DTO; each runs its command through the one pipeline. */
const COMMAND_ROUTES = [
  EstablishProgrammeRoute,
  DefineMeasureRoute,
  StateCofinancingRoute,
  OpenCallRoute,
  CloseCallRoute,
  CancelCallRoute,
  ApproveRankingRoute,
  SubmitBidRoute,
  WithdrawBidRoute,
  EvaluateBidRoute,
  PassOverBidRoute,
  AwardGrantRoute,
  RecordDisbursementRoute,
  SubmitPaymentApplicationRoute,
  RecordCommissionReceiptRoute,
  SubmitAccountsRoute,
  MakeFinancialCorrectionRoute,
  RevokeGrantRoute,
  SubmitExpenditureClaimRoute,
  VerifyExpenditureClaimRoute,
  RecoveryRoutes,
  RecordIrregularityRoute,
  FollowUpIrregularityRoute,
];

/** The command side over HTTP: controllers, authentication, the command bus and its handlers. */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig, apiKeys: ApiKeys): DynamicModule {
    return {
      module: ApiModule,
      imports: [CqrsModule.forRoot()],
      controllers: [
        ...COMMAND_ROUTES,
        ReadModelsController,
        IrregularitiesController,
        AccountingDashboardController,
        ProjectionsAdminController,
        DeMinimisStatementRoute,
        PaymentApplicationsRoute,
        DataSubjectsController,
        AuditController,
        OpenDataController,
        HealthController,
        DashboardController,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: CLOCK, useValue: systemClock },
        { provide: ApiKeys, useValue: apiKeys },
        FundAccounts,
        { provide: IDEMPOTENCY_STORE, useFactory: async () => (await openIdempotencyStore(config)).store },
        {
          provide: IdempotencyKeys,
          inject: [IDEMPOTENCY_STORE],
          useFactory: (store: IdempotencyStore) => {
            const logger = new Logger('Idempotency');
            return new IdempotencyKeys(store, {
              retentionMs: config.idempotencyRetentionHours * 3_600_000,
              leaseMs: config.idempotencyLeaseMs,
              isOutcomeUnknown,
              warn: (message) => logger.warn(message),
            });
          },
        },
        ...eventStoreProviders,
        LedgerMetrics,
        MetricsEndpoint,
        WriteReadiness,
        HealthReports,
        {
          provide: CommandPipeline,
          inject: [EVENT_STORE, CLOCK, LedgerMetrics, WriteReadiness],
          useFactory: (store: EventStore, clock: Clock, metrics: LedgerMetrics, writes: WriteReadiness) =>
            new CommandPipeline(store, clock, { observer: allObservers(metrics, writes) }),
        },
        ExecuteCommandHandler,
        Commands,
        { provide: READ_MODEL_STORE, useFactory: async () => (await openReadModelStore(config)).store },
        { provide: PERSONAL_DATA_VAULT, useFactory: () => openVault(config) },
        ReadSide,
        MinPositionInterceptor,
        RateLimitGuard,
        DemoProgrammeSeeder,
        StoresLifecycle,
        AuditTrail,
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        // Outermost first: a replayed response carries the headers WrittenInterceptor set the first time.
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        { provide: APP_INTERCEPTOR, useClass: WrittenInterceptor },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
    };
  }
}
