import type { Logger } from 'pino';
import type { EnvConfig } from '../config/env-schema.js';
import type { Platform } from '../shared/types.js';
import { PLATFORM_MODULES } from '../platforms/registry.js';
import type { ChatFrontEnd, PlatformModule, WebhookRoute } from '../platforms/platform.js';
import type { CommandDefinition } from './command.js';
import { CommandRunner } from './runner.js';
import type { CommandServices } from './services.js';

export type ChatConnection = 'connected' | 'not connected' | 'on the leader' | 'no token';

/**
 * Every platform's chat front end over one command runner. A front end that takes its updates over
 * HTTP (Telegram's webhook) runs on every instance; one that holds the platform's only session (the
 * Discord Gateway, Telegram's long polling) runs on the leader alone: `lead` connects it, `follow`
 * lets it go, and each change of leader connects a fresh one.
 */
export class ChatFrontEnds {
  readonly runner: CommandRunner;
  /** The HTTP routes on which platforms push their updates (Telegram in webhook mode). */
  readonly webhooks: WebhookRoute[];
  private readonly everywhere: Array<[Platform, ChatFrontEnd]> = [];
  /** The leader's front ends: each platform's next one, made in advance or after the last was let go. */
  private readonly leaderOnly: Array<{ module: PlatformModule; next: ChatFrontEnd | undefined }> = [];
  private leading: Array<[Platform, ChatFrontEnd]> = [];

  constructor(
    private readonly env: EnvConfig,
    commands: CommandDefinition[],
    services: CommandServices,
    private readonly log: Logger,
  ) {
    this.runner = new CommandRunner(commands, services, log.child({ component: 'commands' }));
    for (const module of Object.values(PLATFORM_MODULES)) {
      const front = module.createChat(env, this.runner, log);
      if (front?.webhook) this.everywhere.push([module.name, front]);
      else if (front) this.leaderOnly.push({ module, next: front });
    }
    this.webhooks = this.everywhere.map(([, front]) => front.webhook!);
  }

  /** Connects the front ends every instance runs. */
  async start(): Promise<void> {
    await connect(this.everywhere, this.log);
  }

  /** This instance leads: connects the front ends only the leader runs. */
  async lead(): Promise<void> {
    const fronts = this.leaderOnly.flatMap((entry): Array<[Platform, ChatFrontEnd]> => {
      const front = entry.next ?? entry.module.createChat(this.env, this.runner, this.log);
      entry.next = undefined;
      return front ? [[entry.module.name, front]] : [];
    });
    this.leading = fronts;
    await connect(fronts, this.log);
  }

  /** Another instance leads now (or this one stops): lets go of the leader's front ends. */
  async follow(): Promise<void> {
    const fronts = this.leading;
    this.leading = [];
    await Promise.all(fronts.map(([, front]) => front.stop()));
  }

  /**
   * Each platform's chat session as this instance sees it: `connected`, `not connected` (it could not
   * connect, or lost its session), `on the leader` (another instance holds the platform's only
   * session), or `no token`.
   */
  connections(): Record<Platform, ChatConnection> {
    const states = Object.fromEntries(Object.values(PLATFORM_MODULES).map((module) => [module.name, 'no token'])) as Record<Platform, ChatConnection>;
    for (const { module } of this.leaderOnly) states[module.name] = 'on the leader';
    for (const [platform, front] of [...this.everywhere, ...this.leading]) states[platform] = front.isConnected() ? 'connected' : 'not connected';
    return states;
  }

  async stop(): Promise<void> {
    await this.follow();
    await Promise.all(this.everywhere.map(([, front]) => front.stop()));
    await this.runner.close();
  }
}

/** Connects each front end; a failure is logged and that platform's commands stay off. */
async function connect(fronts: Array<[Platform, ChatFrontEnd]>, log: Logger): Promise<void> {
  const results = await Promise.allSettled(fronts.map(([, front]) => front.start()));
  results.forEach((result, i) => {
    if (result.status === 'fulfilled') return;
    const platform = fronts[i]![0];
    log.error({ err: result.reason, platform }, `${platform} chat commands are off: could not connect`);
  });
}
