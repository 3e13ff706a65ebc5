import { storeRefusal } from '../db/store-refusal.js';
import Fastify, { LogController, type FastifyError } from 'fastify';
import type { Logger } from 'pino';
import type { HttpConfig } from '../config/http-schema.js';
import { loggablePath } from './loggable-path.js';
import { sameSiteGuard } from './same-site.js';
import { refuseLoneSurrogates } from './well-formed-text.js';

export interface BaseAppOptions {
  log: Logger;
  apiToken: string | undefined;
  bodyLimitBytes: number;
  /** Timeouts, the connection cap and the host names allowed without a token. */
  http: HttpConfig;
}

/** How often Node looks for requests past their timeout. */
const CONNECTIONS_CHECKING_INTERVAL_MS = 1_000;
const DROPPED_CONNECTIONS_WARNING_EVERY_MS = 60_000;

/** Logs connections refused at the cap: the first at once, then one line a minute with how many. */
function warnOfDroppedConnections(log: Logger, maxConnections: number) {
  let dropped = 0;
  let lastWarnedAt = -Infinity;
  return () => {
    dropped += 1;
    if (Date.now() - lastWarnedAt < DROPPED_CONNECTIONS_WARNING_EVERY_MS) return;
    log.warn({ dropped, maxConnections }, 'refused new connections: http.maxConnections are open');
    lastWarnedAt = Date.now();
    dropped = 0;
  };
}

/**
 * The server with no routes: its limits (body size, timeouts, connections), the host and origin guard
 * when there is no API token, and one answer for every refused or failed request (400, 404, 413, 415, 503, 500).
 */
export function createBaseApp(options: BaseAppOptions) {
  const app = Fastify({
    loggerInstance: options.log,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes,
    forceCloseConnections: 'idle',
    requestTimeout: options.http.requestTimeoutMs,
    connectionTimeout: options.http.idleTimeoutMs,
    keepAliveTimeout: options.http.keepAliveTimeoutMs,
    http: {
      requestTimeout: options.http.requestTimeoutMs,
      headersTimeout: options.http.headersTimeoutMs,
      connectionsCheckingInterval: Math.min(CONNECTIONS_CHECKING_INTERVAL_MS, options.http.headersTimeoutMs),
    },
  });
  app.server.maxConnections = options.http.maxConnections;
  app.server.on('drop', warnOfDroppedConnections(options.log, options.http.maxConnections));
  if (!options.apiToken) app.addHook('onRequest', sameSiteGuard(options.http.allowedHosts));

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const refusal = storeRefusal(error);
    if (refusal) {
      request.log.error({ err: error, path: loggablePath(request.url) }, `the ${refusal.store} store refused a write`);
      return reply.code(503).send({
        error: `could not store this request (${refusal.store} ${refusal.code}: ${refusal.message}); nothing from it was kept, retry later`,
      });
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error, path: loggablePath(request.url) }, 'request failed');
      return reply.code(500).send({ error: 'internal error; see the opsbot log' });
    }
    request.log.warn({ path: loggablePath(request.url), code: error.code, reason: error.message }, 'rejected request');
    return reply.code(status).send({ error: describeClientError(error, options.bodyLimitBytes) });
  });
  app.removeContentTypeParser('text/plain');
  app.addHook('preValidation', refuseLoneSurrogates);
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}` }),
  );
  return app;
}

function describeClientError(error: FastifyError, bodyLimitBytes: number): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `body too large: the limit is ${bodyLimitBytes} bytes (http.bodyLimitBytes); split the batch`;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'send the body as application/json';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'empty body: send one alert object or an array of them';
    default:
      return error.message.startsWith('Unexpected') || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY'
        ? `malformed JSON: ${error.message}`
        : error.message;
  }
}

export type HttpApp = ReturnType<typeof createBaseApp>;
