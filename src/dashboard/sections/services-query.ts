import { desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/open.js';
import { healRuns, services } from '../../db/schema.js';
import type { HealService } from '../../heal/heal-service.js';
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
    db: Db,
    private readonly manager: ServiceManager,
    private readonly heal: HealService,
    private readonly buckets: UptimeBuckets,
  ) {
    this.rows = db.select().from(services).prepare();
    this.lastRun = db
      .select({ id: healRuns.id, action: healRuns.action, state: healRuns.state, startedAt: healRuns.startedAt })
      .from(healRuns)
      .where(eq(healRuns.service, sql.placeholder('service')))
      .orderBy(desc(healRuns.id))
      .limit(1)
      .prepare();
  }

  /** Every configured service, with the slots of its last 24 h for the history chart. */
  load(now: Date): Array<{ view: ServiceView; lastDay: Slot[] }> {
    const nowMs = now.getTime();
    const rows = new Map(this.rows.all().map((row) => [row.name, row]));
    return this.manager.all().map((config) => {
      const lastDay = this.buckets.slots(config.name, nowMs - DAY, nowMs);
      const view = serviceView(config, rows.get(config.name), {
        actions: this.heal.actionsOf(config.name),
        lastHeal: this.lastRun.get({ service: config.name }) ?? null,
        uptime24h: ratioOf(lastDay),
        uptime7d: this.buckets.ratio(config.name, nowMs - 7 * DAY, nowMs),
      });
      return { view, lastDay };
    });
  }
}
