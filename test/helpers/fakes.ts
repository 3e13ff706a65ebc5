import { FakeDiscord } from '../fakes/discord.js';
import { FakeTelegram } from '../fakes/telegram.js';
import { DISCORD_TEST_TOKEN, TELEGRAM_TEST_TOKEN } from './bot.js';

export interface Fakes {
  discord: FakeDiscord;
  telegram: FakeTelegram;
  close(): Promise<void>;
}

/** Both fake chat platforms, checking that the bot uses the tokens it was given. */
export async function startFakes(options: { telegramRateLimit?: boolean } = {}): Promise<Fakes> {
  const discord = await FakeDiscord.start({ token: DISCORD_TEST_TOKEN });
  const telegram = await FakeTelegram.start({
    token: TELEGRAM_TEST_TOKEN,
    ...(options.telegramRateLimit ? { rateLimit: true } : {}),
  });
  return {
    discord,
    telegram,
    async close() {
      await Promise.all([discord.close(), telegram.close()]);
    },
  };
}
