/** Talks to a running opsbot's API for the CLI: `OPSBOT_URL` (default http://127.0.0.1:8080) and `API_TOKEN`. */
export class CliError extends Error {}

export async function apiGet<T>(path: string, environment: NodeJS.ProcessEnv = process.env): Promise<T> {
  const base = (environment.OPSBOT_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
  const headers: Record<string, string> = environment.API_TOKEN ? { authorization: `Bearer ${environment.API_TOKEN}` } : {};
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, { headers, signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new CliError(`cannot reach opsbot at ${base} (${cause}); is it running? Set OPSBOT_URL to where it listens.`);
  }
  if (response.status === 401) throw new CliError(`opsbot at ${base} refused the API token; set API_TOKEN to the bot's token`);
  const body = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok) throw new CliError(`opsbot answered ${response.status}: ${body.error ?? 'no reason given'}`);
  return body;
}
