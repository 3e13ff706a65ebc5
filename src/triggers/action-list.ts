import { and, desc, eq, gte } from 'drizzle-orm';
import type { Store } from '../db/store.js';
import type { ServiceConfig } from '../config/service-schema.js';
import type { TriggerRule } from '../config/trigger-schema.js';
import { healOutcome } from '../heal/heal-service.js';

/** How far back `opsbot actions` counts runs. */
export const ACTION_WINDOW_MS = 7 * 86_400_000;

/** One action opsbot can take, with who uses it and how its runs (heals) or fires (alerts) went over the window. */
export interface ActionView {
  /** `service/action` for a heal action, `alert:<rule>` for the alert a trigger raises. */
  name: string;
  kind: string;
  usedBy: string[];
  runs: number;
  /** Share of finished runs that healed (0–1); null for an alert, or with no finished run. */
  successRate: number | null;
  lastRun: { at: Date; outcome: string } | null;
}

/** What a heal action runs: `restart (built in)`, `command`, `http`, or `steps (3)`, with `+ rollback (2)` when it has one. */
function healKind(service: ServiceConfig, action: string): string {
  if (action === 'restart' && service.command) return 'restart (built in)';
  const configured = service.actions[action]!;
  const base = configured.steps ? `steps (${configured.steps.length})` : configured.command ? 'command' : 'http';
  return configured.rollback ? `${base} + rollback (${configured.rollback.length})` : base;
}

/**
 * Every heal action of every service (its built-in restart included) and every trigger rule's alert,
 * with the services and rules that use each and their runs or fires since `now - ACTION_WINDOW_MS`.
 */
export async function listActions(store: Store, services: ServiceConfig[], triggers: TriggerRule[], now = new Date()): Promise<ActionView[]> {
  const since = new Date(now.getTime() - ACTION_WINDOW_MS);
  const { healRuns, triggerFires } = store.t;
  const actions: ActionView[] = [];
  for (const service of services) {
    const names = [...(service.command ? ['restart'] : []), ...Object.keys(service.actions)];
    for (const action of names) {
      const runs = await store.db
        .select()
        .from(healRuns)
        .where(and(eq(healRuns.service, service.name), eq(healRuns.action, action), gte(healRuns.startedAt, since)))
        .orderBy(desc(healRuns.id));
      const finished = runs.filter((run) => run.state === 'succeeded' || run.state === 'failed');
      const usedBy = [
        ...(service.heal.onUnhealthy === action ? [`service ${service.name} (when unhealthy)`] : [`service ${service.name} (by hand)`]),
        ...triggers.filter((rule) => rule.heal?.service === service.name && rule.heal.action === action).map((rule) => `trigger ${rule.name}`),
      ];
      actions.push({
        name: `${service.name}/${action}`,
        kind: healKind(service, action),
        usedBy,
        runs: runs.length,
        successRate: finished.length === 0 ? null : finished.filter((run) => run.state === 'succeeded').length / finished.length,
        lastRun: runs[0] ? { at: runs[0].startedAt, outcome: healOutcome(runs[0]) } : null,
      });
    }
  }
  for (const rule of triggers) {
    const fires = await store.db
      .select({ at: triggerFires.at, detail: triggerFires.detail })
      .from(triggerFires)
      .where(and(eq(triggerFires.rule, rule.name), gte(triggerFires.at, since)))
      .orderBy(desc(triggerFires.id));
    actions.push({
      name: `alert:${rule.name}`,
      kind: `alert ${rule.severity}${rule.heal ? ` + heal ${rule.heal.service}/${rule.heal.action}` : ''}`,
      usedBy: [`trigger ${rule.name} (${rule.kind} on ${rule.metric})`],
      runs: fires.length,
      successRate: null,
      lastRun: fires[0] ? { at: fires[0].at, outcome: `fired: ${fires[0].detail}` } : null,
    });
  }
  return actions;
}
