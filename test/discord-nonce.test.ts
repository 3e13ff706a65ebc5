import { describe, expect, it } from 'vitest';
import { useBotWithFakes } from './helpers/bot-with-fakes.js';
import { waitUntil } from './helpers/wait.js';

const YAML = `
defaultRoute:
  discord: ["700"]
routes:
  - name: pager
    match: { service: pager }
    discord: ["710"]
    escalation: quick
escalation:
  policies:
    quick:
      levels:
        - { level: 1, after: 1s, discord: ["711"] }
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

  it('the same holds for the Resolved reply and for an escalation notice', async () => {
    const res = await world.bot.post('/api/v1/alerts', { severity: 'CRIT', title: 'checkout down', service: 'pager' });
    const id = res.body.alerts[0].id as number;
    await waitUntil('the alert posted', () => world.fakes.discord.inChannel('710').length === 1);
    world.fakes.discord.script('POST /channels/:id/messages', { kind: '5xx', status: 502, process: true }, 1);
    await waitUntil('the L1 notice recorded as done', async () => (await world.bot.get(`/api/v1/alerts/${id}`)).body.escalation[0]?.state === 'done', 15_000);
    const notices = (channel: string) => world.fakes.discord.inChannel(channel).filter((m) => m.content.includes(`alert #${id} has not been acknowledged`));
    expect(notices('710')).toHaveLength(1);
    expect(notices('711')).toHaveLength(1);

    const posts = () => world.fakes.discord.calls.filter((c) => c.method === 'POST' && c.path === '/channels/710/messages');
    const before = posts().length;
    world.fakes.discord.script('POST /channels/:id/messages', { kind: '5xx', status: 502, process: true }, 1);
    expect((await world.bot.post(`/api/v1/alerts/${id}/resolve`, {})).status).toBe(200);
    const reply = () => posts().slice(before);
    await waitUntil('the Resolved reply posted, refused with 502 and posted again', () => reply().length === 2 && reply()[1]!.status === 200, 15_000);
    expect(reply()[1]!.body).toMatchObject({ nonce: (reply()[0]!.body as { nonce: string }).nonce, enforce_nonce: true });
    expect(world.fakes.discord.inChannel('710')).toHaveLength(3);
  });
});

describe('a Discord post repeated after its answer was lost while the alert changed', () => {
  const world = useBotWithFakes(`
defaultRoute:
  discord: ["720"]
delivery:
  backoffMs: 1500
  backoffMaxMs: 1500
`);
  const deliveryOf = async (id: number) => (await world.bot.get(`/api/v1/alerts/${id}`)).body.deliveries[0];

  it('shows the change: the message Discord returns for the repeat is edited up to date', async () => {
    world.fakes.discord.script('POST /channels/:id/messages', { kind: '5xx', status: 502, process: true }, 1);
    const alert = { severity: 'CRIT', title: 'api errors', dedupKey: 'api-errors' };
    const id = (await world.bot.post('/api/v1/alerts', alert)).body.alerts[0].id;
    await waitUntil('the first attempt recorded as failed', async () => (await deliveryOf(id)).attempts === 1);
    expect((await world.bot.post('/api/v1/alerts', alert)).body.alerts[0].outcome).toBe('deduplicated');
    await waitUntil('the delivery stored as sent', async () => (await deliveryOf(id)).state === 'sent');
    await waitUntil('the message showing the repeat', () => JSON.stringify(world.fakes.discord.inChannel('720')[0]?.embeds).includes('2×'));
    expect(world.fakes.discord.inChannel('720')).toHaveLength(1);
  });
});
