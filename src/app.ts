import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from './config/load.js';
import { ConfigError } from './config/load.js';
import { openDb, type Db } from './db/open.js';
import { ensureRedis } from './redis/embedded.js';
import { RedisStateWatch } from './redis/state-watch.js';
import { isLoopback } from './http/auth.js';
import { buildHttpServer } from './http/server.js';
import { readinessCheck } from './http/readiness.js';
import { IntakeService } from './http/intake-service.js';
import { Pacer } from './delivery/pacer.js';
import { DeliveryStore } from './delivery/store.js';
import { SummaryStore } from './delivery/summary-store.js';
import { CLAIM_LEASE_REQUEST_TIMEOUTS, ClaimLease } from './delivery/claim-lease.js';
import { FlushOwnership } from './delivery/flush-ownership.js';
import { reconcile } from './delivery/reconcile.js';
import type { DeliveryContext } from './delivery/context.js';
import { checkIdentities, createAdapters, describeChannels } from './channels/create-adapters.js';
import { PLATFORMS, type Platform } from './channels/types.js';
import { createDeliverQueues, createDeliverWorkers, promoteWaiting, queueFollowUps } from '../jobs/deliver.js';
import { PlatformRecovery } from './delivery/recovery.js';
import { scheduleReconcile } from '../jobs/reconcile.js';
import { createEscalateQueue, createEscalateWorker } from '../jobs/escalate.js';
import { createSilenceEndQueue, createSilenceEndWorker } from '../jobs/silence-end.js';
import { WorkSink } from './alerts/work-sink.js';
import { QueueErrors } from '../jobs/queue-errors.js';
import { FastPath } from './delivery/fast-path.js';
import { reconcileEscalations } from './escalation/reconcile.js';
import { releaseEndedSilences } from './routing/silences.js';
import { createChat, startChat } from './chat/start-chat.js';
import { ALL_COMMANDS } from '../commands/index.js';
import { Heartbeats } from './heartbeats/heartbeats.js';
import { HeartbeatChecks } from '../jobs/heartbeat-check.js';
import { startHeal } from './heal/start-heal.js';
import { TriggerEngine } from './triggers/engine.js';
import { Metrics } from './telemetry/metrics.js';
import { findReport, listReports, runOpsCycle, type CycleDeps } from './reports/cycle.js';
import { OpsCycleRunner } from './reports/cycle-runner.js';
import { readFile } from 'node:fs/promises';
import { scheduleOpsCycles } from '../jobs/ops-cycle.js';
import { dataDirFailure, listenFailure } from './startup-error.js';

export interface RunningBot {
  /** Base URL of the HTTP API, e.g. http://127.0.0.1:8080 */
  url: string;
  db: Db;
  stop(): Promise<void>;
}

