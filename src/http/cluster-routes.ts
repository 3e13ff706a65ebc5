import type { FastifyInstance } from 'fastify';
import { LOST_AFTER_MS, listInstances } from '../cluster/instances.js';
import type { Store } from '../db/store.js';

/** `GET /api/v1/cluster`: the instances sharing the store, their last beat, which are lost, and who leads since when. */
export function registerClusterRoutes(app: FastifyInstance, store: Store) {
  app.get('/api/v1/cluster', () => listInstances(store, new Date(), LOST_AFTER_MS));
}
