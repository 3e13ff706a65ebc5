import { healOutcome, type HealService } from './heal-service.js';
import type { ServiceManager } from './service-manager.js';
import type { ServiceConfig } from '../config/service-schema.js';
import type { ServiceRow } from '../db/schema-ops.js';

const DAY_MS = 86_400_000;

export interface ServiceView {
  name: string;
  role: string;
  owner: string;
  kind: 'supervised' | 'pidfile' | 'probes';
  /** The instance that runs it (`instance:`), null when every instance that lists it runs it. */
  instance: string | null;
  /** Its fallback instance while it runs it in place of the lost `instance`. */
  takenOverBy: string | null;
  enabled: boolean;
  state: string;
  health: string;
  pid: number | null;
  startedAt: Date | null;
  restarts: number;
  lastProbe: string | null;
  actions: string[];
  /** `outcome`: how it ended in words (see healOutcome): healed, rolled back, failed, rollback failed, failed. */
  lastHeal: { id: number; action: string; state: string; outcome: string; startedAt: Date } | null;
  /** Share of the last 24 h / 7 d it was up (0–1), null before anything is known. */
  uptime24h: number | null;
  uptime7d: number | null;
}

/** What a service's view adds to its config and row: looked up one way for /status and the API, another for the dashboard. */
export interface ServiceFigures {
  takenOverBy: string | null;
  actions: string[];
  lastHeal: ServiceView['lastHeal'];
  uptime24h: number | null;
  uptime7d: number | null;
}

/** A service's view from its config and its row (absent until the supervisor first records it). */
export function serviceView(config: ServiceConfig, row: ServiceRow | undefined, figures: ServiceFigures): ServiceView {
  return {
    name: config.name,
    role: config.role,
    owner: config.owner,
    kind: config.command ? 'supervised' : config.pidfile ? 'pidfile' : 'probes',
    instance: config.instance ?? null,
    enabled: row?.enabled ?? config.enabled,
    state: row?.state ?? 'unknown',
    health: row?.health ?? 'unknown',
    pid: row?.pid ?? null,
    startedAt: row?.startedAt ?? null,
    restarts: row?.restarts ?? 0,
    lastProbe: row?.lastProbeDetail ?? null,
    ...figures,
  };
}

/** Config and live state of every service, as /status, the API and the dashboard show them. */
export async function describeServices(
  manager: ServiceManager,
  heal: HealService,
  now = new Date(),
): Promise<ServiceView[]> {
  const rows = new Map((await manager.records.list()).map((row) => [row.name, row]));
  const views: ServiceView[] = [];
  for (const config of manager.all()) {
    const [last] = await heal.listRuns(config.name, 1);
    views.push(
      serviceView(config, rows.get(config.name), {
        takenOverBy: config.fallback ? await manager.records.takenOverBy(config.name) : null,
        actions: heal.actionsOf(config.name),
        lastHeal: last ? { id: last.id, action: last.action, state: last.state, outcome: healOutcome(last), startedAt: last.startedAt } : null,
        uptime24h: await manager.uptime.ratio(config.name, now.getTime() - DAY_MS, now.getTime()),
        uptime7d: await manager.uptime.ratio(config.name, now.getTime() - 7 * DAY_MS, now.getTime()),
      }),
    );
  }
  return views;
}
