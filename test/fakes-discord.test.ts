import { afterEach, describe, expect, it } from 'vitest';
import {
  Client,
  DiscordAPIError,
  EmbedBuilder,
  Events,
  GatewayIntentBits,
  HTTPError,
  REST,
  Routes,
  type ChatInputCommandInteraction,
  type Interaction,
} from 'discord.js';
import { FakeDiscord } from './fakes/discord.js';

const TOKEN = 'fake-bot-token';
const GUILD = '100000000000000001';
const CHANNEL = '200000000000000001';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function startFake(opts: Parameters<typeof FakeDiscord.start>[0] = {}): Promise<FakeDiscord> {
  const fake = await FakeDiscord.start({ token: TOKEN, guilds: [{ id: GUILD, name: 'ops', channels: [CHANNEL] }], ...opts });
  cleanups.push(() => fake.close());
  return fake;
}

function restFor(fake: FakeDiscord, options: { retries?: number; timeout?: number } = {}): REST {
  return new REST({ api: fake.apiUrl, ...options }).setToken(TOKEN);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the request to be rejected'),
    (error: unknown) => error,
  );
}

function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const alertEmbed = new EmbedBuilder()
  .setTitle('disk full on db-1')
  .setDescription('/var is at 99 %')
  .setColor(0xe74c3c)
  .addFields({ name: 'service', value: 'postgres', inline: true })
  .setTimestamp(new Date())
  .toJSON();

