import { Redis, type RedisOptions } from 'ioredis';

/** The port a Sentinel listens on when its address names none. */
const DEFAULT_SENTINEL_PORT = 26379;

const SENTINEL_SCHEMES = ['redis+sentinel:', 'rediss+sentinel:'];
const SENTINEL_QUERY_KEYS = new Set(['sentinel_username', 'sentinel_password']);
const SENTINEL_FORM = 'redis+sentinel://[[user]:password@]host[:port][,host[:port]…]/master-name[/db]';

/** REDIS_URL is not a Redis address opsbot can use. The message never holds the URL or any part of its credentials. */
export class RedisUrlError extends Error {
  override name = 'RedisUrlError';
}

interface SentinelAddress {
  host: string;
  port: number;
}

/** True for a `redis+sentinel://` or `rediss+sentinel://` URL: the master is found through Sentinels. */
export function isSentinelUrl(url: string): boolean {
  return SENTINEL_SCHEMES.some((scheme) => url.toLowerCase().startsWith(`${scheme}//`));
}

/**
 * The ioredis options for `url`: a plain `redis://` or `rediss://` URL names one server (read as ioredis
 * reads it), a `redis+sentinel://` URL names the Sentinels and the master group they watch, and ioredis
 * asks them where the master is (again after every failover). Throws RedisUrlError for anything else.
 */
export function redisOptionsFrom(url: string): RedisOptions {
  if (isSentinelUrl(url)) return sentinelOptionsFrom(url);
  if (!/^rediss?:\/\//i.test(url)) {
    throw new RedisUrlError(`must be a redis://, rediss:// or ${SENTINEL_FORM} URL`);
  }
  return plainOptionsFrom(url);
}

/** A Redis connection to whatever `url` names, with `extra` options (retries, timeouts) on top. */
export function connectRedis(url: string, extra: RedisOptions = {}): Redis {
  return new Redis({ ...redisOptionsFrom(url), ...extra });
}

/** What is wrong with `url` as REDIS_URL, or undefined when opsbot can use it. */
export function redisUrlProblem(url: string): string | undefined {
  try {
    redisOptionsFrom(url);
    return undefined;
  } catch (error) {
    if (error instanceof RedisUrlError) return error.message;
    throw error;
  }
}

function plainOptionsFrom(url: string): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RedisUrlError('is not a valid URL (redis://[[user]:password@]host[:port][/db])');
  }
  if (!parsed.hostname) throw new RedisUrlError('names no host (redis://host:6379)');
  const options: Record<string, unknown> = Object.fromEntries(parsed.searchParams);
  if (typeof options.family === 'string') options.family = Number.parseInt(options.family, 10);
  const db = parsed.pathname.length > 1 ? parsed.pathname.slice(1) : undefined;
  return {
    ...options,
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port ? Number(parsed.port) : 6379,
    ...credentials(parsed.username, parsed.password),
    ...(db === undefined ? {} : { db: databaseNumber(db) }),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

function sentinelOptionsFrom(url: string): RedisOptions {
  const tls = url.toLowerCase().startsWith('rediss+');
  const afterScheme = url.slice(url.indexOf('//') + 2);
  const [beforeQuery = '', query] = splitOnce(afterScheme, '?');
  const [authority = '', path] = splitOnce(beforeQuery, '/');
  const at = authority.lastIndexOf('@');
  const userInfo = at === -1 ? undefined : authority.slice(0, at);
  const sentinels = sentinelAddresses(authority.slice(at + 1));
  const [name, db, ...rest] = (path ?? '').split('/');
  if (!name) throw new RedisUrlError(`names no master group after the sentinels (${SENTINEL_FORM})`);
  if (rest.length > 0) throw new RedisUrlError(`has a path that is not /master-name[/db] (${SENTINEL_FORM})`);
  const [user = '', password] = userInfo === undefined ? [] : splitOnce(userInfo, ':');
  return {
    sentinels,
    name: decodePart(name, 'master name'),
    ...credentials(user, password ?? ''),
    ...(db ? { db: databaseNumber(db) } : {}),
    ...sentinelCredentials(query),
    ...(tls ? { tls: {}, enableTLSForSentinelMode: true, sentinelTLS: {} } : {}),
  };
}

function sentinelAddresses(hostList: string): SentinelAddress[] {
  if (!hostList) throw new RedisUrlError(`names no sentinel host (${SENTINEL_FORM})`);
  return hostList.split(',').map((entry, index) => {
    const which = `sentinel ${index + 1}`;
    const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]*)(?::(.*))?$/.exec(entry);
    const host = match?.[1]?.replace(/^\[|\]$/g, '');
    if (!match || !host) {
      throw new RedisUrlError(`${which} has no host (host[:port], hosts separated by commas; percent-encode @ : / ? # in a password)`);
    }
    const portText = match[2];
    if (portText === undefined) return { host, port: DEFAULT_SENTINEL_PORT };
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65_535) {
      throw new RedisUrlError(`${which} has a port that is not a number from 1 to 65535`);
    }
    return { host, port };
  });
}

function sentinelCredentials(query: string | undefined): Pick<RedisOptions, 'sentinelUsername' | 'sentinelPassword'> {
  const params = new URLSearchParams(query ?? '');
  if ([...params.keys()].some((key) => !SENTINEL_QUERY_KEYS.has(key))) {
    throw new RedisUrlError('has a parameter other than sentinel_username and sentinel_password (the only ones a sentinel URL takes)');
  }
  const sentinelUsername = params.get('sentinel_username') ?? undefined;
  const sentinelPassword = params.get('sentinel_password') ?? undefined;
  return { ...(sentinelUsername ? { sentinelUsername } : {}), ...(sentinelPassword ? { sentinelPassword } : {}) };
}

function credentials(user: string, password: string): Pick<RedisOptions, 'username' | 'password'> {
  const username = user ? decodePart(user, 'user name') : undefined;
  const secret = password ? decodePart(password, 'password') : undefined;
  return { ...(username ? { username } : {}), ...(secret ? { password: secret } : {}) };
}

function databaseNumber(text: string): number {
  if (!/^\d{1,5}$/.test(text)) throw new RedisUrlError('has a database number that is not a whole number (/0, /1, …)');
  return Number(text);
}

function decodePart(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new RedisUrlError(`has a badly percent-encoded ${what}`);
  }
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const index = text.indexOf(separator);
  return index === -1 ? [text, undefined] : [text.slice(0, index), text.slice(index + 1)];
}
