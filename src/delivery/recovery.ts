import type { Logger } from 'pino';
import type { Platform } from '../shared/types.js';

/** How often a platform whose posts failed is asked who the bot is, to notice it answering again. */
export const RECOVERY_PROBE_MS = 3_000;

/**
 * After a probe released the waiting work and posts still fail (the platform answers who the bot is
 * but refuses posts), probes are not trusted again for this long, or until a post goes through:
 * the waiting work keeps its own back-off instead of spending an attempt at every probe.
 */
export const PROBE_DISTRUST_MS = 60_000;

export interface RecoveryDeps {
  /** A cheap call to the platform (Telegram getMe, Discord GET /users/@me); throws while it is down. */
  probe(platform: Platform): Promise<unknown>;
  /** Makes every delivery, summary and edit waiting for a retry on the platform due now. */
  promoteWaiting(platform: Platform): Promise<void>;
  log: Logger;
  probeEveryMs?: number;
}

/**
 * Notices a platform answering again after failed posts (a post that succeeds, or a probe every few
 * seconds while it fails) and then sends everything waiting there for a retry at once, within the
 * destinations' pace, instead of at each delivery's own back-off. Promoting is idempotent and works
 * on the shared queue, so any process that notices may do it; the claims in the store still decide
 * who posts.
 */
export class PlatformRecovery {
  private readonly failing = new Map<Platform, NodeJS.Timeout | undefined>();
  /** When a probe last released a platform's waiting work; cleared when a post goes through. */
  private readonly releasedByProbe = new Map<Platform, number>();
  private closed = false;

  constructor(private readonly deps: RecoveryDeps) {}

  failed(platform: Platform): void {
    if (this.closed || this.failing.get(platform) !== undefined) return;
    this.failing.set(platform, undefined);
    const releasedAt = this.releasedByProbe.get(platform);
    if (releasedAt !== undefined && Date.now() - releasedAt < PROBE_DISTRUST_MS) return;
    this.scheduleProbe(platform);
  }

  /** A post went through: the platform answers again for real. */
  answered(platform: Platform): void {
    this.releasedByProbe.delete(platform);
    this.release(platform);
  }

  private release(platform: Platform): void {
    if (!this.failing.has(platform)) return;
    clearTimeout(this.failing.get(platform));
    this.failing.delete(platform);
    this.deps.promoteWaiting(platform).then(
      () => this.deps.log.info({ platform }, 'platform answers again: sending what waits for a retry now'),
      (error: unknown) => this.deps.log.warn({ err: error, platform }, 'platform answers again, but its waiting work could not be made due; it keeps its back-off'),
    );
  }

  close(): void {
    this.closed = true;
    for (const timer of this.failing.values()) clearTimeout(timer);
    this.failing.clear();
  }

  private scheduleProbe(platform: Platform): void {
    const timer = setTimeout(() => void this.probe(platform), this.deps.probeEveryMs ?? RECOVERY_PROBE_MS);
    timer.unref();
    this.failing.set(platform, timer);
  }

  private async probe(platform: Platform): Promise<void> {
    try {
      await this.deps.probe(platform);
    } catch {
      if (this.failing.has(platform) && !this.closed) this.scheduleProbe(platform);
      return;
    }
    this.releasedByProbe.set(platform, Date.now());
    this.release(platform);
  }
}
