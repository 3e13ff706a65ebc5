import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, TEST_API_TOKEN, type TestBot } from './helpers/bot.js';
import { startFakes, type Fakes } from './helpers/fakes.js';
import { waitUntil } from './helpers/wait.js';

let fakes: Fakes;
let bot: TestBot;
beforeAll(async () => {
  fakes = await startFakes();
  bot = await startTestBot({
    yaml: `
# The heartbeat goes stale about 2 s after the start, before or during the counting below on a loaded
# machine: its alert is stored and counted, but posted nowhere, so the delivery counts stay the test's own.
routes:
  - { name: heartbeats, match: { labels: { heartbeat: nightly } } }
defaultRoute: { discord: ["100"], telegram: ["-200"] }
pacing:
  discordChannel: { intervalMs: 10, burst: 100 }
  telegramGroup: { intervalMs: 10, burst: 100 }
heartbeats: [{ name: nightly, period: 1s, grace: 1s }]
`,
    discordApiUrl: fakes.discord.apiUrl,
    telegramApiRoot: fakes.telegram.apiRoot,
  });
});
afterAll(async () => {
  await bot?.destroy();
  await fakes?.close();
});

async function scrape(token: string | null = TEST_API_TOKEN): Promise<{ status: number; text: string }> {
  const response = await fetch(`${bot.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, text: await response.text() };
}

const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('GET /metrics', () => {
  it('needs the API token like the API', async () => {
    expect((await scrape(null)).status).toBe(401);
  });

  it('exports every severity, platform × outcome, level and heal outcome, at 0 until something counts', async () => {
    const { text } = await scrape();
    for (const series of [
      'opsbot_alerts_firing{severity="INFO"}',
      'opsbot_alerts_received_total{severity="INFO"}',
      'opsbot_deliveries_total{platform="discord",outcome="failed"}',
      'opsbot_deliveries_total{platform="telegram",outcome="summarized"}',
      'opsbot_escalations_total{level="L4"}',
      'opsbot_heal_runs_total{outcome="failed"}',
    ]) {
      expect(value(text, series), series).toBe(0);
    }
    expect(value(text, 'opsbot_delivery_latency_seconds_count{platform="telegram"}')).toEqual(expect.any(Number));
  });

  it('counts alerts, deliveries, latency, queues and stale heartbeats in Prometheus format', async () => {
    // One at a time, each posted before the next comes: alerts that wait behind others for seconds
    // (a loaded machine) would be folded into a storm summary instead of counted as sent.
    const sent = async (platform: string) => value((await scrape()).text, `opsbot_deliveries_total{platform="${platform}",outcome="sent"}`);
    for (const [n, alert] of [{ severity: 'CRIT', title: 'a' }, { severity: 'CRIT', title: 'b' }, { severity: 'INFO', title: 'c' }].entries()) {
      await bot.post('/api/v1/alerts', alert);
      await waitUntil(`alert ${alert.title} sent to both`, async () => (await sent('telegram')) === n + 1 && (await sent('discord')) === n + 1);
    }
    const { text } = await scrape();
    expect(value(text, 'opsbot_alerts_received_total{severity="CRIT"}')).toBe(2);
    expect(value(text, 'opsbot_alerts_received_total{severity="INFO"}')).toBe(1);
    expect(value(text, 'opsbot_alerts_firing{severity="CRIT"}')).toBe(2);
    expect(value(text, 'opsbot_deliveries_total{platform="discord",outcome="sent"}')).toBe(3);
    expect(value(text, 'opsbot_delivery_latency_seconds_count{platform="discord"}')).toBe(3);
    expect(value(text, 'opsbot_delivery_latency_seconds_bucket{le="+Inf",platform="telegram"}')).toBe(3);
    expect(text).toMatch(/^opsbot_queue_backlog\{queue="deliver"\} \d+$/m);
    expect(text).toMatch(/^opsbot_queue_backlog\{queue="escalate"\} [1-9]\d*$/m);
    expect(text).toContain('# TYPE opsbot_delivery_latency_seconds histogram');
    expect(text).toContain('opsbot_process_resident_memory_bytes');

    await waitUntil('the heartbeat stale', async () => value((await scrape()).text, 'opsbot_heartbeats_stale') === 1, 6_000);
  });
});
