import { spawn } from 'node:child_process';
import { childEnv } from './child-env.js';
import { OutputTail } from './output-tail.js';
import { signalGroup } from './process-group.js';

export interface CommandOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** The last bytes of stdout and stderr together, as text. */
  outputTail: string;
  durationMs: number;
  /** Set when the program could not be started at all. */
  spawnError?: string;
}

const TAIL_BYTES = 4_096;

/**
 * Runs a fixed argv (never through a shell), keeping only the tail of its output, and kills its
 * whole process group when it overruns the timeout.
 */
export function runCommand(argv: string[], options: { timeoutMs: number; cwd?: string; env?: Readonly<Record<string, string>> }): Promise<CommandOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const tail = new OutputTail(TAIL_BYTES);
    const keep = (chunk: Buffer) => tail.push(chunk);
    const child = spawn(argv[0]!, argv.slice(1), {
      ...(options.cwd ? { cwd: options.cwd } : {}),
      env: childEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
    }, options.timeoutMs);
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ exitCode: null, signal: null, timedOut: false, outputTail: '', durationMs: performance.now() - started, spawnError: error.message });
    });
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ exitCode, signal, timedOut, outputTail: tail.text(), durationMs: performance.now() - started });
    });
  });
}

export function describeOutcome(outcome: CommandOutcome, timeoutMs: number): string {
  if (outcome.spawnError) return `could not start: ${outcome.spawnError}`;
  if (outcome.timedOut) return `killed after the ${Math.round(timeoutMs / 1000)} s timeout`;
  if (outcome.signal) return `killed by ${outcome.signal}`;
  return `exit ${outcome.exitCode}`;
}
