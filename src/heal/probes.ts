import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { childEnv } from './child-env.js';
import { OutputTail } from './output-tail.js';
import { signalGroup } from './process-group.js';
import { matchesAnywhere, regexProblem } from '../linear-regex.js';

/** What every probe returns; probes never throw. */
export interface ProbeResult {
  ok: boolean;
  detail: string;
  durationMs: number;
}

export interface HttpProbeOptions {
  url: string;
  /** Accepted status codes; by default any of 200–399 (redirects are not followed). */
  expectStatus?: number | readonly number[];
  /** A regular expression (its source, RE2 syntax) the response body must match somewhere. */
  bodyMatch?: string;
  timeoutMs: number;
}

export interface TcpProbeOptions {
  host: string;
  port: number;
  timeoutMs: number;
}

export interface CommandProbeOptions {
  /** argv, run without a shell: `command[0]` is the program. */
  command: readonly string[];
  timeoutMs: number;
  cwd?: string;
  /** Set over opsbot's environment without its secrets (see `childEnv`). */
  env?: Readonly<Record<string, string>>;
}

const BODY_LIMIT_BYTES = 1024 * 1024;
const OUTPUT_TAIL_BYTES = 500;

function stopwatch(): (ok: boolean, detail: string) => ProbeResult {
  const started = performance.now();
  return (ok, detail) => ({ ok, detail, durationMs: performance.now() - started });
}

export async function httpProbe(options: HttpProbeOptions): Promise<ProbeResult> {
  const finish = stopwatch();
  const pattern = options.bodyMatch;
  const problem = pattern === undefined ? undefined : regexProblem(pattern);
  if (problem) return finish(false, `bodyMatch is ${problem}`);
  try {
    const response = await fetch(options.url, { signal: AbortSignal.timeout(options.timeoutMs), redirect: 'manual' });
    const status = `HTTP ${response.status}`;
    if (!statusAccepted(response.status, options.expectStatus)) {
      await response.body?.cancel();
      return finish(false, `${status}, expected ${describeExpected(options.expectStatus)}`);
    }
    if (!pattern) {
      await response.body?.cancel();
      return finish(true, status);
    }
    const body = await readBodyStart(response, BODY_LIMIT_BYTES);
    if (!matchesAnywhere(pattern, body)) {
      const shown = body.length > 200 ? `${body.slice(0, 200)}…` : body;
      return finish(false, `${status} but the body does not match /${pattern}/; body: ${JSON.stringify(shown)}`);
    }
    return finish(true, `${status}, body matches /${pattern}/`);
  } catch (error) {
    return finish(false, describeRequestError(error, options));
  }
}

function statusAccepted(status: number, expected: HttpProbeOptions['expectStatus']): boolean {
  if (expected === undefined) return status >= 200 && status <= 399;
  return typeof expected === 'number' ? status === expected : expected.includes(status);
}

function describeExpected(expected: HttpProbeOptions['expectStatus']): string {
  if (expected === undefined) return '200-399';
  return typeof expected === 'number' ? String(expected) : expected.join(' or ');
}

async function readBodyStart(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for await (const chunk of response.body) {
    chunks.push(chunk);
    bytes += chunk.length;
    if (bytes >= limit) break;
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

function describeRequestError(error: unknown, options: HttpProbeOptions): string {
  const err = error as Error & { cause?: NodeJS.ErrnoException };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `timeout: no complete answer from ${options.url} within ${options.timeoutMs} ms`;
  const code = err.cause?.code;
  if (code === 'ECONNREFUSED') return `connection refused by ${options.url}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `host not found: ${options.url}`;
  const reason = err.cause?.message ?? err.message;
  return `request to ${options.url} failed: ${reason}`;
}

export function tcpProbe(options: TcpProbeOptions): Promise<ProbeResult> {
  const finish = stopwatch();
  const target = `${options.host}:${options.port}`;
  return new Promise((resolve) => {
    let socket: ReturnType<typeof connect>;
    try {
      socket = connect({ host: options.host, port: options.port });
    } catch (error) {
      resolve(finish(false, `cannot connect to ${target}: ${(error as Error).message}`));
      return;
    }
    const settle = (ok: boolean, detail: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(finish(ok, detail));
    };
    const timer = setTimeout(() => settle(false, `timeout: no connection to ${target} within ${options.timeoutMs} ms`), options.timeoutMs);
    socket.once('connect', () => settle(true, `connected to ${target}`));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const reason = error.code === 'ECONNREFUSED' ? 'connection refused' : error.code === 'ENOTFOUND' ? 'host not found' : error.message;
      settle(false, `${reason} (${target})`);
    });
  });
}

/** Runs a command (no shell, its own process group); ok when it exits 0 within the timeout, else the group is killed. */
export function commandProbe(options: CommandProbeOptions): Promise<ProbeResult> {
  const finish = stopwatch();
  const [program, ...args] = options.command;
  if (!program) return Promise.resolve(finish(false, 'command is empty; give the program and its arguments'));
  const tail = new OutputTail(OUTPUT_TAIL_BYTES);
  const withOutput = (text: string) => {
    const output = tail.text();
    return output ? `${text}; output: ${output}` : `${text}; no output`;
  };
  return new Promise((resolve) => {
    let child: ChildProcessByStdio<null, Readable, Readable>;
    try {
      child = spawn(program, args, { cwd: options.cwd, env: childEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    } catch (error) {
      resolve(finish(false, `could not run ${program}: ${(error as Error).message}`));
      return;
    }
    let timedOut = false;
    let settled = false;
    let exit: string | undefined;
    const settle = (ok: boolean, detail: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(finish(ok, detail));
    };
    const timer = setTimeout(() => {
      timedOut = true;
      if (exit === undefined && child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
      else {
        child.stdout.destroy();
        child.stderr.destroy();
      }
    }, options.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => tail.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => tail.push(chunk));
    child.once('error', (error) => settle(false, `could not run ${program}: ${error.message}`));
    child.once('exit', (code, signal) => {
      exit = code !== null ? `exit code ${code}` : `killed by ${signal}`;
    });
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
      const ended = exit ?? (code !== null ? `exit code ${code}` : `killed by ${signal}`);
      if (timedOut && code !== 0) settle(false, withOutput(`timeout after ${options.timeoutMs} ms, process group killed (${ended})`));
      else settle(code === 0, withOutput(ended));
    });
  });
}
