import { and, eq, inArray, sql } from 'drizzle-orm';
import { statementsPerHandle, type Db, type Store } from '../db/store.js';
import type { SummaryWork } from '../shared/work.js';

const p = sql.placeholder;

const statementsFor = statementsPerHandle((db, { deliveries, summaries }) => ({
  touch: db
    .update(summaries)
    .set({ revision: sql`${summaries.revision} + 1` })
    .where(
      and(
        inArray(summaries.state, ['pending', 'sent']),
        inArray(
          summaries.id,
          db
            .select({ id: sql`${deliveries.summaryId}` })
            .from(deliveries)
            .where(and(eq(deliveries.alertId, p('alertId')), eq(deliveries.state, 'summarized'))),
        ),
      ),
    )
    .returning({ summaryId: summaries.id, revision: summaries.revision, platform: summaries.platform })
    .prepare('alerts.summariesToSync'),
}));

/**
 * Marks every storm summary that carries the alert as out of date (its dedup count, ack or
 * resolution changed), inside the caller's transaction `tx`; returns the summaries to edit.
 */
export function summariesToSync(store: Store, tx: Db, alertId: number): Promise<SummaryWork[]> {
  return statementsFor(store, tx).touch.execute({ alertId });
}
