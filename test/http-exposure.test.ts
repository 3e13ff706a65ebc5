import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopback } from '../src/http/auth.js';
import { startTestBot, type TestBot } from './helpers/bot.js';
import { rawRequest } from './helpers/raw-http.js';

const YAML = `
http: { allowedHosts: [ops.internal.example] }
heartbeats:
  - { name: deploy, period: 1h }
`;

/** A bot without API_TOKEN, listening on loopback: only the network protects it. */
let open: TestBot;
beforeAll(async () => {
  open = await startTestBot({ yaml: YAML, env: { API_TOKEN: '' } });
});
afterAll(async () => {
  await open?.destroy();
});

const port = () => new URL(open.url).port;
const heartbeatState = async () => (await open.get('/api/v1/heartbeats', null)).body.heartbeats[0] as { name: string; beats: number; state: string };

describe('without API_TOKEN, only this machine may call', () => {
  it('refuses a Host that is not loopback or allowed (DNS rebinding), on reads too, naming the fix', async () => {
    for (const host of ['attacker.example', `attacker.example:${port()}`, `127.0.0.1.nip.io:${port()}`]) {
      for (const path of ['/api/v1/alerts', '/healthz', '/ops/governance']) {
        const answer = await rawRequest(open.url, path, { headers: { host } });
        expect(answer.status, `${host} ${path}`).toBe(403);
        expect(JSON.parse(answer.text).error).toContain(`Host ${JSON.stringify(host)} is neither a loopback address nor in http.allowedHosts`);
        expect(JSON.parse(answer.text).error).toContain('Set API_TOKEN, or add the host name to http.allowedHosts');
      }
    }
    const before = await heartbeatState();
    const beat = await rawRequest(open.url, '/api/v1/heartbeats/deploy/fail', { method: 'POST', headers: { host: 'attacker.example' } });
    expect(beat.status).toBe(403);
    expect(await heartbeatState()).toEqual(before);
  });

  it('answers loopback names and addresses with any port, and the hosts in http.allowedHosts', async () => {
    for (const host of [`127.0.0.1:${port()}`, `localhost:${port()}`, 'LOCALHOST', `[::1]:${port()}`, '127.0.0.2', 'ops.internal.example', `OPS.internal.example:443`]) {
      expect((await rawRequest(open.url, '/api/v1/alerts', { headers: { host } })).status, host).toBe(200);
    }
  });

  it('refuses a state change sent by another site (Origin, Referer or Sec-Fetch-Site), and keeps nothing from it', async () => {
    const before = await heartbeatState();
    const crossSite: Array<Record<string, string>> = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { origin: `http://localhost:${Number(port()) + 1}` },
      { referer: 'https://evil.example/page?x=1' },
    ];
    for (const headers of crossSite) {
      const answer = await rawRequest(open.url, '/api/v1/heartbeats/deploy/fail', { method: 'POST', headers });
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      expect(JSON.parse(answer.text).error).toMatch(/^refused: POST \/api\/v1\/heartbeats\/deploy\/fail was sent by another site .*set API_TOKEN/);
    }
    const alert = await rawRequest(open.url, '/api/v1/alerts', {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ severity: 'CRIT', title: 'forged' }),
    });
    expect(alert.status).toBe(403);
    const img = await rawRequest(open.url, '/api/v1/heartbeats/deploy', { headers: { 'sec-fetch-site': 'cross-site' } });
    expect(img.status).toBe(403);
    expect(await heartbeatState()).toEqual(before);
    expect((await open.get('/api/v1/alerts', null)).body.alerts).toHaveLength(0);
  });

  it('lets a state change through from scripts (no Origin) and from its own origin', async () => {
    const script = await rawRequest(open.url, '/api/v1/heartbeats/deploy', { method: 'POST' });
    expect(script.status).toBe(200);
    const ownPage = await rawRequest(open.url, '/api/v1/heartbeats/deploy', {
      method: 'POST',
      headers: { origin: `http://127.0.0.1:${port()}`, 'sec-fetch-site': 'same-origin' },
    });
    expect(ownPage.status).toBe(200);
    const typed = await rawRequest(open.url, '/api/v1/heartbeats/deploy', { headers: { 'sec-fetch-site': 'none' } });
    expect(typed.status).toBe(200);
  });

  it('does not start without API_TOKEN on a HOST that only looks like loopback', async () => {
    await expect(startTestBot({ dataDir: open.dataDir, env: { API_TOKEN: '', HOST: '127.0.0.1.nip.io' } })).rejects.toThrow(
      /API_TOKEN is not set and HOST=127\.0\.0\.1\.nip\.io is not loopback/,
    );
  });
});

describe('isLoopback', () => {
  it('parses the address instead of matching its first characters', () => {
    for (const host of ['127.0.0.1', '127.8.9.10:8080', 'localhost', 'localhost:80', '::1', '[::1]', '[::1]:8080', '::ffff:127.0.0.1', '[::ffff:7f00:1]:80']) {
      expect(isLoopback(host), host).toBe(true);
    }
    for (const host of ['127.0.0.1.nip.io', '127.0.0.1.nip.io:80', '127.attacker.example', '128.0.0.1', '0.0.0.0', '::', '[::2]:80', 'localhost.example', '']) {
      expect(isLoopback(host), host).toBe(false);
    }
  });
});
