import { Telegram, TelegramError } from 'telegraf';
import type { EnvConfig } from '../../config/env-schema.js';
import type { SetupCheck } from '../../shared/setup-check.js';

type CallOptions = Parameters<Telegram['callApi']>[2];

interface ChatMember {
  status: 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked';
  can_send_messages?: boolean;
  can_post_messages?: boolean;
}

const FIND_ID = 'send a message in the chat, then read its chat.id from https://api.telegram.org/bot<TOKEN>/getUpdates (a group id starts with -, a supergroup or channel with -100)';

/** `opsbot doctor` for Telegram: the token, and for each chat opsbot posts to, that the bot is in it and may post there. */
export async function checkTelegramSetup(env: EnvConfig, chats: string[], timeoutMs: number): Promise<SetupCheck[]> {
  if (!env.TELEGRAM_TOKEN) {
    return chats.length === 0
      ? [{ check: 'telegram', ok: true, detail: 'not used (no TELEGRAM_TOKEN, no Telegram chat in the config)' }]
      : [{ check: 'telegram token', ok: false, detail: `TELEGRAM_TOKEN is not set: alerts for ${chats.length} Telegram chat(s) wait unsent`, fix: 'set TELEGRAM_TOKEN to the token @BotFather gave (/mybots → API Token)' }];
  }
  const telegram = new Telegram(env.TELEGRAM_TOKEN, env.TELEGRAM_API_ROOT ? { apiRoot: env.TELEGRAM_API_ROOT } : {});
  const options = () => ({ signal: AbortSignal.timeout(timeoutMs) }) as unknown as CallOptions;
  let me: { id: number; username?: string };
  try {
    me = await telegram.callApi('getMe', {}, options());
  } catch (error) {
    const refused = error instanceof TelegramError && error.code === 401;
    return [
      {
        check: 'telegram token',
        ok: false,
        detail: refused ? 'Telegram refused TELEGRAM_TOKEN (401 Unauthorized)' : `cannot reach Telegram${env.TELEGRAM_API_ROOT ? ` at ${env.TELEGRAM_API_ROOT}` : ''}: ${message(error)}`,
        fix: refused ? 'copy the token again from @BotFather (/mybots → API Token)' : 'check the network, or TELEGRAM_API_ROOT',
      },
    ];
  }
  const checks: SetupCheck[] = [{ check: 'telegram token', ok: true, detail: `signed in as @${me.username ?? me.id}` }];
  for (const chat of chats) {
    const check = `telegram chat ${chat}`;
    try {
      const found = await telegram.callApi('getChat', { chat_id: chat }, options());
      const name = 'title' in found && found.title ? `"${found.title}"` : `chat ${chat}`;
      if (found.type === 'private') {
        checks.push({ check, ok: true, detail: `${name}: a private chat with the bot` });
        continue;
      }
      const member = (await telegram.callApi('getChatMember', { chat_id: chat, user_id: me.id }, options())) as ChatMember;
      checks.push(membershipCheck(check, name, found.type, member));
    } catch (error) {
      checks.push(chatProblem(check, chat, error));
    }
  }
  return checks;
}

function membershipCheck(check: string, name: string, type: string, member: ChatMember): SetupCheck {
  if (member.status === 'left' || member.status === 'kicked') {
    return { check, ok: false, detail: `${name}: the bot is not in this ${type} (${member.status})`, fix: `add the bot to ${name} again` };
  }
  if (type === 'channel' && !(member.status === 'creator' || (member.status === 'administrator' && member.can_post_messages !== false))) {
    return { check, ok: false, detail: `${name}: in a channel only an administrator with Post Messages may post; the bot is ${member.status}`, fix: `make the bot an administrator of ${name} with "Post Messages"` };
  }
  if (member.status === 'restricted' && member.can_send_messages === false) {
    return { check, ok: false, detail: `${name}: the bot is restricted and may not send messages`, fix: `lift the restriction on the bot in ${name} (its permissions: Send Messages)` };
  }
  return { check, ok: true, detail: `${name} (${type}): the bot is ${member.status} and may post` };
}

function chatProblem(check: string, chat: string, error: unknown): SetupCheck {
  if (error instanceof TelegramError && error.code === 403) {
    return { check, ok: false, detail: `Telegram refuses the bot in chat ${chat}: ${error.description}`, fix: `add the bot to that chat again (or, for a private chat, have the person press Start)` };
  }
  if (error instanceof TelegramError && error.code === 400) {
    return { check, ok: false, detail: `no chat ${chat} the bot can see: ${error.description}`, fix: `add the bot to the chat and check the id (${FIND_ID})` };
  }
  return { check, ok: false, detail: `could not check chat ${chat}: ${message(error)}`, fix: 'run opsbot doctor again; check the network' };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
