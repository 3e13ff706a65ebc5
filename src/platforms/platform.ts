import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { EnvConfig } from '../config/env-schema.js';
import type { FileConfig } from '../config/file-schema.js';
import type { CommandMenu, CommandShape } from '../shared/chat.js';
import type { Platform } from '../shared/types.js';
import type { ChannelAdapter } from './adapter.js';
import type { SetupCheck } from '../shared/setup-check.js';

/** An HTTP route on which a platform pushes its updates (Telegram's webhook mode). */
export interface WebhookRoute {
  path: string;
  register(app: FastifyInstance): void;
}

/** A platform's incoming side: takes commands and button presses and answers them. */
export interface ChatFrontEnd {
  /** Connects (a Gateway session, long polling, a webhook); throws when the platform cannot be reached. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The route taking the platform's updates, when it pushes them over HTTP. */
  readonly webhook: WebhookRoute | null;
  /** Whether its session takes updates now (the Gateway session is ready, long polling runs, the webhook is set). */
  isConnected(): boolean;
}

/**
 * One chat platform behind one interface: its outgoing side (the adapter that posts and edits, with its
 * renderers) and its incoming side (the chat front end). Each platform folder exports one, and
 * src/platforms/registry.ts lists them.
 */
export interface PlatformModule {
  readonly name: Platform;
  /** For the start-up line: `on`, `on via <url>`, or `off (set <TOKEN>); alerts … are kept`. */
  describe(env: EnvConfig): string;
  /** The adapter, when the platform's token is set. */
  createAdapter(env: EnvConfig, file: FileConfig): ChannelAdapter | undefined;
  /** The chat front end over the given commands, when the platform's token is set. */
  createChat(env: EnvConfig, commands: CommandMenu, log: Logger): ChatFrontEnd | undefined;
  /** `opsbot doctor`: whether the token signs in, and whether the bot can post in each of `destinations` (its ids on this platform). */
  checkSetup(env: EnvConfig, destinations: string[], timeoutMs: number): Promise<SetupCheck[]>;
  /** For a platform that keeps a command list of its own to register ahead of start (`opsbot deploy-commands`). */
  readonly commandDeployment?: {
    /** What `opsbot help` says it needs, e.g. `Discord: DISCORD_TOKEN; DISCORD_GUILD_ID`. */
    readonly needs: string;
    /** Registers the commands; returns one line saying what it did. Throws a ConfigError when its token is not set. */
    deploy(env: EnvConfig, commands: readonly CommandShape[]): Promise<string>;
  };
}
