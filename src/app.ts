import type { Logger } from 'pino';
import type { Config } from './config/load.js';
import type { Store } from './db/store.js';
import { ChatFrontEnds } from './chat/start-chat.js';
import { ALL_COMMANDS } from '../commands/index.js';
import { Metrics } from './telemetry/metrics.js';
import { Started } from './start/started.js';
import { startFoundation } from './start/foundation.js';
import { startCluster } from './start/cluster.js';
import { startDelivery } from './start/delivery.js';
import { startEscalation } from './start/escalation.js';
import { startIntake } from './start/intake.js';
import { startHeartbeats } from './start/heartbeats.js';
import { startClusterWatch } from './start/cluster-watch.js';
import { startHealing } from './start/heal.js';
import { startTriggers } from './start/triggers.js';
import { startReconciler } from './start/reconciler.js';
import { startReports } from './start/reports.js';
import { startRedisWatch } from './start/redis-watch.js';
import { dashboardPages } from './start/dashboard.js';
import { startHttp } from './start/http.js';

export interface RunningBot {
  /** Base URL of the HTTP API, e.g. http://127.0.0.1:8080 */
  url: string;
  store: Store;
  stop(): Promise<void>;
}

/**
 * The composition root: starts each capability in order, wiring the BullMQ layer (`jobs/`) into
 * the features that hand it work, and stops them in the reverse order, also when a start fails.
 * ARCHITECTURE.md walks it.
 */
export async function startBot(config: Config, log: Logger): Promise<RunningBot> {
  const { env, file } = config;
  const started = new Started();
  const startedAt = new Date();
  try {
    const base = started.add(await startFoundation(config, log));
    const cluster = started.add(await startCluster(base, env, log));
    const metrics = new Metrics(base.store);
    const delivery = started.add(startDelivery(base, env, file, metrics, log));
    const { sink, backlog: escalationBacklog } = started.add(startEscalation(base, file, delivery, log));
    const { intake, raise } = started.add(startIntake(base, file, sink, delivery, log));
    const { heartbeats, checks: heartbeatChecks } = started.add(await startHeartbeats(base, file, raise, log));
    started.add(startClusterWatch(base, cluster, file.services, raise, (lost) => delivery.claims.noteLostInstances(lost), log));
    const backlog = async () => ({ deliver: await delivery.backlog(), escalate: await escalationBacklog() });
    metrics.watch({ heartbeats, backlog });
    const healing = started.add(await startHealing(base, config, raise, log));
    const triggers = startTriggers(base, file, raise, healing, log);
    const reconciler = started.add(await startReconciler(base, file, { delivery, sink, heartbeatChecks, triggers }, cluster, log));
    const { adapters, pacer, platforms } = delivery;
    const reports = started.add(await startReports(base, env, file, { store: base.store, heartbeats, services: healing.manager, triggers, adapters, pacer }, log));
    const recover = [reconciler.ensureSchedule, reports.ensureSchedules, healing.ensureSchedules, () => reconciler.sweep('all')];
    started.add(await startRedisWatch(base, delivery.claims.holderId, recover, log));
    const services = { store: base.store, config: file, sink, log, platforms, heartbeats, heal: healing.heal, services: healing.manager, triggers, runReport: reports.run, backlog };
    const chat = started.add(new ChatFrontEnds(env, ALL_COMMANDS, services, log));
    const pages = dashboardPages(base, config, { sink, platforms, healing, heartbeats, reports }, log);
    const afterHeartbeat = () => heartbeatChecks.planNext();
    const http = started.add(await startHttp(base, config, { intake, sink, platforms, heartbeats, afterHeartbeat, healing, triggers, metrics, reports, chat, pages, backlog, startedAt }, log));
    await chat.start();
    await cluster.leadership.add({ name: 'chat sessions', lead: () => chat.lead(), follow: () => chat.follow() });
    log.info({ url: http.url, config: config.configPath ?? '(embedded defaults)', dataDir: env.OPSBOT_DATA_DIR }, 'opsbot is up');
    return { url: http.url, store: base.store, stop: () => stopBot(started, log) };
  } catch (error) {
    await started.stopAll();
    throw error;
  }
}

async function stopBot(started: Started, log: Logger): Promise<void> {
  log.info('stopping: intake closed, finishing in-flight deliveries');
  await started.stopAll();
  log.info('stopped');
}
