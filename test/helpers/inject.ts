import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText } from '../../src/config/load.js';
import { openSqliteStore } from '../../src/db/sqlite-store.js';
import { registerAlertRoutes } from '../../src/http/alerts-routes.js';
import { createBaseApp } from '../../src/http/base-app.js';
import { bearerFailureThrottle, registerBehindToken } from '../../src/http/server.js';
import { createLogger } from '../../src/telemetry/log.js';
import { TEST_API_TOKEN } from './bot.js';

export interface InjectedApi {
  post(path: string, body: unknown, token?: string | null, contentType?: string): Promise<{ status: number; body: any }>;
  get(path: string, token?: string | null): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/**
 * The alert routes behind the test API token on the real server (its limits and error answers), built for
 * Fastify's `inject`: a SQLite file to list from, no Redis, no port. Meant for requests that are refused;
 * one that reaches the intake fails the test with a 500.
 */
export async function injectAlertApi(yaml: string): Promise<InjectedApi> {
  const file = parseConfigText(yaml, 'test.yaml');
  const dataDir = mkdtempSync(join(tmpdir(), 'opsbot-inject-'));
  const store = openSqliteStore(dataDir);
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const app = createBaseApp({ log, apiToken: TEST_API_TOKEN, bodyLimitBytes: file.http.bodyLimitBytes, http: file.http });
  const refusedRequestsOnly = {
    store,
    severityMapping: file.alertmanager,
    accept: () => Promise.reject(new Error('a request the test expected to be refused reached the intake')),
  };
  registerBehindToken(app, TEST_API_TOKEN, bearerFailureThrottle(), (api) => registerAlertRoutes(api, refusedRequestsOnly, file.http.maxAlertsPerRequest));
  await app.ready();

  const call = async (method: 'GET' | 'POST', url: string, body: unknown, token: string | null | undefined, contentType = 'application/json') => {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = contentType;
    const bearer = token === undefined ? TEST_API_TOKEN : token;
    if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
    const response = await app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }) });
    let parsed: unknown = response.body;
    try {
      parsed = JSON.parse(response.body);
    } catch {
      // a non-JSON answer is returned as text
    }
    return { status: response.statusCode, body: parsed as any };
  };
  return {
    post: (path, body, token, contentType) => call('POST', path, body, token, contentType),
    get: (path, token) => call('GET', path, undefined, token),
    async close() {
      await app.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
