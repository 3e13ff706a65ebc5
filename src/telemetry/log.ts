import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout; secrets are redacted wherever they might appear. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { app: 'opsbot' },
    redact: {
      paths: ['token', '*.token', 'apiToken', '*.apiToken', 'headers.authorization', 'req.headers.authorization'],
      censor: '[redacted]',
    },
  });
}
