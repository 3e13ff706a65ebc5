/** A minimal keep-alive JSON client for the bot's intake API (node:http: less client overhead than fetch). */
import http from 'node:http';
import { API_TOKEN } from './bot.js';

export interface PostResult {
  status: number;
  body: any;
}

export function createClient(baseUrl: string, maxSockets: number) {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const request = (method: string, path: string, body?: string) =>
    new Promise<PostResult>((resolve, reject) => {
      const headers: Record<string, string | number> = { authorization: `Bearer ${API_TOKEN}` };
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(body);
      }
      const req = http.request(
        { agent, host: url.hostname, port: url.port, path, method, headers, timeout: 30_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // not JSON: keep the text
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on('error', reject);
      req.end(body);
    });
  return {
    post: (path: string, body: string) => request('POST', path, body),
    get: (path: string) => request('GET', path),
    close: () => agent.destroy(),
  };
}
