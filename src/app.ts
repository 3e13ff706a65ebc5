import type { Logger } from 'pino';
import type { Config } from './config/load.js';
import type { Db } from './db/open.js';
import { RedisStateWatch } from './redis/state-watch.js';
import { buildHttpServer } from './http/server.js';
import { registerDashboardRoutes } from './dashboard/routes.js';
import { readinessCheck } from './http/readiness.js';
import { IntakeService } from './http/intake-service.js';
import { createChat, startChat } from './chat/start-chat.js';
import { ALL_COMMANDS } from '../commands/index.js';
import { Heartbeats } from './heartbeats/heartbeats.js';
import { startHeal } from './heal/start-heal.js';
import { TriggerEngine } from './triggers/engine.js';
import { Metrics } from './telemetry/metrics.js';
import { listenFailure } from './startup-error.js';
import { HeartbeatChecks } from '../jobs/heartbeat-check.js';
import { scheduleProbes } from '../jobs/probe.js';
import { startFoundation } from './start/foundation.js';
import { startDelivery } from './start/delivery.js';
import { startEscalation } from './start/escalation.js';
import { startReconciler } from './start/reconciler.js';
import { startReports } from './start/reports.js';

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
  const raise = (input: Parameters<IntakeService['accept']>[0][number]) => intake.accept([input]);
  const heartbeats = new Heartbeats(db, file.heartbeats, raise, log.child({ component: 'heartbeats' }));
  heartbeats.watchAll();
  const heartbeatChecks = new HeartbeatChecks(heartbeats, connections, prefix, log);
  started.onStop(() => heartbeatChecks.close());
  const backlog = async () => ({ deliver: await delivery.backlog(), escalate: await escalation.backlog() });
  metrics.watch({ heartbeats, backlog });
  const healing = started.add(await startHeal(db, file.services, env.OPSBOT_DATA_DIR, raise, (manager) => scheduleProbes(manager, connections, prefix, log), log));
  const triggers = new TriggerEngine(db, file.triggers, raise, healing.heal, log.child({ component: 'triggers' }));
  const reconciler = started.add(await startReconciler(base, file, { delivery, sink, heartbeatChecks, triggers }, log));
  const reports = started.add(
    await startReports(base, env, file, { heartbeats, services: healing.manager, triggers, adapters: delivery.adapters, pacer: delivery.pacer }, log),
  );
  const redisWatch = started.add(
    new RedisStateWatch(
      base.redis.command,
      `${prefix}:instance:${delivery.holderId}`,
      async () => {
        await reconciler.ensureSchedule();
        await reports.ensureSchedules();
        await healing.ensureSchedules();
        await reconciler.sweep('all');
      },
      log.child({ component: 'redis-watch' }),
    ),
  );
  await redisWatch.start();

  const { platforms } = delivery;
  const chat = started.add(
    createChat(env, ALL_COMMANDS, { db, config: file, sink, log, platforms, heartbeats, heal: healing.heal, services: healing.manager, runReport: reports.run, backlog }, log),
  );
  const http = buildHttpServer({
    intake,
    log,
    apiToken: env.API_TOKEN,
    bodyLimitBytes: file.http.bodyLimitBytes,
    maxAlertsPerRequest: file.http.maxAlertsPerRequest,
    http: { ...file.http, allowedHosts: [...file.http.allowedHosts, ...(env.TELEGRAM_WEBHOOK_URL ? [new URL(env.TELEGRAM_WEBHOOK_URL).hostname] : [])] },
    checkReady: readinessCheck(db, base.redis.command),
    heartbeats: { heartbeats, afterSignal: () => heartbeatChecks.planNext() },
    healing,
    triggers,
    metrics,
    actions: { db, sink, heartbeats, manager: healing.manager, heal: healing.heal, platforms, backlog },
    reports: { db, run: reports.run },
    pages: (app) =>
      registerDashboardRoutes(app, {
        db,
        sink,
        platforms,
        manager: healing.manager,
        heal: healing.heal,
        heartbeats,
        apiToken: env.API_TOKEN,
        password: env.DASHBOARD_PASSWORD,
        sessionHours: file.dashboard.sessionHours,
        listReports: reports.latest,
        reportText: reports.text,
        log,
      }),
    webhooks: chat.webhooks,
  });
  let url: string;
  try {
    url = await http.listen({ host: env.HOST, port: env.PORT });
  } catch (error) {
    await started.stopAll();
    throw listenFailure(error, env.HOST, env.PORT);
  }
  started.onStop(() => http.close());
  await startChat(chat, log);
  log.info({ url, config: config.configPath ?? '(embedded defaults)', dataDir: env.OPSBOT_DATA_DIR }, 'opsbot is up');

  return {
    url,
    db,
    async stop() {
      log.info('stopping: intake closed, finishing in-flight deliveries');
      await started.stopAll();
      log.info('stopped');
    },
  };
}
