import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import {
  verifyLog,
  type AnchorSchedule,
  type AnchorKeys,
  type AnchorWitness,
  type EventStore,
  type LogVerification,
} from '@app/event-store';
import {
  anchorDueMs,
  anchorKeys,
  anchorWitness,
  openAnchorSchedule,
  verificationBlocker,
  type AppConfig,
  type OpenedEventStore,
} from '@app/config';
import { APP_CONFIG } from '../infrastructure/app-config.provider.js';
import { CLOCK, type Clock } from '../infrastructure/clock.js';
import { OPENED_EVENT_STORE } from '../infrastructure/event-store.provider.js';
import { ReadSide } from '../queries/read-side.js';

/**
 * The audit trail's two halves: the anchorer, in the process that runs the projector (one per
 * store), writing signed anchors so that no event stays unanchored longer than
 * AUDIT_ANCHOR_INTERVAL_MS, each to the witness too (AnchorSchedule); and verification of the
 * whole log (stream chains, the chain of anchors, signatures, the witness when AUDIT_WITNESS_DIR is
 * set, the adapter's own chain) on any adapter.
 */
@Injectable()
export class AuditTrail implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('AuditTrail');
  private readonly written: EventStore;
  private readonly keys: AnchorKeys | null;
  private readonly witness: AnchorWitness | null;
  private readonly anchors: AnchorSchedule | null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(OPENED_EVENT_STORE) opened: OpenedEventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    readSide: ReadSide,
  ) {
    this.written = opened.written;
    this.keys = anchorKeys(config);
    this.witness = anchorWitness(config);
    // Where the projector runs under its lease: one anchorer per store.
    this.anchors = config.runProjector
      ? openAnchorSchedule(config, opened, () => clock.now(), {
          mayAnchor: () => readSide.projector?.leading === true,
          onError: (error) => this.logger.warn(`Could not write an anchor of the log: ${String(error)}`),
        })
      : null;
  }

  onApplicationBootstrap(): void {
    this.anchors?.start();
  }

  verify(): Promise<LogVerification> {
    return verifyLog(this.written, {
      keys: this.keys,
      anchorDueMs: anchorDueMs(this.config),
      now: this.clock.now(),
      witness: this.witness,
      yieldBetweenPages: () => new Promise((resolve) => setImmediate(resolve)),
    });
  }

  /** Why no verification here can pass (production without the witness), or null. */
  get blocker(): string | null {
    return verificationBlocker(this.config, this.witness);
  }

  get publicKeys(): readonly string[] {
    return this.keys?.ids ?? [];
  }

  /** Before the projector and the stores close: the last anchor, over what this node wrote. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.anchors?.stop();
  }
}
