import type { Redis } from 'ioredis';
import type { Store } from '../db/store.js';
import type { ChatConnection } from '../chat/start-chat.js';
import type { Platform } from '../shared/types.js';
import { formatDuration } from '../time/duration.js';
import { checkRedisAnswers, checkStoreWrites } from './readiness.js';

/** `ok`: nothing to do; `degraded`: opsbot runs but something needs a look; `down`: it cannot keep alerts (store or Redis). */
export type HealthState = 'ok' | 'degraded' | 'down';

export interface HealthCheck {
  part: string;
  state: HealthState;
  detail: string;
}

export interface HealthView {
  state: HealthState;
  checks: HealthCheck[];
  queues: Record<string, number>;
  lastOpsCycle: { name: string; at: Date } | null;
}

/** More deliveries than this waiting, retrying or running is a backlog worth a look. */
export const DELIVER_BACKLOG_DEGRADED = 1_000;
/** An ops cycle may run this late (a long cycle, a restart) before its absence counts as missed. */
const OPS_CYCLE_GRACE_MS = 60 * 60_000;

export interface HealthSources {
  store: Store;
  redis: Redis;
  backlog(): Promise<Record<string, number>>;
  chat(): Record<Platform, ChatConnection>;
  /** The newest report of an ops cycle, if any. */
  lastOpsCycle(): Promise<{ name: string; at: Date } | undefined>;
  /** The configured ops cycle times (`HH:MM`), to tell a missed cycle. */
  cycleTimes: readonly string[];
  /** When this process started: a young bot has not missed a cycle yet. */
  startedAt: Date;
}

/** The longest wait between two configured cycle times, around the clock. */
export function longestCycleGapMs(times: readonly string[]): number {
  const minutes = [...new Set(times.map((t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5))))].sort((a, b) => a - b);
  const gaps = minutes.map((m, i) => (i + 1 < minutes.length ? minutes[i + 1]! - m : minutes[0]! + 1_440 - m));
  return Math.max(...gaps) * 60_000;
}

/** opsbot's own health: the store writes, Redis answers, the queues' backlog, each chat session, the last ops cycle. */
export async function checkHealth(sources: HealthSources, now = new Date()): Promise<HealthView> {
  const checks: HealthCheck[] = [];
  const attempt = async (part: string, ok: string, check: () => Promise<void>) => {
    try {
      await check();
      checks.push({ part, state: 'ok', detail: ok });
    } catch (error) {
      checks.push({ part, state: 'down', detail: error instanceof Error ? error.message : String(error) });
    }
  };
  await attempt('store', `${sources.store.name} writes`, () => checkStoreWrites(sources.store));
  await attempt('redis', 'Redis answers', () => checkRedisAnswers(sources.redis));
  let queues: Record<string, number> = {};
  try {
    queues = await sources.backlog();
    const deliver = queues.deliver ?? 0;
    const detail = Object.entries(queues).map(([queue, n]) => `${queue} ${n}`).join(' · ');
    checks.push({ part: 'queues', state: deliver > DELIVER_BACKLOG_DEGRADED ? 'degraded' : 'ok', detail: deliver > DELIVER_BACKLOG_DEGRADED ? `${detail}: more than ${DELIVER_BACKLOG_DEGRADED} deliveries wait` : detail });
  } catch (error) {
    checks.push({ part: 'queues', state: 'down', detail: `cannot count them: ${error instanceof Error ? error.message : String(error)}` });
  }
  for (const [platform, connection] of Object.entries(sources.chat())) {
    checks.push({ part: `${platform} chat`, state: connection === 'not connected' ? 'degraded' : 'ok', detail: connection === 'not connected' ? 'not connected: its commands and buttons get no answer (the log says why)' : connection });
  }
  const last = (await sources.lastOpsCycle()) ?? null;
  const allowedMs = longestCycleGapMs(sources.cycleTimes) + OPS_CYCLE_GRACE_MS;
  const since = last?.at ?? sources.startedAt;
  const missed = now.getTime() - since.getTime() > allowedMs;
  const what = last ? `last ${last.name}, ${formatDuration(now.getTime() - last.at.getTime())} ago` : 'none since the start';
  checks.push({ part: 'ops cycle', state: missed ? 'degraded' : 'ok', detail: missed ? `${what}: a cycle was missed (they run at ${sources.cycleTimes.join(', ')})` : what });
  const state: HealthState = checks.some((c) => c.state === 'down') ? 'down' : checks.some((c) => c.state === 'degraded') ? 'degraded' : 'ok';
  return { state, checks, queues, lastOpsCycle: last };
}
