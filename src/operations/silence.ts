import type { SilenceMatcherJson } from '../db/schema.js';
import { createSilence, removeSilence } from '../alerts/silence-hold.js';
import type { Actor } from './actor.js';
import { audited } from './audited.js';
import type { StoreDeps } from './deps.js';
import type { SilenceResult, UnsilenceResult } from './results.js';

export interface SilenceRequest {
  matchers: SilenceMatcherJson[];
  durationMs: number;
  reason: string | null;
}

/** Stores a silence, holding back the firing alerts it matches, and schedules its end. */
export function silence(deps: StoreDeps, request: SilenceRequest, actor: Actor, now = new Date()): Promise<SilenceResult> {
  return audited(actor, async (): Promise<SilenceResult> => {
    const { silence: row, held } = await createSilence(deps.store, { ...request, createdBy: actor.name }, now);
    await deps.sink.silenceEnd(row);
    return { kind: 'silenced', silence: row, durationMs: request.durationMs, held };
  });
}

/** Ends an active silence now; the alerts it held that still fire are posted. */
export function unsilence(deps: StoreDeps, silenceId: number, actor: Actor, now = new Date()): Promise<UnsilenceResult> {
  return audited(actor, async (): Promise<UnsilenceResult> => {
    const removed = await removeSilence(deps.store, silenceId, actor.name, now);
    if (!removed) return { kind: 'not-found', what: 'silence', id: String(silenceId) };
    await deps.sink.silenceEnd({ id: silenceId, endsAt: now });
    return { kind: 'unsilenced', silence: removed };
  });
}
