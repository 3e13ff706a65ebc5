/** Node's and ioredis's words for a Redis (or, through Sentinel, its master) that cannot be reached. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

export function isRedisUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as Error & { code?: unknown }).code;
  return (
    (typeof code === 'string' && UNREACHABLE_CODES.has(code)) ||
    error.message === 'Connection is closed.' ||
    error.message.startsWith('All sentinels are unreachable') ||
    error.name === 'MaxRetriesPerRequestError'
  );
}
