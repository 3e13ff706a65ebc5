import { afterAll, beforeAll } from 'vitest';
import { startTestBot, type TestBot, type TestBotOptions } from './bot.js';
import { startFakes, type Fakes } from './fakes.js';

/**
 * A bot pointed at both fake chat platforms, started before the enclosing file's (or describe
 * block's) tests and stopped after them. Read `fakes` and `bot` inside hooks and tests.
 */
export function useBotWithFakes(
  yaml: string,
  options: Omit<TestBotOptions, 'yaml' | 'discordApiUrl' | 'telegramApiRoot'> = {},
): { readonly fakes: Fakes; readonly bot: TestBot } {
  let fakes: Fakes | undefined;
  let bot: TestBot | undefined;
  beforeAll(async () => {
    fakes = await startFakes();
    bot = await startTestBot({ ...options, yaml, discordApiUrl: fakes.discord.apiUrl, telegramApiRoot: fakes.telegram.apiRoot });
  });
  afterAll(async () => {
    await bot?.destroy();
    await fakes?.close();
  });
  return {
    get fakes() {
      return fakes!;
    },
    get bot() {
      return bot!;
    },
  };
}
