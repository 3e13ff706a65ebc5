import type { Logger } from 'pino';
import type { EnvConfig } from '../config/env-schema.js';
import type { Platform } from '../shared/types.js';
import { PLATFORM_MODULES } from '../platforms/registry.js';
import type { ChatFrontEnd, WebhookRoute } from '../platforms/platform.js';
import type { CommandDefinition } from './command.js';
import { CommandRunner } from './runner.js';
import type { CommandServices } from './services.js';

export interface ChatFrontEnds {
  runner: CommandRunner;
  fronts: Partial<Record<Platform, ChatFrontEnd>>;
  /** The HTTP routes on which platforms push their updates (Telegram in webhook mode). */
  webhooks: WebhookRoute[];
  stop(): Promise<void>;
}

/**
 * Builds the command runner over the commands it is given and the chat front-ends for the platforms
 * that have a token. A platform that cannot be reached is logged and left off; alerts keep flowing
 * through delivery.
 */
export function createChat(env: EnvConfig, commands: CommandDefinition[], services: CommandServices, log: Logger): ChatFrontEnds {
  const runner = new CommandRunner(commands, services, log.child({ component: 'commands' }));
  const fronts: Partial<Record<Platform, ChatFrontEnd>> = {};
  for (const module of Object.values(PLATFORM_MODULES)) {
    const front = module.createChat(env, runner, log);
    if (front) fronts[module.name] = front;
  }
  return {
    runner,
    fronts,
    webhooks: Object.values(fronts).flatMap((front) => (front.webhook ? [front.webhook] : [])),
    async stop() {
      await Promise.all(Object.values(fronts).map((front) => front.stop()));
      await runner.close();
    },
  };
}

/** Connects each front-end; a failure is logged and that platform's commands stay off. */
export async function startChat(chat: ChatFrontEnds, log: Logger): Promise<void> {
  const fronts = Object.entries(chat.fronts) as Array<[Platform, ChatFrontEnd]>;
  const results = await Promise.allSettled(fronts.map(([, front]) => front.start()));
  results.forEach((result, i) => {
    if (result.status === 'fulfilled') return;
    const platform = fronts[i]![0];
    log.error({ err: result.reason, platform }, `${platform} chat commands are off: could not connect`);
  });
}
