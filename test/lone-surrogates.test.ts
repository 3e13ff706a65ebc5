import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, type TestBot } from './helpers/bot.js';

const YAML = `
heartbeats:
  - { name: backup, period: 1h }
`;

/** JSON.stringify writes a lone surrogate as the escape `\ud800`, which JSON.parse turns back into one. */
const LONE_HIGH = '\ud800';
const LONE_LOW = '\udc00';

describe('JSON bodies with lone UTF-16 surrogates are refused with a 400 naming the field', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot({ yaml: YAML });
  });
  afterAll(async () => {
    await bot.destroy();
  });

  const refused = (field: string) => ({
    status: 400,
    body: {
      error: 'invalid text',
      issues: [{ field, problem: 'holds a lone UTF-16 surrogate (half of a \\uD800-\\uDFFF pair), which is not valid Unicode text' }],
    },
  });

  it('POST /api/v1/alerts: one alert, a batch, a label name; nothing is stored', async () => {
    expect(await bot.post('/api/v1/alerts', JSON.stringify({ severity: 'CRIT', title: `disk${LONE_HIGH}` }))).toEqual(refused('title'));
    const batch = [
      { severity: 'WARN', title: 'fine' },
      { severity: 'WARN', title: 'labels', labels: { env: `prod${LONE_LOW}` } },
    ];
    expect(await bot.post('/api/v1/alerts', JSON.stringify(batch))).toEqual(refused('[1].labels.env'));
    const badName = await bot.post('/api/v1/alerts', JSON.stringify({ severity: 'WARN', title: 'n', labels: { [`e${LONE_HIGH}`]: 'x' } }));
    expect(badName.body.issues[0].field).toBe('labels (the name "e\ufffd")');
    expect((await bot.get('/api/v1/alerts')).body.alerts).toEqual([]);

    const pair = await bot.post('/api/v1/alerts', JSON.stringify({ severity: 'INFO', title: 'deploy done 🚀' }));
    expect(pair.status).toBe(202);
    expect((await bot.get(`/api/v1/alerts/${pair.body.alerts[0].id}`)).body.title).toBe('deploy done 🚀');
  });

  it('heartbeats, metrics and actions refuse them too', async () => {
    expect(await bot.post('/api/v1/heartbeats/backup/fail', JSON.stringify({ message: `tar ${LONE_HIGH}` }))).toEqual(refused('message'));
    expect((await bot.get('/api/v1/heartbeats')).body.heartbeats[0]).toMatchObject({ name: 'backup', lastMessage: null });

    const metrics = { metrics: [{ name: 'queue.depth', value: 1, labels: { queue: `mail${LONE_LOW}` } }] };
    expect(await bot.post('/api/v1/metrics', JSON.stringify(metrics))).toEqual(refused('metrics[0].labels.queue'));

    const alert = await bot.post('/api/v1/alerts', { severity: 'WARN', title: 'to ack' });
    const id = alert.body.alerts[0].id;
    expect(await bot.post(`/api/v1/alerts/${id}/ack`, JSON.stringify({ by: `bob${LONE_HIGH}` }))).toEqual(refused('by'));
    expect((await bot.get(`/api/v1/alerts/${id}`)).body.ackedAt).toBeNull();
  });
});
