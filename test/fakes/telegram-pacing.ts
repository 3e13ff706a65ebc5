/**
 * Telegram's per-chat flood limits as the fake enforces them (`rateLimit: true`): about one
 * message a second in a private chat, twenty a minute in a group (negative chat id).
 * Sliding windows; only accepted `sendMessage` calls count.
 */
interface Window {
  ms: number;
  max: number;
}

const PRIVATE_CHAT: Window = { ms: 1_000, max: 1 };
const GROUP_CHAT: Window = { ms: 60_000, max: 20 };

export class ChatPacer {
  private readonly sent = new Map<string, number[]>();

  /** Seconds the chat must wait before another message, or 0 when one may be sent now. */
  retryAfter(chatId: string, now = Date.now()): number {
    const window = chatId.startsWith('-') ? GROUP_CHAT : PRIVATE_CHAT;
    const recent = (this.sent.get(chatId) ?? []).filter((at) => now - at < window.ms);
    this.sent.set(chatId, recent);
    const oldest = recent[recent.length - window.max];
    if (recent.length < window.max || oldest === undefined) return 0;
    return Math.max(1, Math.ceil((oldest + window.ms - now) / 1000));
  }

  record(chatId: string, now = Date.now()): void {
    const list = this.sent.get(chatId) ?? [];
    list.push(now);
    this.sent.set(chatId, list);
  }

  clear(): void {
    this.sent.clear();
  }
}
