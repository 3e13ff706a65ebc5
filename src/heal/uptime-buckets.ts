import { and, desc, eq, gte, isNotNull, lt, sql } from 'drizzle-orm';
import type { Store } from '../db/store.js';

export interface Slot {
  start: number;
  end: number;
  /** Of [start, end): how long the service was up, and how long its state was known at all. */
  upMs: number;
  knownMs: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * Up time per fixed time bucket (15 min by default), from the same service events and with the same
 * rules as `uptimeRatio` (only events that say up or down count; time before the first known state
 * does not count). Buckets that ended more than `settleMs` ago are computed once and cached, so a
 * page asking for 24 h and 7 d only reads the events of the last few minutes, whatever the history
 * holds. Events are written as they happen (`at` = now), never back-dated into a settled bucket.
 */
export class UptimeBuckets {
  private readonly cache = new Map<string, Map<number, Slot>>();
  /** Per service and window length, the up and known time over the settled buckets of the last window asked for. */
  private readonly sums = new Map<string, { key: string; upMs: number; knownMs: number }>();
  private readonly stateBefore;
  private readonly changes;

  constructor(
    store: Store,
    readonly bucketMs = 15 * MINUTE,
    private readonly settleMs = MINUTE,
    private readonly keepMs = 8 * DAY,
  ) {
    const { serviceEvents: events } = store.t;
    const service = eq(events.service, sql.placeholder('service'));
    const at = (name: string) => sql.param(sql.placeholder(name), events.at);
    this.stateBefore = store.db
      .select({ up: events.up })
      .from(events)
      .where(and(service, lt(events.at, at('from')), isNotNull(events.up)))
      .orderBy(desc(events.at), desc(events.id))
      .limit(1)
      .prepare('uptime.state_before');
    this.changes = store.db
      .select({ at: events.at, up: events.up })
      .from(events)
      .where(and(service, gte(events.at, at('from')), lt(events.at, at('to')), isNotNull(events.up)))
      .orderBy(events.at, events.id)
      .prepare('uptime.changes');
  }

  /** Slots covering [from, to): aligned buckets, the first and last possibly partial. */
  async slots(service: string, from: number, to: number): Promise<Slot[]> {
    const out: Slot[] = [];
    const firstFull = Math.ceil(from / this.bucketMs) * this.bucketMs;
    if (from < firstFull) out.push(...(await this.scan(service, from, Math.min(firstFull, to))));
    const settled = Math.floor((to - this.settleMs) / this.bucketMs) * this.bucketMs;
    let cursor = Math.max(from, firstFull);
    if (cursor < settled) {
      const cached = this.cacheOf(service, to);
      let missingFrom: number | null = null;
      for (let start = cursor; start < settled; start += this.bucketMs) {
        const hit = cached.get(start);
        if (hit && missingFrom === null) {
          out.push(hit);
          continue;
        }
        if (!hit && missingFrom === null) missingFrom = start;
        if (hit && missingFrom !== null) {
          await this.fill(service, cached, missingFrom, start, out);
          missingFrom = null;
          out.push(hit);
        }
      }
      if (missingFrom !== null) await this.fill(service, cached, missingFrom, settled, out);
      cursor = settled;
    }
    if (cursor < to) out.push(...(await this.scan(service, cursor, to)));
    return out;
  }

  /**
   * Share of [from, to) the service was up (0–1), null when nothing is known about it. The sum over
   * the settled buckets is remembered until the window moves by a bucket, so a 7-day figure costs
   * two short scans (the partial buckets at both ends) per call.
   */
  async ratio(service: string, from: number, to: number): Promise<number | null> {
    const firstFull = Math.ceil(from / this.bucketMs) * this.bucketMs;
    const settled = Math.floor((to - this.settleMs) / this.bucketMs) * this.bucketMs;
    if (settled - firstFull < 2 * this.bucketMs) return ratioOf(await this.slots(service, from, to));
    const key = `${firstFull}:${settled}`;
    const memo = `${service}|${Math.round((to - from) / this.bucketMs)}`;
    let middle = this.sums.get(memo);
    if (middle?.key !== key) {
      const slots = (await this.slots(service, firstFull, settled + this.settleMs)).filter((slot) => slot.end <= settled);
      middle = { key, upMs: 0, knownMs: 0 };
      for (const slot of slots) {
        middle.upMs += slot.upMs;
        middle.knownMs += slot.knownMs;
      }
      this.sums.set(memo, middle);
    }
    const ends = [...(await this.scan(service, from, firstFull)), ...(await this.scan(service, settled, to))];
    return ratioOf([...ends, { start: firstFull, end: settled, upMs: middle.upMs, knownMs: middle.knownMs }]);
  }

  private async fill(service: string, cached: Map<number, Slot>, from: number, to: number, out: Slot[]) {
    for (const slot of await this.scan(service, from, to)) {
      cached.set(slot.start, slot);
      out.push(slot);
    }
  }

  private cacheOf(service: string, now: number): Map<number, Slot> {
    let cached = this.cache.get(service);
    if (!cached) this.cache.set(service, (cached = new Map()));
    if (cached.size > (this.keepMs / this.bucketMs) * 1.25) {
      for (const start of cached.keys()) if (start < now - this.keepMs) cached.delete(start);
    }
    return cached;
  }

  /** One pass over the events of [from, to), split at the bucket boundaries. */
  private async scan(service: string, from: number, to: number): Promise<Slot[]> {
    const slots: Slot[] = [];
    for (let start = from; start < to; ) {
      const end = Math.min(to, (Math.floor(start / this.bucketMs) + 1) * this.bucketMs);
      slots.push({ start, end, upMs: 0, knownMs: 0 });
      start = end;
    }
    const [before] = await this.stateBefore.execute({ service, from: new Date(from) });
    let up: boolean | null = before?.up ?? null;
    let at = from;
    let index = 0;
    const span = (until: number) => {
      while (at < until) {
        while (slots[index]!.end <= at) index++;
        const slot = slots[index]!;
        const end = Math.min(until, slot.end);
        if (up !== null) {
          slot.knownMs += end - at;
          if (up) slot.upMs += end - at;
        }
        at = end;
      }
    };
    for (const change of await this.changes.execute({ service, from: new Date(from), to: new Date(to) })) {
      span(change.at.getTime());
      up = change.up;
    }
    span(to);
    return slots;
  }
}

export function ratioOf(slots: readonly Slot[]): number | null {
  let up = 0;
  let known = 0;
  for (const slot of slots) {
    up += slot.upMs;
    known += slot.knownMs;
  }
  return known > 0 ? up / known : null;
}
