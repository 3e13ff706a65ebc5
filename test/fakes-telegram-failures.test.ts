import { describe, expect, it } from 'vitest';
import { Telegraf } from 'telegraf';
import { failure, TOKEN, useTelegrafOnFake } from './helpers/telegraf-on-fake.js';

type CallApiOptions = Parameters<Telegraf['telegram']['callApi']>[2];

const setup = useTelegrafOnFake();

describe('fake Telegram Bot API: scripted failures, pacing and refusals, as telegraf sees them', () => {
  it('surfaces a scripted 429 with retry_after, then answers normally', async () => {
    const { bot, fake } = await setup();
    fake.script('sendMessage', { kind: '429', retryAfter: 7 });
    const error = await failure(bot.telegram.sendMessage(1, 'a'));
    expect(error.code).toBe(429);
    expect(error.description).toBe('Too Many Requests: retry after 7');
    expect(error.response.parameters?.retry_after).toBe(7);
    await bot.telegram.sendMessage(1, 'b');
    expect(fake.calls.map((c) => [c.method, c.status])).toEqual([
      ['sendMessage', 429],
      ['sendMessage', 200],
    ]);
    expect(fake.messages.map((m) => m.text)).toEqual(['b']);
  });

  it('paces chats like Telegram when rateLimit is on', async () => {
    const { bot, fake } = await setup({ rateLimit: true });
    await bot.telegram.sendMessage(5, 'first');
    const error = await failure(bot.telegram.sendMessage(5, 'second'));
    expect(error.code).toBe(429);
    expect(error.parameters?.retry_after).toBe(1);
    for (let i = 0; i < 20; i++) await bot.telegram.sendMessage(-77, `group ${i}`);
    const group = await failure(bot.telegram.sendMessage(-77, 'one too many'));
    expect(group.parameters?.retry_after).toBeGreaterThanOrEqual(59);
    expect(fake.inChat(-77)).toHaveLength(20);
  });

  it('answers scripted 5xx and errors; telegraf reports the HTTP status text', async () => {
    const { bot, fake } = await setup();
    fake.script('*', { kind: '5xx' });
    fake.script('sendMessage', { kind: 'error', code: 403, description: 'Forbidden: bot was blocked by the user' });
    const forbidden = await failure(bot.telegram.sendMessage(1, 'a'));
    expect([forbidden.code, forbidden.description]).toEqual([403, 'Forbidden: bot was blocked by the user']);
    const gateway = await failure(bot.telegram.sendMessage(1, 'a'));
    expect([gateway.code, gateway.description]).toEqual([502, 'Bad Gateway']);
    fake.rejectChat(-5, 400, 'Bad Request: chat not found');
    expect((await failure(bot.telegram.sendMessage(-5, 'a'))).description).toBe('Bad Request: chat not found');
    await bot.telegram.sendMessage(1, 'a');
  });

  it('hangs a scripted call until the client aborts it', async () => {
    const { bot, fake } = await setup();
    fake.script('sendMessage', { kind: 'hang' });
    // telegraf types `signal` as the `abort-controller` polyfill's AbortSignal; a native one works at runtime.
    const options = { signal: AbortSignal.timeout(200) } as unknown as CallApiOptions;
    const error: unknown = await bot.telegram
      .callApi('sendMessage', { chat_id: 1, text: 'lost?' }, options)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('AbortError');
    expect(fake.calls).toMatchObject([{ method: 'sendMessage', status: 0, payload: { chat_id: 1, text: 'lost?' } }]);
    expect(fake.messages).toEqual([]);

    fake.script('sendMessage', { kind: 'hang' });
    const pending = bot.telegram.sendMessage(1, 'never answered').catch((e: unknown) => e);
    await fake.waitFor(() => fake.calls.length === 2);
    await fake.close();
    expect(await pending).toMatchObject({ name: 'FetchError' });
  });

  it('refuses a wrong token and unknown methods', async () => {
    const { fake } = await setup();
    const other = new Telegraf('999:wrong', { telegram: { apiRoot: fake.apiRoot } });
    const unauthorized = await failure(other.telegram.getMe());
    expect([unauthorized.code, unauthorized.description]).toEqual([401, 'Unauthorized']);
    const res = await fetch(`${fake.apiRoot}/bot${TOKEN}/sendTelepathy`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ ok: false, error_code: 404, description: 'Not Found: method not found' });
  });
});
