import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { HealthView } from './health.js';
import { registerCheckRoute } from './check-route.js';
import { registerGovernanceRoute } from './governance-route.js';
import type { GovernanceConfig } from '../config/governance-schema.js';
import { ACTION_WINDOW_MS, type ActionView } from '../triggers/action-list.js';
import { bearerAuth } from './auth.js';
import { createBaseApp, type HttpApp } from './base-app.js';
import { FailureThrottle } from './failure-throttle.js';
import type { HttpConfig } from '../config/http-schema.js';
import { registerAlertRoutes } from './alerts-routes.js';
import type { IntakeService } from './intake-service.js';
import { registerAuditRoutes } from './audit-routes.js';
import type { WebhookRoute } from '../platforms/platform.js';
import type { Heartbeats } from '../heartbeats/heartbeats.js';
import { registerHeartbeatListRoute, registerHeartbeatSignalRoutes } from './heartbeat-routes.js';
import { registerServiceRoutes } from './service-routes.js';
import { registerTriggerRoutes } from './trigger-routes.js';
import { registerClusterRoutes } from './cluster-routes.js';
import { registerReportRoutes } from './report-routes.js';
import type { Metrics } from '../telemetry/metrics.js';
import { registerActionRoutes, type ActionDeps } from './action-routes.js';
import type { Store } from '../db/store.js';
import type { CycleResult } from '../reports/cycle-runner.js';
import type { TriggerEngine } from '../triggers/engine.js';
import type { HealService } from '../heal/heal-service.js';
import type { ServiceManager } from '../heal/service-manager.js';

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
  /** opsbot's own health (`GET /api/v1/health`, `opsbot status --health`). */
  health: () => Promise<HealthView>;
  /** The repositories whose code health the ops cycle measures (`GET /api/v1/governance`). */
  governance: GovernanceConfig;
  /** Every heal action and trigger alert with its use and its runs (`GET /api/v1/actions`, `opsbot actions`). */
  actionList: () => Promise<ActionView[]>;
  heartbeats: { heartbeats: Heartbeats; afterSignal: () => Promise<void> };
  healing: { manager: ServiceManager; heal: HealService };
  triggers: TriggerEngine;
  metrics: Metrics;
  actions: ActionDeps;
  reports: { store: Store; run: (trigger: string) => Promise<CycleResult> };
  /** Routes on which chat platforms push their updates (Telegram in webhook mode); the API token does not apply to them. */
  webhooks?: WebhookRoute[];
  /** Registers pages served by the same server, outside the API token (the governance dashboard); absent means none. */
  pages?: (app: FastifyInstance) => Promise<void>;
}

/** Wrong API or heartbeat tokens a client may send per window before it gets 429. */
const BEARER_FAILURES_PER_CLIENT = 10;
const BEARER_FAILURE_WINDOW_MS = 60_000;

/** Counts wrong tokens per client across every route that takes one (API, metrics, heartbeats). */
export function bearerFailureThrottle(): FailureThrottle {
  return new FailureThrottle(BEARER_FAILURES_PER_CLIENT, BEARER_FAILURE_WINDOW_MS);
}

/** Registers `routes` behind the API token (none asked when the bot has no token). */
export function registerBehindToken(app: HttpApp, apiToken: string | undefined, failures: FailureThrottle, routes: (scope: FastifyInstance) => void) {
  app.register(async (scope) => {
    scope.addHook('onRequest', bearerAuth(apiToken, failures));
    routes(scope);
  });
}

function registerProbeRoutes(app: HttpApp, checkReady: () => Promise<void>) {
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await checkReady();
      return { ok: true };
    } catch (error) {
      return reply.code(503).send({ ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  });
}

function registerApiRoutes(api: FastifyInstance, options: HttpServerOptions) {
  api.get('/api/v1/health', () => options.health());
  api.get('/api/v1/actions', async () => ({ since: new Date(Date.now() - ACTION_WINDOW_MS), actions: await options.actionList() }));
  registerClusterRoutes(api, options.actions.store);
  registerHeartbeatListRoute(api, options.heartbeats.heartbeats);
  registerServiceRoutes(api, options.intake.store, options.healing.manager, options.healing.heal);
  registerTriggerRoutes(api, options.triggers);
  registerGovernanceRoute(api, options.intake.store, options.governance);
  registerCheckRoute(api, options.intake.store, { manager: options.healing.manager, heal: options.healing.heal, heartbeats: options.heartbeats.heartbeats, triggers: options.triggers });
  registerReportRoutes(api, options.reports);
  registerActionRoutes(api, options.actions);
  registerAlertRoutes(api, options.intake, options.maxAlertsPerRequest);
  registerAuditRoutes(api, options.intake.store);
}

/** The one HTTP server: probes, the platforms' webhooks, heartbeats, /metrics, the API and the dashboard. */
export function buildHttpServer(options: HttpServerOptions) {
  const app = createBaseApp(options);
  const bearerFailures = bearerFailureThrottle();
  registerProbeRoutes(app, options.checkReady);
  for (const webhook of options.webhooks ?? []) app.register(async (hooks) => webhook.register(hooks));
  app.register(async (beats) =>
    registerHeartbeatSignalRoutes(beats, options.heartbeats.heartbeats, options.apiToken, bearerFailures, options.heartbeats.afterSignal),
  );
  registerBehindToken(app, options.apiToken, bearerFailures, (scrape) =>
    scrape.get('/metrics', async (_request, reply) => reply.type(options.metrics.registry.contentType).send(await options.metrics.registry.metrics())),
  );
  registerBehindToken(app, options.apiToken, bearerFailures, (api) => registerApiRoutes(api, options));
  if (options.pages) app.register(options.pages);
  return app;
}
