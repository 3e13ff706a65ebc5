import type { Logger } from 'pino';
import type { Config } from './config/load.js';
import type { Db } from './db/open.js';
import { RedisStateWatch } from './redis/state-watch.js';
import { IntakeService } from './http/intake-service.js';
import { createChat, startChat } from './chat/start-chat.js';
import { ALL_COMMANDS } from '../commands/index.js';
import { startHeal } from './heal/start-heal.js';
import type { RaiseAlert } from './heartbeats/heartbeats.js';
import { TriggerEngine } from './triggers/engine.js';
import { Metrics } from './telemetry/metrics.js';
import { scheduleProbes } from '../jobs/probe.js';
import { startFoundation, type Foundation } from './start/foundation.js';
import { startDelivery } from './start/delivery.js';
import { startEscalation } from './start/escalation.js';
import { startReconciler } from './start/reconciler.js';
import { startReports } from './start/reports.js';
import { startHeartbeats } from './start/heartbeats.js';
import { startHttp } from './start/http.js';

export interface RunningBot {
  /** Base URL of the HTTP API, e.g. http://127.0.0.1:8080 */
  url: string;
  db: Db;
  stop(): Promise<void>;
}

/** Parts started so far, stopped in the reverse order. */
class Started {
  private readonly stops: Array<() => Promise<void> | void> = [];

  add<T extends { stop(): Promise<void> | void }>(part: T): T {
    this.onStop(() => part.stop());
    return part;
  }

  onStop(stop: () => Promise<void> | void): void {
    this.stops.push(stop);
  }

  async stopAll(): Promise<void> {
    for (const stop of this.stops.reverse()) await stop();
  }
}

/** Puts the schedules back and re-plans the unfinished work, in order, when Redis lost opsbot's keys. */
function watchRedisState(base: Foundation, holderId: string, recover: Array<() => Promise<unknown>>, log: Logger): RedisStateWatch {
  return new RedisStateWatch(
    base.redis.command,
    `${base.prefix}:instance:${holderId}`,
    async () => {
      for (const step of recover) await step();
    },
    log.child({ component: 'redis-watch' }),
  );
}

/**
 * The composition root: starts each capability in order, wiring the BullMQ layer (`jobs/`) into
 * the features that hand it work, and stops them in the reverse order. ARCHITECTURE.md walks it.
 */
export async function startBot(config: Config, log: Logger): Promise<RunningBot> {
  const { env, file } = config;
  const started = new Started();
  const base = started.add(await startFoundation(config, log));
  const { db, prefix, connections } = base;
  const metrics = new Metrics(db);
  const delivery = started.add(startDelivery(base, env, file, metrics, log));
  const escalation = started.add(startEscalation(base, file, delivery, log));
  const { sink } = escalation;

  const intake = new IntakeService(db, file, sink, delivery.fastPath, log.child({ component: 'intake' }));
  started.onStop(() => intake.drain());
  const raise: RaiseAlert = (input) => intake.accept([input]);
  const { heartbeats, checks: heartbeatChecks } = started.add(startHeartbeats(base, file, raise, log));
  const backlog = async () => ({ deliver: await delivery.backlog(), escalate: await escalation.backlog() });
  metrics.watch({ heartbeats, backlog });
  const healing = started.add(await startHeal(db, file.services, env.OPSBOT_DATA_DIR, raise, (manager) => scheduleProbes(manager, connections, prefix, log), log));
  const triggers = new TriggerEngine(db, file.triggers, raise, healing.heal, log.child({ component: 'triggers' }));
  const reconciler = started.add(await startReconciler(base, file, { delivery, sink, heartbeatChecks, triggers }, log));
  const reports = started.add(
    await startReports(base, env, file, { heartbeats, services: healing.manager, triggers, adapters: delivery.adapters, pacer: delivery.pacer }, log),
  );
  await started.add(watchRedisState(base, delivery.holderId, [reconciler.ensureSchedule, reports.ensureSchedules, healing.ensureSchedules, () => reconciler.sweep('all')], log)).start();

  const { platforms } = delivery;
  const chat = started.add(
    createChat(env, ALL_COMMANDS, { db, config: file, sink, log, platforms, heartbeats, heal: healing.heal, services: healing.manager, runReport: reports.run, backlog }, log),
  );
  let http: Awaited<ReturnType<typeof startHttp>>;
  try {
    http = await startHttp(base, config, { intake, sink, platforms, heartbeats, afterHeartbeat: () => heartbeatChecks.planNext(), healing, triggers, metrics, reports, chat, backlog }, log);
  } catch (error) {
    await started.stopAll();
    throw error;
  }
  started.add(http);
  await startChat(chat, log);
  log.info({ url: http.url, config: config.configPath ?? '(embedded defaults)', dataDir: env.OPSBOT_DATA_DIR }, 'opsbot is up');

  return {
    url: http.url,
    db,
    async stop() {
      log.info('stopping: intake closed, finishing in-flight deliveries');
      await started.stopAll();
      log.info('stopped');
    },
  };
}
