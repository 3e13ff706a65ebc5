import { desc, eq, sql } from 'drizzle-orm';
import type { Store } from '../../db/store.js';
import { healOutcome, type HealService } from '../../heal/heal-service.js';
import type { ServiceManager } from '../../heal/service-manager.js';
import { serviceView, type ServiceView } from '../../heal/service-view.js';
import { ratioOf, type Slot, type UptimeBuckets } from '../../heal/uptime-buckets.js';

const DAY = 86_400_000;

/**
 * The same views as `describeServices` (src/heal/service-view.ts), built from prepared statements
 * and the cached uptime buckets: one query for all service rows, one indexed lookup of the last
 * heal run per service (heal_runs_service_id), and the 24 h figure from the chart's own slots.
 */
export class ServicesQuery {
  private readonly rows;
  private readonly lastRun;

  constructor(
    store: Store,
    private readonly manager: ServiceManager,
    private readonly heal: HealService,
    private readonly buckets: UptimeBuckets,
  ) {
    const { services, healRuns } = store.t;
    this.rows = store.db.select().from(services).prepare('dashboard.service_rows');
    this.lastRun = store.db
      .select({ id: healRuns.id, action: healRuns.action, state: healRuns.state, rollback: healRuns.rollback, startedAt: healRuns.startedAt })
      .from(healRuns)
      .where(eq(healRuns.service, sql.placeholder('service')))
      .orderBy(desc(healRuns.id))
      .limit(1)
      .prepare('dashboard.last_heal_run');
  }

  /** Every configured service, with the slots of its last 24 h for the history chart. */
  async load(now: Date): Promise<Array<{ view: ServiceView; lastDay: Slot[] }>> {
    const nowMs = now.getTime();
    const rows = new Map((await this.rows.execute()).map((row) => [row.name, row]));
    const loaded: Array<{ view: ServiceView; lastDay: Slot[] }> = [];
    for (const config of this.manager.all()) {
      const lastDay = await this.buckets.slots(config.name, nowMs - DAY, nowMs);
      const [lastHeal] = await this.lastRun.execute({ service: config.name });
      const view = serviceView(config, rows.get(config.name), {
        takenOverBy: config.fallback ? await this.manager.records.takenOverBy(config.name) : null,
        actions: this.heal.actionsOf(config.name),
        lastHeal: lastHeal ? { id: lastHeal.id, action: lastHeal.action, state: lastHeal.state, outcome: healOutcome(lastHeal), startedAt: lastHeal.startedAt } : null,
        uptime24h: ratioOf(lastDay),
        uptime7d: await this.buckets.ratio(config.name, nowMs - 7 * DAY, nowMs),
      });
      loaded.push({ view, lastDay });
    }
    return loaded;
  }
}
