import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthTracker } from '../src/heal/health.js';
import { commandProbe, httpProbe, tcpProbe } from '../src/heal/probes.js';

let http: Server;
let base: string;

beforeAll(async () => {
  http = createHttpServer((req, res) => {
    if (req.url === '/health') res.end('{"status":"ok"}');
    else if (req.url === '/degraded') res.end('{"status":"degraded"}');
    else if (req.url === '/down') res.writeHead(503).end('down for maintenance');
    else if (req.url === '/hang') res.flushHeaders();
    else if (req.url === '/moved') res.writeHead(302, { location: '/down' }).end();
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterAll(async () => {
  http.closeAllConnections();
  await new Promise((resolve) => http.close(resolve));
});

/** A port that was just free: nothing listens there. */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('httpProbe', () => {
  it('is ok for a 2xx answer', async () => {
    const result = await httpProbe({ url: `${base}/health`, timeoutMs: 2_000 });
    expect(result).toMatchObject({ ok: true, detail: 'HTTP 200' });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('fails on an unexpected status and says which was expected', async () => {
    expect(await httpProbe({ url: `${base}/down`, timeoutMs: 2_000 })).toMatchObject({ ok: false, detail: 'HTTP 503, expected 200-399' });
    expect(await httpProbe({ url: `${base}/health`, expectStatus: [204, 202], timeoutMs: 2_000 })).toMatchObject({ ok: false, detail: 'HTTP 200, expected 204 or 202' });
    expect(await httpProbe({ url: `${base}/down`, expectStatus: 503, timeoutMs: 2_000 })).toMatchObject({ ok: true });
  });

  it('counts a redirect as up by default and does not follow it', async () => {
    expect(await httpProbe({ url: `${base}/moved`, timeoutMs: 2_000 })).toMatchObject({ ok: true, detail: 'HTTP 302' });
  });

  it('checks the body against bodyMatch', async () => {
    const match = await httpProbe({ url: `${base}/health`, bodyMatch: '"status":"ok"', timeoutMs: 2_000 });
    expect(match).toMatchObject({ ok: true, detail: 'HTTP 200, body matches /"status":"ok"/' });
    const mismatch = await httpProbe({ url: `${base}/degraded`, bodyMatch: '"status":"ok"', timeoutMs: 2_000 });
    expect(mismatch.ok).toBe(false);
    expect(mismatch.detail).toContain('body does not match /"status":"ok"/');
    expect(mismatch.detail).toContain('degraded');
    const invalid = await httpProbe({ url: `${base}/health`, bodyMatch: '(', timeoutMs: 2_000 });
    expect(invalid.ok).toBe(false);
    expect(invalid.detail).toContain('bodyMatch is not a valid regular expression');
  });

  it('reports a timeout when the server does not answer in time', async () => {
    const result = await httpProbe({ url: `${base}/hang`, bodyMatch: 'ok', timeoutMs: 200 });
    expect(result).toMatchObject({ ok: false, detail: `timeout: no complete answer from ${base}/hang within 200 ms` });
  });

  it('reports a refused connection', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/health`;
    expect(await httpProbe({ url, timeoutMs: 2_000 })).toMatchObject({ ok: false, detail: `connection refused by ${url}` });
  });

  it('reports a malformed URL without throwing', async () => {
    const result = await httpProbe({ url: 'not a url', timeoutMs: 2_000 });
    expect(result.ok).toBe(false);
    expect(result.detail).toContain('request to not a url failed');
  });
});

describe('tcpProbe', () => {
  it('is ok when something listens', async () => {
    const port = (http.address() as AddressInfo).port;
    expect(await tcpProbe({ host: '127.0.0.1', port, timeoutMs: 2_000 })).toMatchObject({ ok: true, detail: `connected to 127.0.0.1:${port}` });
  });

  it('fails on a closed port', async () => {
    const port = await closedPort();
    expect(await tcpProbe({ host: '127.0.0.1', port, timeoutMs: 2_000 })).toMatchObject({ ok: false, detail: `connection refused (127.0.0.1:${port})` });
  });

  it('fails on an invalid port without throwing', async () => {
    const result = await tcpProbe({ host: '127.0.0.1', port: 70_000, timeoutMs: 2_000 });
    expect(result.ok).toBe(false);
    expect(result.detail).toContain('cannot connect to 127.0.0.1:70000');
  });
});

describe('commandProbe', () => {
  it('is ok when the command exits 0', async () => {
    expect(await commandProbe({ command: ['true'], timeoutMs: 2_000 })).toMatchObject({ ok: true, detail: 'exit code 0; no output' });
  });

  it('fails with the exit code and the end of the output', async () => {
    expect(await commandProbe({ command: ['false'], timeoutMs: 2_000 })).toMatchObject({ ok: false, detail: 'exit code 1; no output' });
    const noisy = await commandProbe({ command: ['sh', '-c', 'seq 1 2000; echo "disk full" >&2; exit 7'], timeoutMs: 2_000 });
    expect(noisy.ok).toBe(false);
    expect(noisy.detail).toMatch(/^exit code 7; output: …/);
    expect(noisy.detail).toContain('2000\ndisk full');
    expect(noisy.detail).not.toContain('\n1\n2\n');
    expect(Buffer.byteLength(noisy.detail)).toBeLessThan(600);
  });

  it('kills the process group on timeout', async () => {
    const result = await commandProbe({ command: ['sh', '-c', 'echo waiting; sleep 5'], timeoutMs: 200 });
    expect(result).toMatchObject({ ok: false, detail: 'timeout after 200 ms, process group killed (killed by SIGKILL); output: waiting' });
    expect(result.durationMs).toBeLessThan(5_000);
  });

  it('reports a missing program and runs in cwd', async () => {
    const missing = await commandProbe({ command: ['/no/such/program'], timeoutMs: 2_000 });
    expect(missing.ok).toBe(false);
    expect(missing.detail).toContain('could not run /no/such/program');
    expect(await commandProbe({ command: ['pwd'], cwd: '/tmp', timeoutMs: 2_000 })).toMatchObject({ ok: true, detail: 'exit code 0; output: /tmp' });
  });
});

describe('HealthTracker', () => {
  const ok = { ok: true };
  const fail = { ok: false };

  it('needs N consecutive failures before unhealthy and M successes to recover', () => {
    const health = new HealthTracker({ failuresBeforeUnhealthy: 3, successesBeforeHealthy: 2 });
    expect(health.state).toBe('unknown');
    expect([fail, fail, ok, fail, fail].map((r) => health.record(r))).toEqual([null, null, null, null, null]);
    expect(health.state).toBe('unknown');
    expect(health.record(fail)).toBe('became-unhealthy');
    expect(health.record(fail)).toBeNull();
    expect(health.state).toBe('unhealthy');
    expect([ok, fail, ok].map((r) => health.record(r))).toEqual([null, null, null]);
    expect(health.record(ok)).toBe('became-healthy');
    expect(health.state).toBe('healthy');
  });

  it('goes from unknown to unhealthy with an alert, and from unknown to healthy without one', () => {
    const failing = new HealthTracker({ failuresBeforeUnhealthy: 2, successesBeforeHealthy: 1 });
    expect(failing.record(fail)).toBeNull();
    expect(failing.record(fail)).toBe('became-unhealthy');
    const fine = new HealthTracker({ failuresBeforeUnhealthy: 2, successesBeforeHealthy: 1 });
    expect(fine.record(ok)).toBeNull();
    expect(fine.state).toBe('healthy');
  });
});
