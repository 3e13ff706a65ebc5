import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestBot, TEST_API_TOKEN, type TestBot } from './helpers/bot.js';
import { rawRequest } from './helpers/raw-http.js';
import { waitUntil } from './helpers/wait.js';

const bots: TestBot[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const bot of bots.splice(0)) await bot.destroy();
});
const start = async (yaml = '{}') => {
  const bot = await startTestBot({ yaml });
  bots.push(bot);
  return bot;
};

interface SlowClient {
  socket: Socket;
  answer: string;
  closed: boolean;
}

/** A client that sends the headers of a 100 kB alert batch and then only one byte now and then. */
function slowClient(url: string): Promise<SlowClient> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    sockets.push(socket);
    const client: SlowClient = { socket, answer: '', closed: false };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (client.answer += chunk));
    socket.on('close', () => (client.closed = true));
    socket.on('error', () => undefined);
    socket.once('connect', () => {
      socket.write(
        `POST /api/v1/alerts HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer ${TEST_API_TOKEN}\r\n` +
          'Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n[',
      );
      const drip = setInterval(() => (socket.writable ? socket.write(' ') : clearInterval(drip)), 200);
      socket.once('close', () => clearInterval(drip));
      resolve(client);
    });
    socket.once('error', reject);
  });
}

describe('slow clients', () => {
  it('still answers a normal request within 1 s while 50 slow-body connections are open, and closes those after http.requestTimeoutMs', async () => {
    const bot = await start('http: { requestTimeoutMs: 1500, headersTimeoutMs: 500 }');
    const slow = await Promise.all(Array.from({ length: 50 }, () => slowClient(bot.url)));
    const answer = await fetch(`${bot.url}/api/v1/alerts`, { headers: { authorization: `Bearer ${TEST_API_TOKEN}` }, signal: AbortSignal.timeout(1_000) });
    expect(answer.status).toBe(200);
    await waitUntil('every slow connection to be closed', () => slow.every((c) => c.closed), 10_000);
    expect(slow.filter((c) => c.answer.startsWith('HTTP/1.1 408 Request Timeout'))).toHaveLength(50);
    expect((await bot.get('/api/v1/alerts')).body.alerts).toHaveLength(0);
  });

  it('refuses connections beyond http.maxConnections, and takes new ones once some close', async () => {
    const bot = await start('http: { maxConnections: 10 }');
    const held = await Promise.all(Array.from({ length: 10 }, () => slowClient(bot.url)));
    const answered = () => rawRequest(bot.url, '/healthz').then(() => true, () => false);
    await waitUntil('a connection past the cap to be refused', async () => !(await answered()));
    for (const client of held.slice(0, 5)) client.socket.destroy();
    await waitUntil('a new connection to be answered', answered);
  });
});

describe('guessing tokens', () => {
  it('answers 429 with Retry-After to a client after 10 wrong API tokens in a minute, while other clients go on', async () => {
    const bot = await start();
    const wrong = { authorization: 'Bearer wrong-token-wrong-token' };
    for (let i = 0; i < 10; i++) expect((await rawRequest(bot.url, '/api/v1/alerts', { headers: wrong })).status).toBe(401);
    const throttled = await rawRequest(bot.url, '/api/v1/alerts', { headers: wrong });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(throttled.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(JSON.parse(throttled.text).error).toMatch(/^too many wrong tokens from 127\.0\.0\.1: try again in \d+ s/);
    expect((await rawRequest(bot.url, '/metrics', { headers: { authorization: `Bearer ${TEST_API_TOKEN}` } })).status).toBe(429);
    expect((await rawRequest(bot.url, '/api/v1/heartbeats/any?token=guess-guess-guess-guess')).status).toBe(429);
    const other = await rawRequest(bot.url, '/api/v1/alerts', { headers: { authorization: `Bearer ${TEST_API_TOKEN}` }, localAddress: '127.0.0.2' });
    expect(other.status).toBe(200);
  });

  it('counts wrong heartbeat tokens too', async () => {
    const bot = await start('heartbeats:\n  - { name: backup, period: 1h, token: backup-token-0123456789 }');
    for (let i = 0; i < 10; i++) expect((await rawRequest(bot.url, `/api/v1/heartbeats/backup?token=guess-${i}-0123456789`)).status).toBe(401);
    expect((await rawRequest(bot.url, '/api/v1/heartbeats/backup?token=backup-token-0123456789')).status).toBe(429);
  });

  it('checks the token before saying whether a heartbeat exists', async () => {
    const bot = await start('heartbeats:\n  - { name: backup, period: 1h, token: backup-token-0123456789 }');
    const unknownWrong = await rawRequest(bot.url, '/api/v1/heartbeats/no-such-job', { method: 'POST', headers: { authorization: 'Bearer wrong-token-wrong-token' } });
    expect(unknownWrong.status).toBe(401);
    expect(unknownWrong.text).not.toContain('no-such-job');
    expect((await rawRequest(bot.url, '/api/v1/heartbeats/no-such-job?token=backup-token-0123456789')).status).toBe(401);
    const unknownRight = await rawRequest(bot.url, '/api/v1/heartbeats/no-such-job', { method: 'POST', headers: { authorization: `Bearer ${TEST_API_TOKEN}` } });
    expect(unknownRight.status).toBe(404);
  });
});

const login = (bot: TestBot, token: string, localAddress: string) =>
  rawRequest(bot.url, '/ops/governance/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `token=${encodeURIComponent(token)}`,
    localAddress,
  });

describe('dashboard login', () => {
  it('answers 429 with Retry-After after 5 failed logins from one address, even with the right token', async () => {
    const bot = await start();
    const refused = await Promise.all(Array.from({ length: 5 }, (_, i) => login(bot, `guess-${i}`, '127.0.0.3')));
    expect(refused.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
    const throttled = await login(bot, TEST_API_TOKEN, '127.0.0.3');
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    expect(throttled.text).toMatch(/Too many failed logins; try again in \d+ s\./);
    expect((await login(bot, TEST_API_TOKEN, '127.0.0.4')).status).toBe(303);
  });

  it('answers 429 to everybody after 30 failed logins from many addresses in a minute (a distributed guess)', async () => {
    const bot = await start();
    const refused = await Promise.all(Array.from({ length: 30 }, (_, i) => login(bot, 'guess', `127.0.1.${i + 1}`)));
    expect(refused.every((r) => r.status === 401)).toBe(true);
    const fresh = await login(bot, 'guess', '127.0.2.1');
    expect(fresh.status).toBe(429);
    expect(Number(fresh.headers['retry-after'])).toBeGreaterThan(0);
  });
});
