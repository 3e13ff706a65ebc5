import { TEST_API_TOKEN, type TestBot } from './bot.js';

/** Logs in to the bot's dashboard with the API token over plain HTTP and returns the session cookie to send. */
export async function dashboardCookie(bot: TestBot): Promise<string> {
  const login = await fetch(`${bot.url}/ops/governance/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: bot.url },
    body: new URLSearchParams({ token: TEST_API_TOKEN }).toString(),
    redirect: 'manual',
  });
  return login.headers.get('set-cookie')!.split(';')[0]!;
}
