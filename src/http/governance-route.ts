import type { FastifyInstance } from 'fastify';
import type { Store } from '../db/store.js';
import type { GovernanceConfig } from '../config/governance-schema.js';
import { latestCodeHealth } from '../governance/code-health.js';

/** `GET /api/v1/governance`: each governed repository's last measurements, newest first (the trend). */
export function registerGovernanceRoute(app: FastifyInstance, store: Store, governance: GovernanceConfig) {
  app.get('/api/v1/governance', async () => ({ repositories: await latestCodeHealth(store, governance) }));
}
