import type { Logger } from 'pino';
import type { EnvConfig } from '../config/env-schema.js';
import type { CommandDefinition } from './command.js';
import { CommandRunner } from './runner.js';
import type { CommandServices } from './services.js';
import { DiscordChat } from './discord/chat.js';
import { TelegramChat } from './telegram/chat.js';

const DISCORD_READY_TIMEOUT_MS = 15_000;

export interface ChatFrontEnds {
  runner: CommandRunner;
  discord?: DiscordChat;
  telegram?: TelegramChat;
  stop(): Promise<void>;
}

/**
 * Builds the command runner over the commands it is given and the chat front-ends for the platforms
 * that have a token. A platform that cannot be reached is logged and left off; alerts keep flowing
 * through delivery.
 */
export function createChat(env: EnvConfig, commands: CommandDefinition[], services: CommandServices, log: Logger): ChatFrontEnds {
  const runner = new CommandRunner(commands, services, log.child({ component: 'commands' }));
  const discord = env.DISCORD_TOKEN
    ? new DiscordChat(
        {
          token: env.DISCORD_TOKEN,
          ...(env.DISCORD_API_URL ? { apiUrl: env.DISCORD_API_URL } : {}),
          ...(env.DISCORD_GUILD_ID ? { guildId: env.DISCORD_GUILD_ID } : {}),
          deferAfterMs: env.DISCORD_DEFER_AFTER_MS,
          readyTimeoutMs: DISCORD_READY_TIMEOUT_MS,
        },
        runner,
        log.child({ component: 'discord-chat' }),
      )
    : undefined;
  const telegram = env.TELEGRAM_TOKEN
    ? new TelegramChat(
        {
          token: env.TELEGRAM_TOKEN,
          ...(env.TELEGRAM_API_ROOT ? { apiRoot: env.TELEGRAM_API_ROOT } : {}),
          ...(env.TELEGRAM_WEBHOOK_URL ? { webhookUrl: env.TELEGRAM_WEBHOOK_URL } : {}),
          ...(env.TELEGRAM_WEBHOOK_SECRET ? { webhookSecret: env.TELEGRAM_WEBHOOK_SECRET } : {}),
        },
        runner,
        log.child({ component: 'telegram-chat' }),
      )
    : undefined;
  return {
    runner,
    ...(discord ? { discord } : {}),
    ...(telegram ? { telegram } : {}),
    async stop() {
      await Promise.all([discord?.stop(), telegram?.stop()]);
      runner.close();
    },
  };
}

/** Connects each front-end; a failure is logged and that platform's commands stay off. */
export async function startChat(chat: ChatFrontEnds, log: Logger): Promise<void> {
  const fronts: Array<[string, DiscordChat | TelegramChat]> = [];
  if (chat.discord) fronts.push(['discord', chat.discord]);
  if (chat.telegram) fronts.push(['telegram', chat.telegram]);
  const results = await Promise.allSettled(fronts.map(([, front]) => front.start()));
  results.forEach((result, i) => {
    if (result.status === 'fulfilled') return;
    const platform = fronts[i]![0];
    log.error({ err: result.reason, platform }, `${platform} chat commands are off: could not connect`);
  });
}
