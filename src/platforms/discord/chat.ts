import { Client, Events, GatewayIntentBits, MessageFlags, type Interaction, type RepliableInteraction } from 'discord.js';
import type { Logger } from 'pino';
import { decodeAction } from '../render/actions.js';
import { discordReply } from './reply.js';
import { registerDiscordCommands } from './register.js';
import type { ChatFrontEnd } from '../platform.js';
import { privateReply, type CommandMenu, type Invocation, type Invoker, type Reply } from '../../shared/chat.js';

export interface DiscordChatOptions {
  token: string;
  apiUrl?: string;
  guildId?: string;
  /** Answer with a deferral when a command has not finished by then (Discord allows 3 s); 0 always defers. */
  deferAfterMs: number;
  readyTimeoutMs: number;
}

/**
 * Slash commands and button presses over the Discord Gateway. Parsing and rendering only: every
 * invocation goes to the shared command runner (a CommandMenu).
 */
export class DiscordChat implements ChatFrontEnd {
  /** Discord sends interactions over the Gateway session, not to an HTTP route of ours. */
  readonly webhook = null;

  private readonly client: Client;

  constructor(
    private readonly options: DiscordChatOptions,
    private readonly runner: CommandMenu,
    private readonly log: Logger,
  ) {
    this.client = new Client({ intents: [GatewayIntentBits.Guilds], ...(options.apiUrl ? { rest: { api: options.apiUrl } } : {}) });
    this.client.on(Events.InteractionCreate, (interaction) => void this.handle(interaction));
    this.client.on(Events.Error, (error) => this.log.error({ err: error }, 'discord gateway error'));
  }

  async start(): Promise<void> {
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no READY from the Discord gateway within ${this.options.readyTimeoutMs} ms`)), this.options.readyTimeoutMs);
      this.client.once(Events.ClientReady, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    await this.client.login(this.options.token);
    await ready;
    const applicationId = this.client.application?.id ?? this.client.user?.id;
    if (!applicationId) throw new Error('Discord READY carried no application id');
    const registered = await registerDiscordCommands(this.client.rest, applicationId, this.options.guildId, this.runner.commands);
    this.log.info(registered, registered.changed ? 'discord slash commands registered' : 'discord slash commands already up to date');
  }

  async stop(): Promise<void> {
    await this.client.destroy();
  }

  isConnected(): boolean {
    return this.client.isReady();
  }

  private async handle(interaction: Interaction): Promise<void> {
    if (!interaction.isChatInputCommand() && !interaction.isButton()) return;
    const invoker = invokerOf(interaction);
    let invocation: Invocation;
    if (interaction.isChatInputCommand()) {
      const raw = Object.fromEntries(interaction.options.data.map((o) => [o.name, o.value === undefined ? undefined : String(o.value)]));
      invocation = { command: interaction.commandName, raw, invoker, via: 'command' };
    } else {
      const action = decodeAction(interaction.customId);
      if (!action) {
        await this.answer(interaction, async () => privateReply('This button is not one of opsbot’s, or it is from an older version.'));
        return;
      }
      invocation = { command: action.command, raw: action.raw, invoker, via: 'button' };
    }
    await this.answer(interaction, () => this.runner.run(invocation));
  }

  /** Replies within Discord's 3 s: directly when the command is quick, else defers and edits the answer in. */
  private async answer(interaction: RepliableInteraction, run: () => Promise<Reply>): Promise<void> {
    const result = run().catch((error: unknown) => {
      this.log.error({ err: error, interactionId: interaction.id }, 'a Discord interaction failed');
      return privateReply('opsbot could not do that; the error is in its log.');
    });
    let timer: NodeJS.Timeout | undefined;
    const slow = new Promise<'slow'>((resolve) => (timer = setTimeout(() => resolve('slow'), this.options.deferAfterMs)));
    try {
      const first = this.options.deferAfterMs === 0 ? await slow : await Promise.race([result, slow]);
      clearTimeout(timer);
      if (first !== 'slow') {
        await interaction.reply(discordReply(first));
        return;
      }
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const reply = await result;
      const { flags: _ephemeralAlready, ...rest } = discordReply(reply);
      await interaction.editReply(rest);
    } catch (error) {
      this.log.warn({ err: error, interactionId: interaction.id }, 'could not answer a Discord interaction');
    }
  }
}

function invokerOf(interaction: RepliableInteraction): Invoker {
  const roles = interaction.member?.roles;
  const roleIds = roles === undefined ? [] : Array.isArray(roles) ? roles : [...roles.cache.keys()];
  return {
    platform: 'discord',
    userId: interaction.user.id,
    userName: interaction.user.username,
    chatId: interaction.channelId ?? '',
    roleIds,
  };
}
