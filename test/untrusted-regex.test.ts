import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../src/config/load.js';
import { createSilence } from '../src/alerts/silence-hold.js';
import { useChatWorld } from './helpers/chat-world.js';

const world = useChatWorld();
const { postAlert, telegramCommand } = world;

describe('regular expressions from chat and config run in linear time', () => {
  /*
   * The issue's scenario: with V8's backtracking engine this POST took 40 s and froze /healthz with it.
   * The issue asks for "under 50 ms". On this shared 2-core machine one request can be delayed by
   * another process, so the bound is checked on the median of five such requests: still about a
   * thousand times below the stall, and an ordinary POST here answers in a few milliseconds.
   */
  it("/silence service=~(a+)+ then an alert with service 'a'×33+'!': the POST answers in under 50 ms and /healthz stays live", async () => {
    expect(await telegramCommand('/silence service=~(a+)+ 1h')).toContain('Silence #');
    const service = `${'a'.repeat(33)}!`;
    const timings: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const [alert, health] = await Promise.all([
        world.bot.post('/api/v1/alerts', { severity: 'CRIT', title: `nested quantifier ${i}`, service }),
        world.bot.get('/healthz', null),
      ]);
      timings.push(performance.now() - started);
      expect(timings[i], 'one request stalled').toBeLessThan(1_000);
      expect(alert.status).toBe(202);
      expect(health).toEqual({ status: 200, body: { ok: true } });
    }
    const median = [...timings].sort((a, b) => a - b)[2]!;
    expect(median, `timings ${timings.map((t) => t.toFixed(1)).join(', ')} ms`).toBeLessThan(50);

    const silenced = await postAlert({ title: 'matched by the silence', service: 'aaaa' });
    expect((await world.bot.get(`/api/v1/alerts/${silenced}`)).body.silenceId).not.toBeNull();
  });

  it('a silence regex matches the whole value, as in Alertmanager', async () => {
    expect(await telegramCommand('/silence service=~pay 1h')).toContain('Silence #');
    const partial = await postAlert({ title: 'payments is not pay', service: 'payments' });
    expect((await world.bot.get(`/api/v1/alerts/${partial}`)).body.silenceId).toBeNull();
    const whole = await postAlert({ title: 'pay itself', service: 'pay' });
    expect((await world.bot.get(`/api/v1/alerts/${whole}`)).body.silenceId).not.toBeNull();
  });

  it('refuses what RE2 does not accept and regexes over 1000 characters, saying why', async () => {
    expect(await telegramCommand('/silence env=~(?=prod) 1h')).toContain(
      'the regular expression in "env=~(?=prod)" is not a valid regular expression (RE2 syntax)',
    );
    expect(await telegramCommand(`/silence env=~${'x'.repeat(1_001)} 1h`)).toContain(
      'is too long: 1001 characters, where a regular expression may have at most 1000',
    );
  });

  it('a silence stored before, whose pattern RE2 refuses, holds nothing back', async () => {
    await createSilence(world.bot.bot.store, {
      matchers: [{ name: 'service', op: '=~', value: '(?=legacy).*' }],
      durationMs: 3_600_000,
      reason: 'stored by an older opsbot',
      createdBy: 'test',
    });
    const id = await postAlert({ title: 'still posted', service: 'legacy' });
    const alert = (await world.bot.get(`/api/v1/alerts/${id}`)).body;
    expect(alert.silenceId).toBeNull();
    expect(alert.deliveries.map((d: { state: string }) => d.state)).not.toContain('silenced');
  });

  it('refuses a config route regex RE2 does not accept or that is too long, naming the key', () => {
    const route = (regex: string) => `routes:\n  - name: r\n    match: { labels: { env: { regex: ${JSON.stringify(regex)} } } }\n`;
    expect(() => parseConfigText(route('(a)\\1'), 'x.yaml')).toThrowError(
      /routes\[0\]\.match\.labels\.env\.regex: not a valid regular expression \(RE2 syntax\)/,
    );
    expect(() => parseConfigText(route('y'.repeat(1_001)), 'x.yaml')).toThrowError(
      /routes\[0\]\.match\.labels\.env\.regex: too long: 1001 characters, where a regular expression may have at most 1000/,
    );
  });
});
