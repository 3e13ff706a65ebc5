import type { FastifyBaseLogger } from 'fastify';
import type { Store } from '../db/store.js';
import type { Actor } from '../operations/actor.js';
import { recordAudit } from '../operations/audit-log.js';

/** A caller of the HTTP API as operations see it: named by the request's `by` (default `api`), audited with `via: api`. */
export function apiActor(store: Store, log: FastifyBaseLogger, by: string, command: string, args: Record<string, string>): Actor {
  return {
    name: by,
    via: 'api',
    async audit(result, detail) {
      try {
        await recordAudit(store, { at: new Date(), platform: 'api', userId: by, userName: by, chatId: null, via: 'api', command, args, result, detail: detail.slice(0, 1_000) });
      } catch (error) {
        log.error({ err: error, command }, 'could not write the audit log');
      }
    },
  };
}