describe('fake Discord REST with the real discord.js REST client', () => {
  it('stores a posted embed message with its allowed_mentions, and edits it', async () => {
    const fake = await startFake();
    const rest = restFor(fake);
    const sent = (await rest.post(Routes.channelMessages(CHANNEL), {
      body: { content: 'alert', embeds: [alertEmbed], allowed_mentions: { parse: [] } },
    })) as { id: string; channel_id: string; embeds: unknown[] };

    expect(sent.channel_id).toBe(CHANNEL);
    expect(fake.inChannel(CHANNEL)).toHaveLength(1);
    const stored = fake.messages[0]!;
    expect(stored).toMatchObject({ id: sent.id, content: 'alert', allowedMentions: { parse: [] }, edits: 0 });
    expect(stored.embeds[0]).toMatchObject({ title: 'disk full on db-1', color: 0xe74c3c });
    const post = fake.calls.find((c) => c.method === 'POST');
    expect(post).toMatchObject({ path: `/channels/${CHANNEL}/messages`, auth: `Bot ${TOKEN}`, status: 200, route: 'POST /channels/:id/messages' });

    await rest.patch(Routes.channelMessage(CHANNEL, sent.id), { body: { content: 'alert (acked)', components: [] } });
    expect(fake.messages[0]).toMatchObject({ content: 'alert (acked)', edits: 1 });
    expect(fake.messages[0]!.editedAt).toBeTypeOf('number');
    expect(fake.messages[0]!.embeds).toHaveLength(1);
  });

  it('keeps the connection alive between requests, as the real API does, so discord.js reuses it', async () => {
    const fake = await startFake();
    const rest = restFor(fake);
    for (let i = 0; i < 3; i++) {
      await rest.post(Routes.channelMessages(CHANNEL), { body: { content: `alert ${i}` } });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(fake.inChannel(CHANNEL)).toHaveLength(3);
    expect(fake.connectionsOpened).toBe(1);
  });

  it('answers too-long content and descriptions with DiscordAPIError 400 / 50035 and the nested error path', async () => {
    const fake = await startFake();
    const rest = restFor(fake);

    const long = await rejection(rest.post(Routes.channelMessages(CHANNEL), { body: { content: 'x'.repeat(2001) } }));
    expect(long).toBeInstanceOf(DiscordAPIError);
    expect(long).toMatchObject({ status: 400, code: 50035 });
    expect((long as DiscordAPIError).rawError).toMatchObject({
      message: 'Invalid Form Body',
      errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] } },
    });

    const embed = { title: 't', description: 'd'.repeat(4097) };
    const tooLong = await rejection(rest.post(Routes.channelMessages(CHANNEL), { body: { embeds: [embed] } }));
    expect(tooLong).toMatchObject({ status: 400, code: 50035 });
    expect((tooLong as DiscordAPIError).message).toContain('embeds[0].description[BASE_TYPE_MAX_LENGTH]');

    const empty = await rejection(rest.post(Routes.channelMessages(CHANNEL), { body: { content: '' } }));
    expect(empty).toMatchObject({ status: 400, code: 50006 });

    const button = (i: number) => ({ type: 2, style: 1, label: `b${i}`, custom_id: `b${i}` });
    const sixButtons = [{ type: 1, components: [0, 1, 2, 3, 4, 5].map(button) }];
    const wide = await rejection(rest.post(Routes.channelMessages(CHANNEL), { body: { content: 'x', components: sixButtons } }));
    expect(wide).toMatchObject({ status: 400, code: 50035 });
    expect(fake.messages).toHaveLength(0);
  });

  it('answers a rejected channel with its code', async () => {
    const fake = await startFake();
    fake.rejectChannel(CHANNEL, 404, 10003, 'Unknown Channel');
    const error = await rejection(restFor(fake).post(Routes.channelMessages(CHANNEL), { body: { content: 'hi' } }));
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect(error).toMatchObject({ status: 404, code: 10003, message: 'Unknown Channel' });
  });

  it('rejects a wrong bot token with 401', async () => {
    const fake = await startFake();
    const rest = new REST({ api: fake.apiUrl }).setToken('someone-else');
    const error = await rejection(rest.post(Routes.channelMessages(CHANNEL), { body: { content: 'hi' } }));
    expect(error).toMatchObject({ status: 401, code: 0 });
    expect(fake.messages).toHaveLength(0);
  });

  it('lets discord.js wait out a 429 and delivers the message exactly once', async () => {
    const fake = await startFake();
    fake.script('POST /channels/:id/messages', { kind: '429', retryAfter: 0.3 });
    const rest = restFor(fake);
    const limited: unknown[] = [];
    rest.on('rateLimited', (info) => limited.push(info));

    await rest.post(Routes.channelMessages(CHANNEL), { body: { content: 'after the limit' } });

    expect(fake.inChannel(CHANNEL).map((m) => m.content)).toEqual(['after the limit']);
    const posts = fake.calls.filter((c) => c.method === 'POST');
    expect(posts.map((c) => c.status)).toEqual([429, 200]);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(250);
    expect(limited).toHaveLength(1);
  });

  it('surfaces a scripted 502 as HTTPError when retries are off', async () => {
    const fake = await startFake();
    fake.script('POST /channels/:id/messages', { kind: '5xx' });
    const error = await rejection(restFor(fake, { retries: 0 }).post(Routes.channelMessages(CHANNEL), { body: { content: 'x' } }));
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({ status: 502, name: 'HTTPError' });
    expect(fake.messages).toHaveLength(0);
  });

  it('times a hanging request out as an abort, and close() releases it', async () => {
    const fake = await startFake();
    fake.script('*', { kind: 'hang' });
    const error = await rejection(restFor(fake, { timeout: 300, retries: 0 }).post(Routes.channelMessages(CHANNEL), { body: { content: 'x' } }));
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('AbortError');
    expect(fake.calls[0]?.status).toBe(0);
    await within(2000, 'fake.close()', fake.close());
  });

  it('registers application commands with one bulk PUT', async () => {
    const fake = await startFake();
    const rest = restFor(fake);
    const body = [{ name: 'status', description: 'Show open alerts' }];
    await rest.put(Routes.applicationGuildCommands(fake.applicationId, GUILD), { body });
    expect(fake.commands.guild[GUILD]?.map((c) => c.name)).toEqual(['status']);

    const bad = await rejection(rest.put(Routes.applicationCommands(fake.applicationId), { body: [{ name: 'Status', description: 'x' }] }));
    expect(bad).toMatchObject({ status: 400, code: 50035 });
  });
});

