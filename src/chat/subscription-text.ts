import type { SubscriptionRow } from '../db/schema.js';

/** `WARN and above from every service` / `CRIT and above from api, db`. */
export function describeSubscription(row: Pick<SubscriptionRow, 'minSeverity' | 'services'>): string {
  const severity = row.minSeverity === 'CRIT' ? 'CRIT alerts' : `${row.minSeverity} and above`;
  const from = row.services.length === 0 ? 'from every service' : `from ${row.services.join(', ')}`;
  return `${severity} ${from}`;
}
