import Database from 'better-sqlite3';
import Fastify, { LogController, type FastifyError } from 'fastify';
import type { Logger } from 'pino';
import { bearerAuth } from './auth.js';
import { FailureThrottle } from './failure-throttle.js';
import { loggablePath } from './loggable-path.js';
import { sameSiteGuard } from './same-site.js';
import type { HttpConfig } from '../config/http-schema.js';
import { registerAlertRoutes } from './alerts-routes.js';
import { refuseLoneSurrogates } from './well-formed-text.js';
import type { IntakeService } from './intake-service.js';
import { registerAuditRoutes } from './audit-routes.js';
import type { WebhookRoute } from '../platforms/platform.js';
import type { Heartbeats } from '../heartbeats/heartbeats.js';
import { registerHeartbeatListRoute, registerHeartbeatSignalRoutes } from './heartbeat-routes.js';
import { registerServiceRoutes } from './service-routes.js';
import { registerTriggerRoutes } from './trigger-routes.js';
import { registerReportRoutes } from './report-routes.js';
import type { Metrics } from '../telemetry/metrics.js';
import { registerActionRoutes, type ActionDeps } from './action-routes.js';
import type { Db } from '../db/open.js';
import type { CycleResult } from '../reports/cycle-runner.js';
import type { TriggerEngine } from '../triggers/engine.js';
import type { HealService } from '../heal/heal-service.js';
import type { ServiceManager } from '../heal/service-manager.js';
import type { WorkSink } from '../shared/work.js';
import { registerDashboardRoutes } from '../dashboard/routes.js';
import type { ListReports } from '../dashboard/types.js';
import type { Platform } from '../shared/types.js';

export interface HttpServerOptions {
  intake: IntakeService;
  log: Logger;
  apiToken: string | undefined;
  bodyLimitBytes: number;
  maxAlertsPerRequest: number;
  /** Timeouts, the connection cap and the host names allowed without a token. */
  http: HttpConfig;
  /** Resolves when SQLite and Redis both answer; throws naming the one that does not. */
  checkReady: () => Promise<void>;
  heartbeats: { heartbeats: Heartbeats; afterSignal: () => Promise<void> };
  healing: { manager: ServiceManager; heal: HealService };
  triggers: TriggerEngine;
  metrics: Metrics;
  actions: ActionDeps;
  reports: { db: Db; run: (trigger: string) => Promise<CycleResult> };
  /** Present in Telegram webhook mode. */
  /** Routes on which chat platforms push their updates (Telegram in webhook mode); the API token does not apply to them. */
  webhooks?: WebhookRoute[];
  /** The governance dashboard at /ops/governance (same server); absent means no dashboard. */
  dashboard?: { sink: WorkSink; platforms: Platform[]; password: string | undefined; sessionHours: number; listReports: ListReports; reportText: (name: string) => Promise<string | null> };
}

/** How often Node looks for requests past their timeout. */
const CONNECTIONS_CHECKING_INTERVAL_MS = 1_000;
/** Wrong API or heartbeat tokens a client may send per window before it gets 429. */
const BEARER_FAILURES_PER_CLIENT = 10;
const BEARER_FAILURE_WINDOW_MS = 60_000;
const DROPPED_CONNECTIONS_WARNING_EVERY_MS = 60_000;

/** Logs connections refused at the cap: the first at once, then one line a minute with how many. */
function warnOfDroppedConnections(log: Logger, maxConnections: number) {
  let dropped = 0;
  let lastWarnedAt = -Infinity;
  return () => {
    dropped += 1;
    if (Date.now() - lastWarnedAt < DROPPED_CONNECTIONS_WARNING_EVERY_MS) return;
    log.warn({ dropped, maxConnections }, 'refused new connections: http.maxConnections are open');
    lastWarnedAt = Date.now();
    dropped = 0;
  };
}

export function buildHttpServer(options: HttpServerOptions) {
  const app = Fastify({
    loggerInstance: options.log,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes,
    forceCloseConnections: 'idle',
    requestTimeout: options.http.requestTimeoutMs,
    connectionTimeout: options.http.idleTimeoutMs,
    keepAliveTimeout: options.http.keepAliveTimeoutMs,
    http: {
      requestTimeout: options.http.requestTimeoutMs,
      headersTimeout: options.http.headersTimeoutMs,
      connectionsCheckingInterval: Math.min(CONNECTIONS_CHECKING_INTERVAL_MS, options.http.headersTimeoutMs),
    },
  });
  app.server.maxConnections = options.http.maxConnections;
  app.server.on('drop', warnOfDroppedConnections(options.log, options.http.maxConnections));
  const bearerFailures = new FailureThrottle(BEARER_FAILURES_PER_CLIENT, BEARER_FAILURE_WINDOW_MS);
  if (!options.apiToken) app.addHook('onRequest', sameSiteGuard(options.http.allowedHosts));

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof Database.SqliteError) {
      request.log.error({ err: error, path: loggablePath(request.url) }, 'the SQLite store refused a write');
      return reply.code(503).send({
        error: `could not store this request (SQLite ${error.code}: ${error.message}); nothing from it was kept, retry later`,
      });
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error, path: loggablePath(request.url) }, 'request failed');
      return reply.code(500).send({ error: 'internal error; see the opsbot log' });
    }
    request.log.warn({ path: loggablePath(request.url), code: error.code, reason: error.message }, 'rejected request');
    return reply.code(status).send({ error: describeClientError(error, options.bodyLimitBytes) });
  });
  app.removeContentTypeParser('text/plain');
  app.addHook('preValidation', refuseLoneSurrogates);
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}` }),
  );

  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await options.checkReady();
      return { ok: true };
    } catch (error) {
      return reply.code(503).send({ ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  });

  for (const webhook of options.webhooks ?? []) app.register(async (hooks) => webhook.register(hooks));
  app.register(async (beats) =>
    registerHeartbeatSignalRoutes(beats, options.heartbeats.heartbeats, options.apiToken, bearerFailures, options.heartbeats.afterSignal),
  );
  app.register(async (scrape) => {
    scrape.addHook('onRequest', bearerAuth(options.apiToken, bearerFailures));
    scrape.get('/metrics', async (_request, reply) =>
      reply.type(options.metrics.registry.contentType).send(await options.metrics.registry.metrics()),
    );
  });
  app.register(async (api) => {
    api.addHook('onRequest', bearerAuth(options.apiToken, bearerFailures));
    registerHeartbeatListRoute(api, options.heartbeats.heartbeats);
    registerServiceRoutes(api, options.healing.manager, options.healing.heal);
    registerTriggerRoutes(api, options.triggers);
    registerReportRoutes(api, options.reports);
    registerActionRoutes(api, options.actions);
    registerAlertRoutes(api, options.intake, options.maxAlertsPerRequest);
    registerAuditRoutes(api, options.intake.db);
  });
  const dashboard = options.dashboard;
  if (dashboard) {
    app.register(async (pages) =>
      registerDashboardRoutes(pages, {
        ...dashboard,
        db: options.intake.db,
        manager: options.healing.manager,
        heal: options.healing.heal,
        heartbeats: options.heartbeats.heartbeats,
        apiToken: options.apiToken,
        log: options.log,
      }),
    );
  }
  return app;
}

function describeClientError(error: FastifyError, bodyLimitBytes: number): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `body too large: the limit is ${bodyLimitBytes} bytes (http.bodyLimitBytes); split the batch`;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'send the body as application/json';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'empty body: send one alert object or an array of them';
    default:
      return error.message.startsWith('Unexpected') || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY'
        ? `malformed JSON: ${error.message}`
        : error.message;
  }
}