describe('fake Discord gateway with the real discord.js Client', () => {
  async function loggedIn(fake: FakeDiscord): Promise<Client> {
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
    cleanups.push(() => client.destroy());
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    await client.login(TOKEN);
    await within(5000, 'clientReady', ready);
    return client;
  }

  it('logs in, sees the guild channel, receives a slash command and answers it', async () => {
    const fake = await startFake();
    const baseline = process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP')).length;
    const client = await loggedIn(fake);

    expect(fake.gatewaySessions).toBe(1);
    expect(client.user?.id).toBe(fake.botUserId);
    expect(client.channels.cache.get(CHANNEL)?.isTextBased()).toBe(true);

    const received = new Promise<ChatInputCommandInteraction>((resolve) => {
      client.on(Events.InteractionCreate, (interaction: Interaction) => {
        if (interaction.isChatInputCommand()) resolve(interaction);
      });
    });
    await fake.sendInteraction({
      type: 2,
      data: { id: '300000000000000001', name: 'status', type: 1 },
      guild_id: GUILD,
      channel_id: CHANNEL,
      member: { user: { id: '400000000000000001', username: 'oncall' }, roles: [], permissions: '0' },
    });
    const interaction = await within(5000, 'interactionCreate', received);
    expect(interaction.commandName).toBe('status');
    expect(interaction.channelId).toBe(CHANNEL);
    expect(interaction.user.username).toBe('oncall');

    await interaction.reply({ content: 'ok' });
    expect(fake.interactionResponses).toHaveLength(1);
    expect(fake.interactionResponses[0]).toMatchObject({ interactionId: interaction.id, kind: 'callback', body: { type: 4, data: { content: 'ok' } } });
    await interaction.editReply({ content: 'ok, 0 open alerts' });
    await interaction.followUp({ content: 'more' });
    expect(fake.interactionResponses.map((r) => r.kind)).toEqual(['callback', 'edit-original', 'followup']);
    expect(fake.messages).toHaveLength(0);

    await within(2000, 'client.destroy()', client.destroy());
    await within(2000, 'fake.close()', fake.close());
    const openTcp = () => process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP')).length;
    await within(2000, 'sockets closing', (async () => {
      while (openTcp() > baseline - 1) await new Promise((resolve) => setTimeout(resolve, 10));
    })());
  });

  it('refuses a second answer and an answer after the deadline', async () => {
    const fake = await startFake({ interactionTimeoutMs: 200 });
    const client = await loggedIn(fake);
    const seen: ChatInputCommandInteraction[] = [];
    client.on(Events.InteractionCreate, (i) => void (i.isChatInputCommand() && seen.push(i)));
    const command = (name: string) => ({
      type: 2, data: { id: '300000000000000001', name, type: 1 }, guild_id: GUILD, channel_id: CHANNEL,
      member: { user: { id: '400000000000000001', username: 'oncall' } },
    });

    await fake.sendInteraction(command('status'));
    const first = await fake.waitFor(() => seen[0]);
    await first.deferReply();
    const twice = await rejection(client.rest.post(Routes.interactionCallback(first.id, first.token), { body: { type: 4, data: { content: 'x' } }, auth: false }));
    expect(twice).toMatchObject({ status: 400, code: 40060 });

    await fake.sendInteraction(command('ack'));
    const late = await fake.waitFor(() => seen[1]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await rejection(late.reply({ content: 'too late' }))).toMatchObject({ status: 404, code: 10062 });
  });

  it('resumes a dropped gateway session and replays what it missed', async () => {
    const fake = await startFake();
    const client = await loggedIn(fake);
    const names: string[] = [];
    client.on(Events.InteractionCreate, (i) => void (i.isChatInputCommand() && names.push(i.commandName)));

    fake.dropGateway(4000);
    await fake.waitFor(() => fake.gatewaySessions === 0);
    await fake.sendInteraction({
      type: 2, data: { id: '300000000000000001', name: 'status', type: 1 }, guild_id: GUILD, channel_id: CHANNEL,
      member: { user: { id: '400000000000000001', username: 'oncall' } },
    });
    await fake.waitFor(() => names.length > 0, 10_000);
    expect(names).toEqual(['status']);
    expect(fake.gatewaySessions).toBe(1);
  });

  it('rejects a login with a wrong token', async () => {
    const fake = await startFake();
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
    cleanups.push(() => client.destroy());
    const error = await rejection(client.login('wrong-token'));
    expect(error).toMatchObject({ code: 'TokenInvalid' });
    expect(fake.gatewaySessions).toBe(0);
  });
});
