import type { PlatformModule } from '../platform.js';
import { TelegramAdapter } from './adapter.js';
import { TelegramChat } from './chat.js';
import { checkTelegramSetup } from './setup-check.js';

export const telegramPlatform: PlatformModule = {
  name: 'telegram',
  describe: (env) => (env.TELEGRAM_TOKEN ? `on${env.TELEGRAM_API_ROOT ? ` via ${env.TELEGRAM_API_ROOT}` : ''}` : 'off (set TELEGRAM_TOKEN); alerts for Telegram are kept'),
  createAdapter: (env, file) =>
    env.TELEGRAM_TOKEN ? new TelegramAdapter({ token: env.TELEGRAM_TOKEN, apiRoot: env.TELEGRAM_API_ROOT, timeoutMs: file.delivery.requestTimeoutMs }) : undefined,
  createChat: (env, commands, log) =>
    env.TELEGRAM_TOKEN
      ? new TelegramChat(
          {
            token: env.TELEGRAM_TOKEN,
            ...(env.TELEGRAM_API_ROOT ? { apiRoot: env.TELEGRAM_API_ROOT } : {}),
            ...(env.TELEGRAM_WEBHOOK_URL ? { webhookUrl: env.TELEGRAM_WEBHOOK_URL } : {}),
            ...(env.TELEGRAM_WEBHOOK_SECRET ? { webhookSecret: env.TELEGRAM_WEBHOOK_SECRET } : {}),
          },
          commands,
          log.child({ component: 'telegram-chat' }),
        )
      : undefined,
  checkSetup: checkTelegramSetup,
};
