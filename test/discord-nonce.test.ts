import { describe, expect, it } from 'vitest';
import { useBotWithFakes } from './helpers/bot-with-fakes.js';
import { waitUntil } from './helpers/wait.js';

const YAML = `
defaultRoute:
  discord: ["700"]
delivery:
  backoffMs: 100
  backoffMaxMs: 200
`;

describe('a Discord post that was accepted but whose answer was lost', () => {
  const world = useBotWithFakes(YAML);

  it('is not posted again by the retry: Discord returns the first message for the repeated nonce', async () => {
    world.fakes.discord.script('POST /channels/:id/messages', { kind: '5xx', status: 502, process: true }, 1);
    const res = await world.bot.post('/api/v1/alerts', { severity: 'CRIT', title: 'payments down' });
    expect(res.status).toBe(202);
    const id = res.body.alerts[0].id as number;
    const delivery = await waitUntil('the delivery recorded as sent', async () => {
      const [d] = (await world.bot.get(`/api/v1/alerts/${id}`)).body.deliveries;
      return d.state === 'sent' ? d : undefined;
    });
    expect(delivery.attempts).toBe(1);
    const messages = world.fakes.discord.inChannel('700');
    expect(messages).toHaveLength(1);
    expect(messages[0]!.nonce).toBeDefined();
  });
});
