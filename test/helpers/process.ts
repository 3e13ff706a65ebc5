import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface BotProcess {
  child: ChildProcess;
  url: string;
  /** Every log line printed so far, parsed when it is JSON. */
  lines: Array<Record<string, unknown> | string>;
  /** Resolves with the exit code and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();

/** Kills every bot this file spawned that is still running (a test that failed half-way leaves one behind). */
export function killLeftoverBots(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/** Runs `src/main.ts` as its own process (as `npm start` would), and waits for "opsbot is up". */
export async function spawnBot(env: Record<string, string>, timeoutMs = 15_000): Promise<BotProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const lines: BotProcess['lines'] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const collect = (stream: NodeJS.ReadableStream) =>
    createInterface({ input: stream }).on('line', (line) => {
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push(line);
      }
    });
  collect(child.stdout!);
  collect(child.stderr!);

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bot did not start in ${timeoutMs} ms:\n${dump(lines)}`)), timeoutMs);
    const poll = setInterval(() => {
      const up = lines.find((l) => typeof l === 'object' && l.msg === 'opsbot is up') as { url?: string } | undefined;
      if (up?.url) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve(up.url);
      }
    }, 20);
    void exited.then(({ code, signal }) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`bot exited (code ${code}, signal ${signal}) before start-up:\n${dump(lines)}`));
    });
  });
  return { child, url, lines, exited };
}

/** Runs `src/main.ts` expecting it to refuse to start; returns its exit code and output. */
export async function runBotExpectingExit(env: Record<string, string>, timeoutMs = 15_000) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { LOG_LEVEL: 'info', ...env, PATH: env.PATH ?? process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, output };
}

function dump(lines: BotProcess['lines']): string {
  return lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n');
}
