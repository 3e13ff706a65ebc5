import { z } from 'zod';
import { callerSecret, optionalText, optionalUrl } from '../../shared/env-fields.js';
import { chatIds, definePlatformSettings, idToRole } from '../settings-contract.js';

export const telegramSettings = definePlatformSettings({
  name: 'telegram',
  env: {
    TELEGRAM_TOKEN: optionalText,
    /** When set, Telegram pushes updates to this URL instead of opsbot long-polling. */
    TELEGRAM_WEBHOOK_URL: optionalUrl(['https://', 'http://']),
    /** Telegram's X-Telegram-Bot-Api-Secret-Token for the webhook; derived from the bot token when unset. */
    TELEGRAM_WEBHOOK_SECRET: callerSecret,
    TELEGRAM_API_ROOT: optionalUrl(['http://', 'https://']),
  },
  secretEnv: ['TELEGRAM_TOKEN', 'TELEGRAM_WEBHOOK_SECRET'],
  publicUrlEnv: 'TELEGRAM_WEBHOOK_URL',
  access: z.strictObject({ users: idToRole, chats: idToRole }).default({ users: {}, chats: {} }),
  mentions: z.strictObject({ users: chatIds }).default({ users: [] }),
  pacing: {
    destinations: { telegramPrivate: { intervalMs: 1_000, burst: 3 }, telegramGroup: { intervalMs: 3_000, burst: 3 } },
    /** Group and channel ids are negative; a private chat's is the user's id. */
    destinationKey: (destination) => (destination.startsWith('-') ? 'telegramGroup' : 'telegramPrivate'),
    global: { key: 'telegramGlobal', default: { perSecond: 30, burst: 1 } },
  },
  /** Supergroups and channels (`-100…`) have message links (`t.me/c/…`, opened by their members); private chats and basic groups none. */
  messageLink(chatId, messageId) {
    return chatId.startsWith('-100') ? `https://t.me/c/${chatId.slice(4)}/${messageId}` : null;
  },
  grants(access, who) {
    return [access.users[who.userId], access.chats[who.chatId]].filter((role) => role !== undefined);
  },
});
