/** A start-up step that failed for a reason the operator can fix; its message is the one line opsbot exits with. */
export class StartupError extends Error {
  override name = 'StartupError';
}

const LISTEN_REASONS: Record<string, string> = {
  EADDRINUSE: 'address already in use (PORT)',
  EACCES: 'permission denied (PORT: below 1024 needs root or CAP_NET_BIND_SERVICE)',
  EADDRNOTAVAIL: 'no such address on this machine (HOST)',
  ENOTFOUND: 'no such host name (HOST)',
};

const FILE_REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  ENOTDIR: 'a path component is not a directory',
  SQLITE_CANTOPEN: 'cannot open the database file',
  SQLITE_READONLY: 'the database file is read-only',
  SQLITE_FULL: 'the disk is full',
};

const codeOf = (error: unknown) => (error as { code?: unknown } | null)?.code;
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Why the HTTP server could not listen on `host:port`, naming the setting to change. */
export function listenFailure(error: unknown, host: string, port: number): StartupError {
  const code = codeOf(error);
  const reason = typeof code === 'string' && LISTEN_REASONS[code] ? LISTEN_REASONS[code] : `${messageOf(error)} (HOST, PORT)`;
  return new StartupError(`cannot listen on ${host}:${port}: ${reason}`);
}

/** Why the SQLite store in `dataDir` could not be opened, naming the setting to change. */
export function dataDirFailure(error: unknown, dataDir: string): StartupError {
  const code = codeOf(error);
  const path = (error as { path?: unknown } | null)?.path;
  const known = typeof code === 'string' ? FILE_REASONS[code] : undefined;
  const reason = known ? `${known}${typeof path === 'string' ? ` (${path})` : ''}` : messageOf(error);
  return new StartupError(`cannot use the data directory ${dataDir}: ${reason} (OPSBOT_DATA_DIR)`);
}

/** The one line opsbot exits with when start-up fails for any other reason. */
export function describeStartupFailure(error: unknown): string {
  return error instanceof StartupError ? error.message : `start-up failed: ${messageOf(error)}`;
}
