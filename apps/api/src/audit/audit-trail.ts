import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import {
  verifyLog,
  type Anchorer,
  type AnchorData,
  type AnchorKeys,
  type AnchorWitness,
  type EventStore,
  type LogVerification,
} from '@app/event-store';
import {
  anchorDueMs,
  anchorKeys,
  anchorWitness,
  openAnchorer,
  type AppConfig,
  type OpenedEventStore,
} from '@app/config';
import { APP_CONFIG } from '../infrastructure/app-config.provider.js';
import { CLOCK, type Clock } from '../infrastructure/clock.js';
import { OPENED_EVENT_STORE } from '../infrastructure/event-store.provider.js';
import { ReadSide } from '../queries/read-side.js';

/**
 * The audit trail's two halves: the anchorer, in the process that runs the projector (one per
 * store), writing a signed anchor of the log every AUDIT_ANCHOR_INTERVAL_MS, each to the witness
 * too; and verification of the whole log (stream chains, the chain of anchors, signatures, the
 * witness when AUDIT_WITNESS_DIR is set, the adapter's own chain) on any adapter.
 */
@Injectable()
export class AuditTrail implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('AuditTrail');
  private readonly written: EventStore;
  private readonly keys: AnchorKeys | null;
  private readonly witness: AnchorWitness | null;
  private readonly anchorer: Anchorer | null;
  private timer: NodeJS.Timeout | null = null;
  private anchoring: Promise<AnchorData | null> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(OPENED_EVENT_STORE) opened: OpenedEventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly readSide: ReadSide,
  ) {
    this.written = opened.written;
    this.keys = anchorKeys(config);
    this.witness = anchorWitness(config);
    this.anchorer =
      config.runProjector && config.anchorIntervalMs > 0 ? openAnchorer(config, opened, () => clock.now()) : null;
  }

  onApplicationBootstrap(): void {
    if (!this.anchorer) return;
    this.timer = setInterval(() => void this.anchor(), this.config.anchorIntervalMs);
    this.timer.unref();
  }

  /** Writes the next anchor now (when events came since the last one); null when there was nothing to anchor. */
  anchor(): Promise<AnchorData | null> {
    // Where the projector runs under its lease: one anchorer per store.
    if (!this.anchorer || !this.readSide.projector?.leading) return Promise.resolve(null);
    this.anchoring ??= this.anchorer
      .anchorOnce()
      .catch((error: unknown) => {
        this.logger.warn(`Could not write an anchor of the log: ${String(error)}`);
        return null;
      })
      .finally(() => (this.anchoring = null));
    return this.anchoring;
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

  get publicKeys(): readonly string[] {
    return this.keys?.ids ?? [];
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.anchoring;
  }
}
