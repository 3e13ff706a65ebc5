import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { Pacer } from '../src/delivery/pacer.js';
import { pacingSchema } from '../src/config/pacing-schema.js';
import { deleteKeysWithPrefix, TEST_REDIS_URL, uniquePrefix } from './helpers/redis.js';

const prefix = uniquePrefix('pacer');
const redis = new Redis(TEST_REDIS_URL);
const pacer = new Pacer(
  redis,
  prefix,
  pacingSchema.parse({
    discordChannel: { intervalMs: 1_000, burst: 5 },
    telegramPrivate: { intervalMs: 1_000, burst: 3 },
    telegramGroup: { intervalMs: 60_000, burst: 2 },
    discordGlobal: { perSecond: 1_000, burst: 100 },
    telegramGlobal: { perSecond: 1_000, burst: 100 },
  }),
);
const budgetPrefix = uniquePrefix('pacer-budget');
const budgeted = new Pacer(
  redis,
  budgetPrefix,
  pacingSchema.parse({
    discordChannel: { intervalMs: 1_000, burst: 5 },
    telegramPrivate: { intervalMs: 1_000, burst: 3 },
    telegramGroup: { intervalMs: 1_000, burst: 3 },
    discordGlobal: { perSecond: 4, burst: 2 },
    telegramGlobal: { perSecond: 1_000, burst: 100 },
  }),
);

afterAll(async () => {
  await deleteKeysWithPrefix(prefix);
  await deleteKeysWithPrefix(budgetPrefix);
  redis.disconnect();
});

describe('per-destination pacing', () => {
  it('lets a burst through, then asks to wait about one interval', async () => {
    const decisions = [];
    const started = Date.now();
    for (let i = 0; i < 4; i++) decisions.push(await pacer.take('telegram', '42', 'caller'));
    const elapsed = Date.now() - started;
    expect(decisions.slice(0, 3)).toEqual([
      { allowed: true, remaining: 2 },
      { allowed: true, remaining: 1 },
      { allowed: true, remaining: 0 },
    ]);
    const denied = decisions[3]!;
    expect(denied.allowed).toBe(false);
    if (!denied.allowed) {
      // one interval, less what passed since the burst began (a few ms, more on a busy machine)
      expect(denied.waitMs).toBeGreaterThanOrEqual(1_000 - elapsed - 1);
      expect(denied.waitMs).toBeLessThanOrEqual(1_000);
    }
  });

  it('keeps destinations apart and paces groups by their own, slower rule', async () => {
    expect(await pacer.take('telegram', '-100', 'caller')).toEqual({ allowed: true, remaining: 1 });
    expect(await pacer.take('telegram', '-100', 'caller')).toEqual({ allowed: true, remaining: 0 });
    const third = await pacer.take('telegram', '-100', 'caller');
    expect(third.allowed).toBe(false);
    if (!third.allowed) expect(third.waitMs).toBeGreaterThan(50_000);
    expect((await pacer.take('telegram', '-101', 'caller')).allowed).toBe(true);
    expect((await pacer.take('discord', '-100', 'caller')).allowed).toBe(true);
  });

  it('holds a destination for the retry_after a platform asked for', async () => {
    await pacer.hold('discord', '7', 5_000);
    const after = await pacer.take('discord', '7', 'caller');
    expect(after.allowed).toBe(false);
    if (!after.allowed) expect(after.waitMs).toBeGreaterThan(4_500);
  });
});

describe('bot-wide budget per platform', () => {
  it('lets many destinations together through only up to the platform budget; a refused caller gets the next slot', async () => {
    const first = [];
    for (const channel of ['1', '2', '3']) first.push(await budgeted.take('discord', channel, `channel-${channel}`));
    expect(first.map((d) => d.allowed)).toEqual([true, true, false]);
    const denied = first[2]!;
    if (!denied.allowed) {
      expect(denied.waitMs).toBeGreaterThan(150);
      expect(denied.waitMs).toBeLessThanOrEqual(250 + 250);
    }
    expect((await budgeted.take('telegram', '1', 'chat-1')).allowed).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 260));
    expect(await budgeted.take('discord', '3', 'channel-3')).toEqual({ allowed: true, remaining: 4 });
  });

  it('reserves the next free slots for refused callers, first come first served, and keeps them from newcomers', async () => {
    const waits: number[] = [];
    /** When each reserved slot comes, on this clock: the waits shrink by however long the calls between took. */
    const slots: number[] = [];
    for (const channel of ['10', '11', '12']) {
      const asked = Date.now();
      const decision = await budgeted.take('discord', channel, `channel-${channel}`);
      expect(decision.allowed).toBe(false);
      if (!decision.allowed) {
        waits.push(decision.waitMs);
        slots.push(asked + decision.waitMs);
      }
    }
    expect(slots[1]! - slots[0]!).toBeGreaterThan(200);
    expect(slots[2]! - slots[1]!).toBeGreaterThan(200);
    await new Promise((resolve) => setTimeout(resolve, waits[0]! + 5));
    expect((await budgeted.take('discord', '99', 'newcomer')).allowed).toBe(false);
    expect((await budgeted.take('discord', '10', 'channel-10')).allowed).toBe(true);
  });
});
