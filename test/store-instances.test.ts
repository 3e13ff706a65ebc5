import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertAcceptor } from '../src/alerts/accept.js';
import { alertInputSchema } from '../src/alerts/input.js';
import { parseConfigText } from '../src/config/load.js';
import { openPostgresStore } from '../src/db/postgres-store.js';
import type { Store } from '../src/db/store.js';
import { DeliveryStore } from '../src/delivery/store.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from './helpers/postgres.js';

/** Two instances: two stores with pools of their own on one PostgreSQL database. */
describe('two instances on one PostgreSQL store', () => {
  let database: ThrowawayDatabase;
  let stores: Store[] = [];
  beforeAll(async () => {
    database = await createThrowawayDatabase('instances');
    stores = await Promise.all([openPostgresStore(database.url), openPostgresStore(database.url)]);
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await database?.drop();
  });

  const config = parseConfigText('defaultRoute: { telegram: ["-400"] }\n', 'test.yaml');

  it('the same alert accepted by both at once is stored once: one creates it, the other counts a repeat', async () => {
    for (let round = 0; round < 10; round++) {
      const alert = alertInputSchema.parse({ severity: 'CRIT', title: 'disk full', dedupKey: `race-${round}` });
      const outcomes = await Promise.all(stores.map((store) => new AlertAcceptor(store).accept(config, [alert])));
      expect(outcomes.map((o) => o.results[0]!.outcome).sort()).toEqual(['created', 'deduplicated']);
      const { alerts } = stores[0]!.t;
      const firing = await stores[0]!.db.select().from(alerts).where(and(eq(alerts.dedupKey, `race-${round}`), eq(alerts.status, 'firing')));
      expect(firing).toHaveLength(1);
      expect(firing[0]!.count).toBe(2);
    }
  });

  it('a delivery both try to claim is claimed by one', async () => {
    const accepted = await new AlertAcceptor(stores[0]!).accept(config, [alertInputSchema.parse({ severity: 'WARN', title: 'claim me' })]);
    const deliveryId = accepted.work[0]!.deliveryId;
    for (let round = 0; round < 5; round++) {
      const claims = await Promise.all(stores.map((store, i) => new DeliveryStore(store).claimForSending(deliveryId, `instance-${i}`)));
      expect(claims.filter(Boolean)).toHaveLength(round === 0 ? 1 : 0);
    }
  });
});
