import { StartupError } from '../../startup-error.js';

/**
 * Clear start-up errors for DATABASE_URL: which server, database and user were tried, what went wrong
 * and what to check. The password never appears: it is left out of the target and masked in any text
 * passed through from the driver.
 */

/** Where DATABASE_URL points, without the password. */
export interface PostgresTarget {
  host: string;
  port: string;
  database: string;
  user: string;
}

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused: check that PostgreSQL runs and listens on that host and port, and the host and port in DATABASE_URL',
  ENOTFOUND: 'no such host name: check the host in DATABASE_URL',
  EAI_AGAIN: 'the host name could not be resolved right now: check the host in DATABASE_URL and DNS',
  ETIMEDOUT: 'no answer (timed out): check the host, the port and any firewall between',
  ECONNRESET: 'the server closed the connection: check that it is PostgreSQL and its TLS settings (sslmode)',
  EHOSTUNREACH: 'host unreachable: check the host in DATABASE_URL and the network',
  '28P01': 'password authentication failed: check the user and password in DATABASE_URL',
  '28000': 'the server refused this user or client (pg_hba.conf): check the user in DATABASE_URL and the server\'s pg_hba.conf',
  '3D000': 'the database does not exist: create it (createdb) or fix the database name in DATABASE_URL',
  '57P03': 'the server is starting up or shutting down: try again in a moment',
  '53300': 'the server has no free connection slots: check its max_connections and the other clients',
};

/** Reads DATABASE_URL's parts; a URL that is not postgres://… fails naming what is expected, never echoing the URL. */
export function parsePostgresUrl(url: string): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StartupError('DATABASE_URL is not a valid URL: expected postgres://user:password@host:5432/database');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new StartupError(`DATABASE_URL must start with postgres:// or postgresql://, not ${parsed.protocol}//`);
  }
  return {
    host: decodeURIComponent(parsed.hostname) || 'localhost',
    port: parsed.port || '5432',
    database: decodeURIComponent(parsed.pathname.slice(1)) || decodeURIComponent(parsed.username) || 'postgres',
    user: decodeURIComponent(parsed.username) || 'postgres',
  };
}

/** The password in `url`, for masking driver messages that might quote it. */
export function passwordOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return '';
  }
}

/** Why connecting to (or migrating) `target` failed, for the operator to act on. */
export function postgresFailure(error: unknown, target: PostgresTarget, password: string): StartupError {
  const code = (error as { code?: unknown } | null)?.code;
  const known = typeof code === 'string' ? REASONS[code] : undefined;
  const raw = error instanceof Error ? error.message : String(error);
  const reason = known ?? `${password ? raw.split(password).join('***') : raw} (check DATABASE_URL)`;
  return new StartupError(`cannot use PostgreSQL at ${target.host}:${target.port} (database ${target.database}, user ${target.user}): ${reason}`);
}
