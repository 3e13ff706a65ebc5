import { describe, expect, it } from 'vitest';
import { Markup } from 'telegraf';
import { parseTelegramHtml } from './fakes/telegram.js';
import { failure, TOKEN, useTelegrafOnFake } from './helpers/telegraf-on-fake.js';

const setup = useTelegrafOnFake();

describe('fake Telegram Bot API with the real telegraf client', () => {
  it('answers getMe with the test bot', async () => {
    const { bot } = await setup();
    const me = await bot.telegram.getMe();
    expect(me).toMatchObject({ id: 123456, is_bot: true, first_name: 'opsbot', username: 'opsbot_test_bot' });
  });

  it('stores an HTML message with its visible text and per-chat message ids', async () => {
    const { fake, bot } = await setup();
    const sent = await bot.telegram.sendMessage(
      '-1001234567890',
      '<b>CPU</b> &lt;90% &amp; rising on <code>db-1</code>\n<a href="https://grafana.example/d/1">graph</a>',
      { parse_mode: 'HTML' },
    );
    expect(sent.message_id).toBe(1);
    expect(sent.chat).toMatchObject({ id: -1001234567890, type: 'supergroup' });
    expect(sent.text).toBe('CPU <90% & rising on db-1\ngraph');
    expect(sent.entities).toEqual([
      { type: 'bold', offset: 0, length: 3 },
      { type: 'code', offset: 21, length: 4 },
      { type: 'text_link', offset: 26, length: 5, url: 'https://grafana.example/d/1' },
    ]);

    await bot.telegram.sendMessage('-1001234567890', 'second');
    await bot.telegram.sendMessage(42, 'in another chat');
    expect(fake.inChat('-1001234567890').map((m) => [m.messageId, m.text])).toEqual([
      [1, 'CPU <90% & rising on db-1\ngraph'],
      [2, 'second'],
    ]);
    expect(fake.inChat(42)).toMatchObject([{ chatId: '42', messageId: 1, edits: 0 }]);
    expect(fake.messages[0]).toMatchObject({
      parseMode: 'HTML',
      html: expect.stringContaining('<b>CPU</b> &lt;90%') as unknown,
    });
  });

  it('edits text and reply markup, and refuses edits Telegram refuses', async () => {
    const { fake, bot } = await setup();
    const keyboard = Markup.inlineKeyboard([Markup.button.callback('Ack', 'ack:1')]);
    const sent = await bot.telegram.sendMessage(7, '<b>FIRING</b> disk full', { parse_mode: 'HTML', ...keyboard });

    await bot.telegram.editMessageText(7, sent.message_id, undefined, '<b>ACKED</b> disk full', { parse_mode: 'HTML', ...keyboard });
    expect(fake.inChat(7)).toMatchObject([{ text: 'ACKED disk full', edits: 1, replyMarkup: keyboard.reply_markup }]);

    const same = await failure(
      bot.telegram.editMessageText(7, sent.message_id, undefined, '<b>ACKED</b> disk full', { parse_mode: 'HTML', ...keyboard }),
    );
    expect(same.code).toBe(400);
    expect(same.description).toMatch(/^Bad Request: message is not modified: specified new message content and reply markup are exactly the same/);

    // An edit without reply_markup removes the buttons, as in real Telegram.
    await bot.telegram.editMessageText(7, sent.message_id, undefined, 'resolved');
    expect(fake.inChat(7)[0]).toMatchObject({ text: 'resolved', edits: 2 });
    expect(fake.inChat(7)[0]?.replyMarkup).toBeUndefined();
    expect(fake.messages).toHaveLength(1);

    await bot.telegram.editMessageReplyMarkup(7, sent.message_id, undefined, keyboard.reply_markup);
    expect(fake.inChat(7)[0]).toMatchObject({ edits: 3, replyMarkup: keyboard.reply_markup });

    const missing = await failure(bot.telegram.editMessageText(7, 99, undefined, 'x'));
    expect(missing.description).toBe('Bad Request: message to edit not found');

    await bot.telegram.deleteMessage(7, sent.message_id);
    expect(fake.inChat(7)).toEqual([]);
    expect((await failure(bot.telegram.deleteMessage(7, sent.message_id))).description).toBe(
      'Bad Request: message to delete not found',
    );
  });

  it('refuses empty and too-long text, counting visible characters', async () => {
    const { bot } = await setup();
    expect((await failure(bot.telegram.sendMessage(1, '  '))).description).toBe('Bad Request: message text is empty');
    expect((await failure(bot.telegram.sendMessage(1, '<b></b>', { parse_mode: 'HTML' }))).description).toBe(
      'Bad Request: message text is empty',
    );
    const tooLong = await failure(bot.telegram.sendMessage(1, 'x'.repeat(4097)));
    expect(tooLong.code).toBe(400);
    expect(tooLong.description).toBe('Bad Request: message is too long');
    // 4096 visible characters are fine even though the HTML is far longer.
    const sent = await bot.telegram.sendMessage(1, `<b>${'&amp;'.repeat(4096)}</b>`, { parse_mode: 'HTML' });
    expect(sent.text).toHaveLength(4096);
  });

  it('refuses HTML that Telegram cannot parse, naming the byte offset', async () => {
    const { bot } = await setup();
    const send = (html: string) => failure(bot.telegram.sendMessage(1, html, { parse_mode: 'HTML' }));
    const cases: [string, string][] = [
      ['load <x>high</x>', 'Unsupported start tag "x" at byte offset 5'],
      ['<b>bold', `Can't find end tag corresponding to start tag "b"`],
      ['<b><i>x</b></i>', 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'],
      ['oops</b>', 'Unexpected end tag at byte offset 4'],
      ['a < b', 'Unsupported start tag "" at byte offset 2'],
      ['é <br>', 'Unsupported start tag "br" at byte offset 3'],
      ['x&nbsp;y', 'Unsupported HTML entity "&nbsp;"'],
    ];
    for (const [html, reason] of cases) {
      const error = await send(html);
      expect(error.code).toBe(400);
      expect(error.description).toContain(`Bad Request: can't parse entities: ${reason}`);
    }
    const ok = await bot.telegram.sendMessage(1, 'R&D &#60;3 &#x3E; <tg-spoiler>s</tg-spoiler> <blockquote expandable>q</blockquote>', {
      parse_mode: 'HTML',
    });
    expect(ok.text).toBe('R&D <3 > s q');
  });

  it('parses pre/code blocks with a language like Telegram', () => {
    expect(parseTelegramHtml('<pre><code class="language-ts">let a = 1;</code></pre>')).toEqual({
      ok: true,
      text: 'let a = 1;',
      entities: [{ type: 'pre', offset: 0, length: 10, language: 'ts' }],
    });
    expect(parseTelegramHtml('<span class="x">a</span>')).toEqual({
      ok: false,
      reason: 'Tag "span" must have class "tg-spoiler" at byte offset 0',
    });
    expect(parseTelegramHtml('&nbsp;', { strictEntities: false })).toMatchObject({ ok: true, text: '&nbsp;' });
  });

  it('rejects callback_data over 64 bytes (UTF-8)', async () => {
    const { bot, fake } = await setup();
    const data64 = `${'é'.repeat(31)}ab`; // 33 characters, 64 bytes
    await bot.telegram.sendMessage(1, 'ok', Markup.inlineKeyboard([Markup.button.callback('Ack', data64)]));
    const error = await failure(
      bot.telegram.sendMessage(1, 'too much', Markup.inlineKeyboard([Markup.button.callback('Ack', `${data64}c`)])),
    );
    expect(error.description).toBe('Bad Request: BUTTON_DATA_INVALID');
    expect(fake.messages).toHaveLength(1);
  });

  it('accepts form-encoded bodies and query strings', async () => {
    const { fake } = await setup();
    const form = await fetch(`${fake.apiRoot}/bot${TOKEN}/sendMessage`, {
      method: 'POST',
      body: new URLSearchParams({
        chat_id: '-100200',
        text: '<i>form</i>',
        parse_mode: 'HTML',
        reply_markup: JSON.stringify({ inline_keyboard: [[{ text: 'Go', callback_data: 'go' }]] }),
      }),
    });
    expect(form.status).toBe(200);
    const query = await fetch(`${fake.apiRoot}/bot${TOKEN}/sendMessage?chat_id=-100200&text=query&reply_to_message_id=1`);
    expect(await query.json()).toMatchObject({ ok: true, result: { message_id: 2, reply_to_message: { message_id: 1 } } });
    expect(fake.inChat('-100200')).toMatchObject([
      { text: 'form', replyMarkup: { inline_keyboard: [[{ text: 'Go', callback_data: 'go' }]] } },
      { text: 'query', replyToMessageId: 1 },
    ]);
  });

  it('stores bot commands per scope', async () => {
    const { bot, fake } = await setup();
    await bot.telegram.setMyCommands([{ command: 'status', description: 'Show open alerts' }]);
    await bot.telegram.setMyCommands([{ command: 'heal', description: 'Heal a service' }], { scope: { type: 'all_group_chats' } });
    expect(await bot.telegram.getMyCommands()).toEqual([{ command: 'status', description: 'Show open alerts' }]);
    expect(fake.commandsFor({ type: 'all_group_chats' })).toEqual([{ command: 'heal', description: 'Heal a service' }]);
    const bad = await failure(bot.telegram.setMyCommands([{ command: 'Status!', description: 'x' }]));
    expect(bad.description).toBe('Bad Request: BOT_COMMAND_INVALID');
    await bot.telegram.deleteMyCommands();
    expect(await bot.telegram.getMyCommands()).toEqual([]);
  });

  it('delivers a pushed /start to a launched bot, which then stops promptly', async () => {
    const { bot, fake } = await setup();
    bot.start((ctx) => ctx.reply(`hello ${ctx.from.first_name}`));
    let launched = false;
    const running = bot.launch(() => {
      launched = true;
    });
    await fake.waitFor(() => launched && fake.calls.some((c) => c.method === 'getUpdates'));
    fake.pushUpdate({ message: { chat: { id: 42, type: 'private' }, text: '/start' } });
    const reply = await fake.waitFor(() => fake.inChat(42)[0]);
    expect(reply.text).toBe('hello Alice');
    // The user's /start took message id 1 in that chat; the reply is 2.
    expect(reply.messageId).toBe(2);

    bot.stop('test over');
    await Promise.race([running, rejectAfter(3000, 'bot.launch() did not settle after bot.stop()')]);
    await Promise.race([fake.close(), rejectAfter(3000, 'fake.close() hung')]);
    const polls = fake.calls.filter((c) => c.method === 'getUpdates');
    expect(polls[0]?.payload).toMatchObject({ timeout: 50, offset: 0 });
    expect(polls.at(-1)?.payload).toMatchObject({ offset: 2, limit: 1 });
  });

  it('answers callback queries pushed under a bot message', async () => {
    const { bot, fake } = await setup();
    bot.action(/^ack:(\d+)$/, async (ctx) => {
      await ctx.answerCbQuery(`acked ${ctx.match[1]}`);
      await ctx.editMessageText('acked');
    });
    const sent = await bot.telegram.sendMessage(-100300, 'FIRING', Markup.inlineKeyboard([Markup.button.callback('Ack', 'ack:9')]));
    const running = bot.launch();
    const message = fake.inChat(-100300)[0];
    if (!message) throw new Error('message not stored');
    fake.pushCallback(message, 'ack:9');
    await fake.waitFor(() => fake.inChat(-100300)[0]?.text === 'acked');
    expect(fake.callbackAnswers).toMatchObject([{ text: 'acked 9', showAlert: false }]);
    expect(sent.message_id).toBe(1);
    bot.stop();
    await running;
  });

  it('terminates an older long poll with 409 when a second poller arrives', async () => {
    const { fake } = await setup();
    const url = `${fake.apiRoot}/bot${TOKEN}/getUpdates`;
    const first = fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"timeout":30}' });
    await fake.waitFor(() => fake.calls.length === 1);
    const second = fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"timeout":30}' });
    expect(await (await first).json()).toMatchObject({ ok: false, error_code: 409 });
    await fake.waitFor(() => fake.calls.length === 2);
    fake.pushUpdate({ update_id: 500, message: { text: 'hi' } });
    expect(await (await second).json()).toMatchObject({ ok: true, result: [{ update_id: 500, message: { text: 'hi' } }] });
  });

  it('explains a waitFor timeout', async () => {
    const { fake, bot } = await setup();
    await bot.telegram.sendMessage(3, 'only this');
    await expect(fake.waitFor(() => fake.messages.length > 1, 50)).rejects.toThrow(
      /condition not met within 50 ms.*1 message\(s\).*"only this".*sendMessage→200/,
    );
  });
});

function rejectAfter(ms: number, message: string): Promise<never> {
  return new Promise((_resolve, reject) => setTimeout(() => reject(new Error(message)), ms).unref());
}
