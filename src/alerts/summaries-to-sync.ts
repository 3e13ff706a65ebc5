import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/open.js';
import { preparedPerHandle } from '../db/prepared.js';
import { deliveries, summaries } from '../db/schema.js';
import type { SummaryWork } from '../shared/work.js';

const p = sql.placeholder;

const statementsFor = preparedPerHandle((db) => ({
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
    .prepare(),
}));

/**
 * Marks every storm summary that carries the alert as out of date (its dedup count, ack or
 * resolution changed), inside the caller's transaction; returns the summaries to edit.
 */
export function summariesToSync(db: DbOrTx, alertId: number): SummaryWork[] {
  return statementsFor(db).touch.all({ alertId });
}
