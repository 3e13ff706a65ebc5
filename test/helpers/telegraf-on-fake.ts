import { afterEach, expect } from 'vitest';
import { Telegraf, TelegramError } from 'telegraf';
import { FakeTelegram } from '../fakes/telegram.js';

export const TOKEN = '123456:TEST-token';

/**
 * For a test file on the fake Telegram itself: `setup()` starts a fake and a real telegraf client
 * pointed at it; the fake is closed after each test.
 */
export function useTelegrafOnFake() {
  let fake: FakeTelegram | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });
  return async function setup(opts: Parameters<typeof FakeTelegram.start>[0] = {}): Promise<{ fake: FakeTelegram; bot: Telegraf }> {
    fake = await FakeTelegram.start({ token: TOKEN, ...opts });
    return { fake, bot: new Telegraf(TOKEN, { telegram: { apiRoot: fake.apiRoot } }) };
  };
}

/** The TelegramError a telegraf call failed with. */
export async function failure(promise: Promise<unknown>): Promise<TelegramError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TelegramError);
  return error as TelegramError;
}
