import { DiscordAPIError, HTTPError, REST, RateLimitError, Routes } from 'discord.js';
import type { ChannelAdapter } from '../adapter.js';
import { DeliveryError, refusalKind } from '../errors.js';
import type { AlertView, EscalationView, SummaryView } from '../../shared/types.js';
import { renderDiscordEscalation } from './render-escalation.js';
import { DISCORD_LIMITS, DISCORD_MARKDOWN, renderDiscordAlert, renderDiscordResolvedReply, renderDiscordSummary } from './render.js';
import { fitText } from '../render/text.js';

export interface DiscordAdapterOptions {
  token: string;
  apiUrl?: string;
  timeoutMs: number;
  /** The bot-wide budget the Pacer enforces; discord.js's own global limiter is set no lower, so it never queues on top. */
  globalPerSecond: number;
}

/** Discord's global limit per bot. */
const DISCORD_GLOBAL_PER_SECOND = 50;

interface PostedMessage {
  id: string;
}

export class DiscordAdapter implements ChannelAdapter {
  readonly platform = 'discord' as const;
  readonly returnsEarlierCopy = true;
  private readonly rest: REST;

  constructor(private readonly options: DiscordAdapterOptions) {
    // discord.js waits out 429s per bucket itself; our own back-off handles 5xx and timeouts.
    this.rest = new REST({
      retries: 0,
      timeout: options.timeoutMs,
      globalRequestsPerSecond: Math.max(DISCORD_GLOBAL_PER_SECOND, Math.ceil(options.globalPerSecond)),
      ...(options.apiUrl ? { api: options.apiUrl } : {}),
    }).setToken(options.token);
  }

  async whoAmI(): Promise<string> {
    const me = (await this.call(() => this.rest.get(Routes.user('@me')))) as { username: string; id: string };
    return `${me.username} (${me.id})`;
  }

  async postAlert(channelId: string, alert: AlertView, repeatKey: string): Promise<string> {
    return this.post(channelId, { ...renderDiscordAlert(alert), ...onceOnly(repeatKey) });
  }

  async editAlert(channelId: string, messageId: string, alert: AlertView): Promise<void> {
    await this.call(() => this.rest.patch(Routes.channelMessage(channelId, messageId), { body: renderDiscordAlert(alert) }));
  }

  async postResolvedReply(channelId: string, messageId: string, alert: AlertView, repeatKey: string): Promise<string> {
    return this.post(channelId, { ...renderDiscordResolvedReply(alert, messageId), ...onceOnly(repeatKey) });
  }

  async postSummary(channelId: string, summary: SummaryView, repeatKey: string): Promise<string> {
    return this.post(channelId, { ...renderDiscordSummary(summary), ...onceOnly(repeatKey) });
  }

  async editSummary(channelId: string, messageId: string, summary: SummaryView): Promise<void> {
    await this.call(() => this.rest.patch(Routes.channelMessage(channelId, messageId), { body: renderDiscordSummary(summary) }));
  }

  async postEscalation(channelId: string, escalation: EscalationView, repeatKey: string): Promise<string> {
    return this.post(channelId, { ...renderDiscordEscalation(escalation), ...onceOnly(repeatKey) });
  }

  async postText(channelId: string, text: string): Promise<string> {
    return this.post(channelId, { content: fitText(text, DISCORD_LIMITS.content, DISCORD_MARKDOWN).out, allowed_mentions: { parse: [] } });
  }

  close() {
    this.rest.clearHashSweeper();
    this.rest.clearHandlerSweeper();
  }

  private async post(channelId: string, body: unknown): Promise<string> {
    const message = (await this.call(() => this.rest.post(Routes.channelMessages(channelId), { body }))) as PostedMessage;
    return message.id;
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      // discord.js forgets the token after a 401; set it again so a fixed token or a retry can work.
      if (error instanceof DiscordAPIError && error.status === 401) this.rest.setToken(this.options.token);
      throw classifyDiscordError(error);
    }
  }
}

/**
 * Discord checks an enforced nonce against the author's messages of the past few minutes and returns
 * the earlier message instead of creating a second one: a retry of a post whose answer was lost (a
 * timeout, a 5xx after the fact, opsbot killed mid-request) does not repeat it.
 */
function onceOnly(repeatKey: string) {
  return { nonce: repeatKey, enforce_nonce: true };
}

export function classifyDiscordError(error: unknown): DeliveryError {
  if (error instanceof RateLimitError) {
    return new DeliveryError('rate_limited', `discord 429: ${error.message}`, error.retryAfter);
  }
  if (error instanceof DiscordAPIError) {
    const description = `discord ${error.status} (code ${error.code}): ${error.message}`;
    return new DeliveryError(refusalKind(error.status), description);
  }
  if (error instanceof HTTPError) {
    return new DeliveryError('transient', `discord ${error.status}: ${error.message}`);
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new DeliveryError('transient', `discord request failed: ${message}`);
}
