import type { Logger } from 'pino';
import type { Config } from '../config/load.js';
import { buildHttpServer } from '../http/server.js';
import { readinessCheck } from '../http/readiness.js';
import { checkHealth } from '../http/health.js';
import { listActions } from '../triggers/action-list.js';
import type { IntakeService } from '../http/intake-service.js';
import type { FastifyInstance } from 'fastify';
import type { Heartbeats } from '../heartbeats/heartbeats.js';
import type { HealHandles } from '../heal/start-heal.js';
import type { TriggerEngine } from '../triggers/engine.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { ChatFrontEnds } from '../chat/start-chat.js';
import type { Platform } from '../shared/types.js';
import { publicHosts } from '../platforms/settings.js';
import type { WorkSink } from '../shared/work.js';
import { listenFailure } from '../startup-error.js';
import type { Foundation } from './foundation.js';
import type { Reports } from './reports.js';

/** What the HTTP server serves: the intake, the API's parts, the dashboard's, the platforms' webhooks. */
export interface ServedParts {
  intake: IntakeService;
  sink: WorkSink;
  platforms: Platform[];
  heartbeats: Heartbeats;
  /** Plans the next stale check after a heartbeat signal. */
  afterHeartbeat(): Promise<void>;
  healing: HealHandles;
  triggers: TriggerEngine;
  metrics: Metrics;
  reports: Reports;
  chat: ChatFrontEnds;
  /** The dashboard's pages. */
  pages(app: FastifyInstance): Promise<void>;
  backlog(): Promise<Record<string, number>>;
  /** When this process started the bot. */
  startedAt: Date;
}

/** The one HTTP server (API, probes, /metrics, webhooks, dashboard), listening on HOST:PORT. */
export async function startHttp(base: Foundation, { env, file }: Config, parts: ServedParts, log: Logger): Promise<{ url: string; stop(): Promise<void> }> {
  const { healing, heartbeats, sink, platforms, reports } = parts;
  const http = buildHttpServer({
    intake: parts.intake,
    log,
    apiToken: env.API_TOKEN,
    bodyLimitBytes: file.http.bodyLimitBytes,
    maxAlertsPerRequest: file.http.maxAlertsPerRequest,
    http: { ...file.http, allowedHosts: [...file.http.allowedHosts, ...publicHosts(env)] },
    checkReady: readinessCheck(base.store, base.redis.command),
    health: () =>
      checkHealth({
        store: base.store,
        redis: base.redis.command,
        backlog: parts.backlog,
        chat: () => parts.chat.connections(),
        lastOpsCycle: async () => (await reports.latest())[0],
        cycleTimes: file.opsCycle.times,
        startedAt: parts.startedAt,
      }),
    actionList: () => listActions(base.store, file.services, file.triggers),
    governance: file.governance,
    heartbeats: { heartbeats, afterSignal: parts.afterHeartbeat },
    healing,
    triggers: parts.triggers,
    metrics: parts.metrics,
    actions: { store: base.store, sink, routing: file, heartbeats, manager: healing.manager, heal: healing.heal, platforms, backlog: parts.backlog },
    reports: { store: base.store, run: reports.run },
    pages: parts.pages,
    webhooks: parts.chat.webhooks,
  });
  try {
    const url = await http.listen({ host: env.HOST, port: env.PORT });
    return { url, stop: () => http.close() };
  } catch (error) {
    throw listenFailure(error, env.HOST, env.PORT);
  }
}
