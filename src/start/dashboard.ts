import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/load.js';
import { registerDashboardRoutes } from '../dashboard/routes.js';
import type { Heartbeats } from '../heartbeats/heartbeats.js';
import type { HealHandles } from '../heal/start-heal.js';
import type { Platform } from '../shared/types.js';
import { messageLinkOf } from '../platforms/settings.js';
import { latestCodeHealth } from '../governance/code-health.js';
import { latestCriteria } from '../reports/criteria.js';
import type { WorkSink } from '../shared/work.js';
import type { Foundation } from './foundation.js';
import type { Reports } from './reports.js';

export interface DashboardParts {
  sink: WorkSink;
  platforms: Platform[];
  healing: HealHandles;
  heartbeats: Heartbeats;
  reports: Reports;
}

/**
 * The governance dashboard's pages, for the HTTP server to serve beside the API. They hold no
 * connection or timer of their own: the server's stop ends them.
 */
export function dashboardPages(base: Foundation, { env, file }: Config, parts: DashboardParts, log: Logger): (app: FastifyInstance) => Promise<void> {
  const { healing, reports } = parts;
  return (app) =>
    registerDashboardRoutes(app, {
      store: base.store,
      sink: parts.sink,
      routing: file,
      messageLink: (platform, destination, messageId) => messageLinkOf(platform, destination, messageId, env),
      codeHealth: () => latestCodeHealth(base.store, file.governance, 2),
      criteria: () => latestCriteria(base.store),
      platforms: parts.platforms,
      manager: healing.manager,
      heal: healing.heal,
      heartbeats: parts.heartbeats,
      apiToken: env.API_TOKEN,
      password: env.DASHBOARD_PASSWORD,
      sessionHours: file.dashboard.sessionHours,
      listReports: reports.latest,
      reportText: reports.text,
      log,
    });
}
