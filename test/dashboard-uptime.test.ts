import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../src/db/sqlite-store.js';
import { ServiceRecords } from '../src/heal/service-records.js';
import { uptimeRatio } from '../src/heal/uptime.js';
import { UptimeBuckets } from '../src/heal/uptime-buckets.js';
import { historyChart } from '../src/dashboard/chart.js';
import { html } from '../src/dashboard/html.js';

const dir = mkdtempSync(join(tmpdir(), 'opsbot-dash-uptime-'));
const store = openSqliteStore(dir);
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const MINUTE = 60_000;
const DAY = 86_400_000;
const t0 = new Date('2026-11-01T00:07:13Z').getTime();

describe('cached uptime buckets', () => {
  it('agree with uptimeRatio over 24 h and 7 d while time moves on and the cache fills', async () => {
    const records = new ServiceRecords(store);
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const events: Array<[number, boolean | null]> = [];
    for (let at = t0; at < t0 + 9 * DAY; at += Math.floor(random() * 90 * MINUTE)) {
      const r = random();
      events.push([at, r < 0.1 ? null : r < 0.6]);
    }
    const buckets = new UptimeBuckets(store);
    let written = 0;
    for (const now of [t0 + 3 * DAY, t0 + 8 * DAY + 17 * MINUTE, t0 + 8 * DAY + 33 * MINUTE + 5_000, t0 + 9 * DAY + 2 * MINUTE]) {
      // Events are written as they happen: none is ever later than the moment the page is drawn.
      for (; written < events.length && events[written]![0] <= now; written++) {
        await records.event('flappy', 'test', events[written]![1], null, new Date(events[written]![0]));
      }
      for (const window of [DAY, 7 * DAY]) {
        const expected = (await uptimeRatio(store, 'flappy', new Date(now - window), new Date(now)))!;
        expect(await buckets.ratio('flappy', now - window, now)).toBeCloseTo(expected, 9);
      }
    }
    expect(await buckets.ratio('nothing-known', t0, t0 + DAY)).toBeNull();
  });

  it('draws the history as green (up), red (down) and grey (unknown) columns', async () => {
    const records = new ServiceRecords(store);
    const start = Math.floor((t0 + 20 * DAY) / (15 * MINUTE)) * 15 * MINUTE;
    await records.event('chart', 'started', true, null, new Date(start + 6 * 3_600_000));
    await records.event('chart', 'exited', false, null, new Date(start + 12 * 3_600_000));
    const slots = await new UptimeBuckets(store).slots('chart', start, start + DAY);
    const svg = historyChart('chart <x>', slots, start, start + DAY).value;
    // 0–6 h unknown (grey), 6–12 h up (green), 12–24 h down (the red background shows).
    expect(svg).toContain('<rect class="down" width="288" height="18"/>');
    expect(/<path class="up" d="([^"]+)"/.exec(svg)?.[1]).toBe(Array.from({ length: 24 }, (_, i) => `M${72 + 3 * i} 0h3V18h-3z`).join(''));
    expect(/<path class="unknown" d="([^"]+)"/.exec(svg)?.[1]).toBe(Array.from({ length: 24 }, (_, i) => `M${3 * i} 0h3v18h-3z`).join(''));
    expect(svg).toContain('chart &lt;x&gt;');
  });

  it('escapes every interpolation of the html template unless it is already safe', () => {
    const title = `<script>alert("x")</script> & 'y'`;
    expect(html`<td title="${title}">${title}${html`<b>${'<i>'}</b>`}${[1, '<2>']}${null}</td>`.value).toBe(
      '<td title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;<b>&lt;i&gt;</b>1&lt;2&gt;</td>',
    );
  });
});