export async function startBot(config: Config, log: Logger): Promise<RunningBot> {
  const { env, file } = config;
  if (!env.API_TOKEN && !isLoopback(env.HOST)) {
    throw new ConfigError(
      `API_TOKEN is not set and HOST=${env.HOST} is not loopback: refusing to expose the API without a token. ` +
        'Set API_TOKEN, or HOST=127.0.0.1.',
    );
  }
  let db: Db;
  try {
    db = openDb(env.OPSBOT_DATA_DIR);
  } catch (error) {
    throw dataDirFailure(error, env.OPSBOT_DATA_DIR);
  }
  const redisHandle = await ensureRedis(env.REDIS_URL, env.OPSBOT_DATA_DIR, log);
  const prefix = env.OPSBOT_QUEUE_PREFIX;
  const workerConnection = new Redis(redisHandle.url, { maxRetriesPerRequest: null });
  const commandConnection = new Redis(redisHandle.url, { maxRetriesPerRequest: 3 });
  const queueLog = log.child({ component: 'queues' });
  const queueErrors = new QueueErrors(queueLog);
  queueErrors.watchConnection(workerConnection, 'worker');
  queueErrors.watchConnection(commandConnection, 'command');
  const jobConnections = { queue: commandConnection, worker: workerConnection, errors: queueErrors };

  const adapters = createAdapters(env, file.delivery.requestTimeoutMs, file.pacing.discordGlobal.perSecond);
  log.info(describeChannels(env), 'channels');
  checkIdentities(adapters, log);
  const platforms = Object.keys(adapters) as Platform[];

  const pacer = new Pacer(commandConnection, prefix, file.pacing);
  const deliverQueues = createDeliverQueues(commandConnection, prefix);
  for (const q of Object.values(deliverQueues)) queueErrors.watch(q, q.name);
  const followUps = queueFollowUps(deliverQueues, (platform, destination) => pacer.paceFor(platform, destination).intervalMs);
  const ctx: DeliveryContext = {
    store: new DeliveryStore(db),
    summaries: new SummaryStore(db),
    pacer,
    claims: new ClaimLease(file.delivery.requestTimeoutMs * CLAIM_LEASE_REQUEST_TIMEOUTS),
    flushes: new FlushOwnership(commandConnection, prefix),
    adapters,
    retry: file.delivery,
    followUps,
    log: log.child({ component: 'delivery' }),
  };
  const deliverWorkers = createDeliverWorkers(ctx, workerConnection, prefix, file.delivery.concurrency, queueErrors);

  const escalateQueue = createEscalateQueue(commandConnection, prefix);
  const silenceEndQueue = createSilenceEndQueue(commandConnection, prefix);
  for (const q of [escalateQueue, silenceEndQueue]) queueErrors.watch(q, q.name);
  const burstFor = (platform: Platform, destination: string) => pacer.paceFor(platform, destination).burst;
  const sink = new WorkSink({ deliver: deliverQueues, escalate: escalateQueue, silenceEnd: silenceEndQueue }, burstFor, queueLog);
  const fastPath = new FastPath(ctx, file.delivery.directPosts, burstFor);
  const escalateWorker = createEscalateWorker(
    { db, queueNext: (next) => sink.escalations([next]), config: file, adapters, pacer, retry: file.delivery, log: log.child({ component: 'escalation' }) },
    workerConnection,
    prefix,
    queueErrors,
  );
  const silenceEndWorker = createSilenceEndWorker(
    async () => {
      const released = releaseEndedSilences(db, file.escalation);
      await sink.deliveries(released.deliveries);
      await sink.escalations(released.escalations);
      if (released.released > 0) log.info({ alerts: released.released }, 'silence ended: held alerts released');
    },
    workerConnection,
    prefix,
    log,
    queueErrors,
  );

  const intake = new IntakeService(db, file, sink, fastPath, log.child({ component: 'intake' }));
  const heartbeats = new Heartbeats(db, file.heartbeats, (input) => intake.accept([input]), log.child({ component: 'heartbeats' }));
  heartbeats.watchAll();
  const unfinishedJobs = (q: Queue) => q.getJobCountByTypes('waiting', 'delayed', 'active', 'prioritized');
  const backlog = async () => ({
    deliver: (await Promise.all(PLATFORMS.map((platform) => unfinishedJobs(deliverQueues[platform])))).reduce((a, b) => a + b, 0),
    escalate: await unfinishedJobs(escalateQueue),
  });
  const metrics = new Metrics({ db, heartbeats, backlog });
  const recovery = new PlatformRecovery({
    probe: (platform) => adapters[platform]!.whoAmI(),
    promoteWaiting: (platform) => promoteWaiting(deliverQueues, platform),
    log: log.child({ component: 'delivery' }),
  });
  ctx.hooks = {
    sent: (_deliveryId, platform, acceptedAt) => metrics.deliverySent(platform, acceptedAt),
    platformFailed: (platform) => recovery.failed(platform),
    platformAnswered: (platform) => recovery.answered(platform),
  };
  const heartbeatChecks = new HeartbeatChecks(heartbeats, jobConnections, prefix, log);
  const healing = await startHeal(db, file.services, env.OPSBOT_DATA_DIR, (input) => intake.accept([input]), jobConnections, prefix, log);
  const triggers = new TriggerEngine(db, file.triggers, (input) => intake.accept([input]), healing.heal, log.child({ component: 'triggers' }));

  /** Re-enqueues unfinished work; `all` also re-plans escalation steps not yet due (at start-up and after Redis lost its keys). */
  const sweep = async (escalationScope: 'all' | 'overdue') => {
    const report = await reconcile(db, followUps, platforms);
    if (report.destinationsWithPending + report.unfinishedDeliveries + report.pendingSummaries + report.staleSummaries > 0) {
      log.info(report, 'reconciler re-enqueued unfinished delivery work');
    }
    const escalations = await reconcileEscalations(db, file.escalation, sink, escalationScope);
    if (escalations.releasedAlerts > 0) log.info(escalations, 'reconciler released alerts whose silence ended');
    await heartbeatChecks.check();
    await triggers.sweep();
    return report;
  };
  await sweep('all');
  const periodic = await scheduleReconcile(jobConnections, prefix, () => sweep('overdue'), log);

  const cycleDeps: CycleDeps = {
    db,
    config: file,
    timezone: env.OPSBOT_TZ,
    baseDir: process.cwd(),
    heartbeats,
    services: healing.manager,
    triggers,
    adapters,
    pacer,
    log: log.child({ component: 'ops-cycle' }),
  };
  const cycleRunner = new OpsCycleRunner((trigger) => runOpsCycle(cycleDeps, trigger));
  const runReport = (trigger: string) => cycleRunner.run(trigger);
  const reportText = async (name: string) => {
    const row = findReport(db, name);
    return row ? readFile(row.markdownPath, 'utf8').catch(() => null) : null;
  };
  const latestReports = () => listReports(db, 10).map((r) => ({ name: r.name, at: r.at, path: r.markdownPath }));
  const cycles = await scheduleOpsCycles(file.opsCycle.times, env.OPSBOT_TZ, () => runReport('schedule'), jobConnections, prefix, log);
  const redisWatch = new RedisStateWatch(
    commandConnection,
    `${prefix}:instance:${ctx.claims.holderId}`,
    async () => {
      await periodic.ensureSchedule();
      await cycles.ensureSchedules();
      await healing.ensureSchedules();
      await sweep('all');
    },
    log.child({ component: 'redis-watch' }),
  );
  await redisWatch.start();

  const chat = createChat(
    env,
    ALL_COMMANDS,
    {
      db,
      config: file,
      sink,
      log,
      platforms,
      heartbeats,
      heal: healing.heal,
      services: healing.manager,
      runReport,
      backlog,
    },
    log,
  );
  const webhookPath = chat.telegram?.webhookPath;
  const http = buildHttpServer({
    intake,
    log,
    apiToken: env.API_TOKEN,
    bodyLimitBytes: file.http.bodyLimitBytes,
    maxAlertsPerRequest: file.http.maxAlertsPerRequest,
    http: { ...file.http, allowedHosts: [...file.http.allowedHosts, ...(env.TELEGRAM_WEBHOOK_URL ? [new URL(env.TELEGRAM_WEBHOOK_URL).hostname] : [])] },
    checkReady: readinessCheck(db, commandConnection),
    heartbeats: { heartbeats, afterSignal: () => heartbeatChecks.planNext() },
    healing,
    triggers,
    metrics,
    actions: { db, sink, heartbeats, manager: healing.manager, heal: healing.heal, platforms, backlog },
    reports: { db, run: runReport },
    dashboard: { sink, platforms, password: env.DASHBOARD_PASSWORD, sessionHours: file.dashboard.sessionHours, listReports: latestReports, reportText },
    ...(chat.telegram && webhookPath ? { telegramWebhook: { chat: chat.telegram, path: webhookPath } } : {}),
  });
  let url: string;
  try {
    url = await http.listen({ host: env.HOST, port: env.PORT });
  } catch (error) {
    await healing.stop();
    await redisHandle.stop();
    throw listenFailure(error, env.HOST, env.PORT);
  }
  await startChat(chat, log);
  log.info({ url, config: config.configPath ?? '(embedded defaults)', dataDir: env.OPSBOT_DATA_DIR }, 'opsbot is up');

  return {
    url,
    db,
    async stop() {
      log.info('stopping: intake closed, finishing in-flight deliveries');
      await redisWatch.stop();
      await chat.stop();
      await http.close();
      await healing.stop();
      await periodic.worker.close();
      await cycles.worker.close();
      await cycles.queue.close();
      await intake.drain();
      await Promise.all([...deliverWorkers.map((w) => w.close()), escalateWorker.close(), silenceEndWorker.close(), heartbeatChecks.close()]);
      await periodic.queue.close();
      await Promise.all([...Object.values(deliverQueues).map((q) => q.close()), escalateQueue.close(), silenceEndQueue.close()]);
      recovery.close();
      for (const adapter of Object.values(adapters)) adapter.close?.();
      await Promise.all([workerConnection.quit(), commandConnection.quit()]).catch(() => undefined);
      await redisHandle.stop();
      db.$client.close();
      log.info('stopped');
    },
  };
}
