/**
 * Phase (e): restart latency of the process supervisor (src/heal/supervisor.ts), in the bench process.
 * A shell child (`sh -c 'sleep 0.1; exit 1'`) crashes over and over with back-off 0 and crash-loop
 * detection off; each sample is the time from the supervisor observing the exit to the new child's
 * `spawn` event (state running), both stamped by the supervisor's own events.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ProcessSupervisor } from '../src/heal/supervisor.js';
import { summarize, type Summary } from './stats.js';

export interface RestartOptions {
  crashes: number;
}

export interface RestartResult {
  /** Restart latencies in ms, one per crash, in order. */
  samples: number[];
  p50: number;
  p99: number;
  max: number;
  /** Where a restart's time goes: exit seen → spawn() returned (the supervisor's synchronous work, mostly fork/exec) … */
  launch: Summary;
  /** … and spawn() returned → the child's `spawn` event. */
  spawnEvent: Summary;
  /** Baseline: a bare `spawn('sh', …)` → its `spawn` event in the same process, without the supervisor. */
  bareSpawn: Summary;
  /** Resident set size of the bench process (fork/exec cost grows with it), MB. */
  rssMb: number;
}

export async function runRestart(options: RestartOptions): Promise<RestartResult> {
  const logDir = mkdtempSync(join(tmpdir(), 'opsbot-bench-restart-'));
  const samples: number[] = [];
  const launch: number[] = [];
  const spawnEvent: number[] = [];
  let exitSeenAt: number | undefined;
  let launchedAt: number | undefined;
  let done!: () => void;
  let fail!: (error: Error) => void;
  const finished = new Promise<void>((resolve, reject) => {
    done = resolve;
    fail = reject;
  });
  const supervisor = new ProcessSupervisor({
    name: 'crasher',
    command: ['sh', '-c', 'sleep 0.1; exit 1'],
    backoff: { initialMs: 0, factor: 1, maxMs: 0, resetAfterMs: 60_000 },
    crashLoop: { maxRestarts: Number.MAX_SAFE_INTEGER, windowMs: 60_000 },
    stopTimeoutMs: 2_000,
    logDir,
    logMaxBytes: 1024 * 1024,
    logFiles: 1,
    onEvent: (event) => {
      if (event.type === 'exited') {
        // With back-off 0 the supervisor spawns the next child before it emits `exited`.
        exitSeenAt = event.monotonicMs;
        launchedAt = performance.now();
      }
      if (event.type === 'spawn-error') fail(new Error(`bench child could not start: ${event.message}`));
      if (event.type === 'started' && exitSeenAt !== undefined) {
        samples.push(event.monotonicMs - exitSeenAt);
        launch.push(launchedAt! - exitSeenAt);
        spawnEvent.push(event.monotonicMs - launchedAt!);
        exitSeenAt = undefined;
        if (samples.length >= options.crashes) done();
      }
    },
  });
  try {
    supervisor.start();
    await finished;
  } finally {
    await supervisor.stop();
    rmSync(logDir, { recursive: true, force: true });
  }
  const summary = summarize(samples);
  return {
    samples,
    p50: summary.p50,
    p99: summary.p99,
    max: summary.max,
    launch: summarize(launch),
    spawnEvent: summarize(spawnEvent),
    bareSpawn: summarize(await bareSpawns(options.crashes)),
    rssMb: process.memoryUsage().rss / 1e6,
  };
}

async function bareSpawns(count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const before = performance.now();
    const child = spawn('sh', ['-c', 'exit 1'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    await new Promise((resolve) => child.once('spawn', resolve));
    times.push(performance.now() - before);
    await new Promise((resolve) => child.once('close', resolve));
  }
  return times;
}
