import type { Logger } from 'pino';
import type { FileConfig } from '../config/file-schema.js';
import type { EnvConfig } from '../config/env-schema.js';
import { checkIdentities, createAdapters, describeChannels } from '../platforms/registry.js';
import type { ChannelAdapter } from '../platforms/adapter.js';
import { PLATFORMS, type Platform } from '../shared/types.js';
import { Pacer } from '../delivery/pacer.js';
import { DeliveryStore } from '../delivery/store.js';
import { SummaryStore } from '../delivery/summary-store.js';
import { CLAIM_LEASE_REQUEST_TIMEOUTS, ClaimLease } from '../delivery/claim-lease.js';
import { FlushOwnership } from '../delivery/flush-ownership.js';
import { PlatformRecovery } from '../delivery/recovery.js';
import { FastPath } from '../delivery/fast-path.js';
import type { DeliveryContext, FollowUps } from '../delivery/context.js';
import type { Metrics } from '../telemetry/metrics.js';
import { createDeliverQueues, createDeliverWorkers, promoteWaiting, queueFollowUps, type DeliverQueues } from '../../jobs/deliver.js';
import type { Foundation } from './foundation.js';

export interface Delivery {
  adapters: Partial<Record<Platform, ChannelAdapter>>;
  /** The platforms with a token set. */
  platforms: Platform[];
  pacer: Pacer;
  queues: DeliverQueues;
  followUps: FollowUps;
  fastPath: FastPath;
  /** A destination's burst: more new deliveries than this in one batch go as one flush job. */
  burstFor(platform: Platform, destination: string): number;
  /** This process's claims on deliveries, summaries and escalation steps (its holder id names it). */
  claims: ClaimLease;
  /** Jobs not yet finished in the delivery queues. */
  backlog(): Promise<number>;
  stop(): Promise<void>;
}

/** The platform clients, the pacer, the delivery queues and their workers, and the fast path after intake. */
export function startDelivery(base: Foundation, env: EnvConfig, file: FileConfig, metrics: Metrics, log: Logger): Delivery {
  const adapters = createAdapters(env, file);
  log.info(describeChannels(env), 'channels');
  checkIdentities(adapters, log);
  const { command, worker } = base.redis;
  const pacer = new Pacer(command, base.prefix, file.pacing);
  const queues = createDeliverQueues(command, base.prefix);
  for (const q of Object.values(queues)) base.connections.errors.watch(q, q.name);
  const followUps = queueFollowUps(queues, (platform, destination) => pacer.paceFor(platform, destination).intervalMs);
  const deliveryLog = log.child({ component: 'delivery' });
  const recovery = new PlatformRecovery({
    probe: (platform) => adapters[platform]!.whoAmI(),
    promoteWaiting: (platform) => promoteWaiting(queues, platform),
    log: deliveryLog,
  });
  const ctx: DeliveryContext = {
    store: new DeliveryStore(base.store),
    summaries: new SummaryStore(base.store),
    pacer,
    claims: new ClaimLease(file.delivery.requestTimeoutMs * CLAIM_LEASE_REQUEST_TIMEOUTS),
    flushes: new FlushOwnership(command, base.prefix),
    adapters,
    retry: file.delivery,
    followUps,
    log: deliveryLog,
    hooks: {
      sent: (_deliveryId, platform, acceptedAt) => metrics.deliverySent(platform, acceptedAt),
      platformFailed: (platform) => recovery.failed(platform),
      platformAnswered: (platform) => recovery.answered(platform),
    },
  };
  const workers = createDeliverWorkers(ctx, worker, base.prefix, file.delivery.concurrency, base.connections.errors);
  const burstFor = (platform: Platform, destination: string) => pacer.paceFor(platform, destination).burst;
  const unfinished = (platform: Platform) => queues[platform].getJobCountByTypes('waiting', 'delayed', 'active', 'prioritized');
  return {
    adapters,
    platforms: Object.keys(adapters) as Platform[],
    pacer,
    queues,
    followUps,
    fastPath: new FastPath(ctx, file.delivery.directPosts, burstFor),
    burstFor,
    claims: ctx.claims,
    backlog: async () => (await Promise.all(PLATFORMS.map(unfinished))).reduce((a, b) => a + b, 0),
    async stop() {
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all(Object.values(queues).map((q) => q.close()));
      recovery.close();
      for (const adapter of Object.values(adapters)) adapter.close?.();
    },
  };
}
