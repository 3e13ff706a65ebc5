/** Talks to a running opsbot's API for the CLI: `OPSBOT_URL` (else where `HOST` and `PORT` say the bot listens) and `API_TOKEN`. */

/** Unreachable bot, wrong token, bad usage: exit code 2. */
export class CliError extends Error {}

/** The bot understood the request and said no (unknown alert, already acked, …): exit code 1. */
export class BotRefusal extends Error {}

export interface BotApi {
  request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T>;
  /** Who the CLI acts as when no `--by` is given: `USER`, else "cli". */
  user: string;
}

export function botApi(environment: NodeJS.ProcessEnv): BotApi {
  return { request: (method, path, body) => request(environment, method, path, body), user: environment.USER ?? 'cli' };
}

/**
 * Where the bot is: `OPSBOT_URL`, else the `HOST` and `PORT` it was started with (the same variables,
 * often from the same environment file), a wildcard host meaning this machine; else http://127.0.0.1:8080.
 */
export function botUrl(environment: NodeJS.ProcessEnv): string {
  if (environment.OPSBOT_URL) return environment.OPSBOT_URL.replace(/\/$/, '');
  const host = environment.HOST && !['0.0.0.0', '::', '[::]'].includes(environment.HOST) ? environment.HOST : '127.0.0.1';
  return `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${environment.PORT || '8080'}`;
}

async function request<T>(environment: NodeJS.ProcessEnv, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const base = botUrl(environment);
  const headers: Record<string, string> = environment.API_TOKEN ? { authorization: `Bearer ${environment.API_TOKEN}` } : {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(120_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new CliError(`cannot reach opsbot at ${base} (${cause}); is it running? Set OPSBOT_URL to where it listens.`);
  }
  if (response.status === 401) throw new CliError(`opsbot at ${base} refused the API token; set API_TOKEN to the bot's token`);
  const parsed = (await response.json().catch(() => ({}))) as T & { error?: string; issues?: Array<{ field: string; problem: string }> };
  if (response.status === 404 && parsed.error?.startsWith('no route')) {
    throw new CliError(`this opsbot has no ${method} ${path.split('?')[0]} endpoint (an older version?)`);
  }
  if (!response.ok) {
    const issues = parsed.issues?.map((i) => `\n  ${i.field}: ${i.problem}`).join('') ?? '';
    throw new BotRefusal(`opsbot answered ${response.status}: ${parsed.error ?? 'no reason given'}${issues}`);
  }
  return parsed;
}
