import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { childEnv } from './child-env.js';
import { signalGroup } from './process-group.js';
import { RestartPolicy } from './restart-policy.js';
import { RotatingLog } from './rotating-log.js';
import type { SupervisorEvent, SupervisorOptions, SupervisorState } from './supervisor-types.js';

export type { SupervisorEvent, SupervisorOptions, SupervisorState } from './supervisor-types.js';

/** One spawn of the supervised program, from `spawn()` until its exit (or its spawn error). */
interface Run {
  child: ChildProcess | undefined;
  /** `performance.now()` when the process was running (its `spawn` event). */
  spawnedAt: number | undefined;
  startedAt: Date | undefined;
  over: boolean;
  ended: Promise<void>;
  markEnded: () => void;
  /** Settles when stdout and stderr are fully written to the log files. */
  output: Promise<unknown>;
}

interface Ending {
  code: number | null;
  signal: NodeJS.Signals | null;
  spawnError?: string;
}

/**
 * Starts one service and keeps it running: restarts it after a crash with growing back-off, gives up
 * in a crash loop (state `fatal`), appends its output to rotating log files, and stops it gracefully.
 * The program runs without a shell in its own process group, so signals reach its children too.
 */
export class ProcessSupervisor {
  private run: Run | undefined;
  private current: SupervisorState = 'stopped';
  private wanted = false;
  private cancelPendingLaunch: (() => void) | undefined;
  private stopping: Promise<void> | undefined;
  private readonly policy: RestartPolicy;
  private readonly stdoutLog: RotatingLog;
  private readonly stderrLog: RotatingLog;

  constructor(private readonly options: SupervisorOptions) {
    if (options.command.length === 0 || !options.command[0]) throw new Error(`service ${options.name}: command is empty; give the program and its arguments`);
    if (!(options.logMaxBytes >= 1)) throw new Error(`service ${options.name}: logMaxBytes must be at least 1 (got ${options.logMaxBytes})`);
    if (!Number.isInteger(options.logFiles) || options.logFiles < 0) throw new Error(`service ${options.name}: logFiles must be a whole number ≥ 0 (got ${options.logFiles})`);
    this.policy = new RestartPolicy(options.backoff, options.crashLoop);
    this.stdoutLog = new RotatingLog(join(options.logDir, `${options.name}.out.log`), options.logMaxBytes, options.logFiles);
    this.stderrLog = new RotatingLog(join(options.logDir, `${options.name}.err.log`), options.logMaxBytes, options.logFiles);
  }

  get name(): string {
    return this.options.name;
  }

  get state(): SupervisorState {
    return this.current;
  }

  /** The process id while a process is alive. */
  get pid(): number | undefined {
    return this.run && !this.run.over ? this.run.child?.pid : undefined;
  }

  /** When the current process started running. */
  get startedAt(): Date | undefined {
    return this.run && !this.run.over ? this.run.startedAt : undefined;
  }

  /** Restarts counted inside the crash-loop window, now. */
  get restartsInWindow(): number {
    return this.policy.restartsInWindow(performance.now());
  }

  /** Starts the process unless it is already starting, running or waiting to restart; a fresh start forgets back-off and crash-loop history. */
  start(): void {
    if (this.stopping) throw new Error(`service ${this.name} is still stopping; await stop() first, or use restart()`);
    if (this.wanted) return;
    this.wanted = true;
    this.policy.reset();
    this.launch();
  }

  /**
   * Stops for good (no restart): SIGTERM to the process group, SIGKILL after `stopTimeoutMs`.
   * Resolves when the process is gone and its output is in the log files (also after an exit).
   */
  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    this.wanted = false;
    this.cancelPendingLaunch?.();
    this.cancelPendingLaunch = undefined;
    const run = this.run;
    if ((!run || run.over) && this.current !== 'stopped') this.enter('stopped', { type: 'stopped' });
    if (!run) return Promise.resolve();
    this.stopping = this.terminate(run).finally(() => (this.stopping = undefined));
    return this.stopping;
  }

  /** Manual restart: graceful stop, then a fresh start (back-off and a `fatal` state are forgotten). */
  async restart(): Promise<void> {
    await this.stop();
    this.start();
  }

  private launch(): void {
    this.cancelPendingLaunch = undefined;
    const [program, ...args] = this.options.command as [string, ...string[]];
    let markEnded!: () => void;
    const ended = new Promise<void>((resolve) => (markEnded = resolve));
    const run: Run = { child: undefined, spawnedAt: undefined, startedAt: undefined, over: false, ended, markEnded, output: Promise.resolve() };
    this.run = run;
    this.current = 'starting';
    let child: ChildProcess;
    try {
      child = spawn(program, args, {
        cwd: this.options.cwd,
        env: childEnv(this.options.env),
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
    } catch (error) {
      this.end(run, { code: null, signal: null, spawnError: (error as Error).message });
      return;
    }
    run.child = child;
    child.once('spawn', () => this.onSpawn(run));
    child.once('exit', (code, signal) => this.end(run, { code, signal }));
    child.on('error', (error) => {
      if (run.spawnedAt === undefined) this.end(run, { code: null, signal: null, spawnError: error.message });
    });
    run.output = Promise.allSettled([
      pipeline(child.stdout!, this.stdoutLog.sink((error) => this.warn('stdout log', error))),
      pipeline(child.stderr!, this.stderrLog.sink((error) => this.warn('stderr log', error))),
    ]);
  }

  private onSpawn(run: Run): void {
    if (run.over) return;
    run.spawnedAt = performance.now();
    run.startedAt = new Date();
    if (this.run === run) this.current = 'running';
    this.emit({ type: 'started', pid: run.child!.pid!, at: run.startedAt.getTime(), monotonicMs: run.spawnedAt });
  }

  /** The process is gone (or never started): restart it right here when back-off is 0, then tell the listener. */
  private end(run: Run, ending: Ending): void {
    if (run.over) return;
    run.over = true;
    run.markEnded();
    const monotonicMs = performance.now();
    const at = Date.now();
    const uptimeMs = run.spawnedAt === undefined ? 0 : monotonicMs - run.spawnedAt;
    const ended: SupervisorEvent =
      ending.spawnError === undefined
        ? { type: 'exited', code: ending.code, signal: ending.signal, uptimeMs, at, monotonicMs }
        : { type: 'spawn-error', message: ending.spawnError, at, monotonicMs };

    if (!this.wanted) {
      this.enter('stopped', ended, { type: 'stopped' });
      return;
    }
    if (ending.code === 0 && !this.options.restartOnZeroExit) {
      this.wanted = false;
      this.enter('exited', ended);
      return;
    }
    const decision = this.policy.afterCrash(uptimeMs, monotonicMs);
    if (!decision.restart) {
      this.wanted = false;
      this.enter('fatal', ended, { type: 'fatal', restarts: decision.restarts, windowMs: this.options.crashLoop.windowMs });
      return;
    }
    const restarting: SupervisorEvent = { type: 'restarting', delayMs: decision.delayMs, attempt: decision.attempt };
    if (decision.delayMs === 0 && ending.spawnError === undefined) {
      this.launch();
      this.emit(ended);
      this.emit(restarting);
      return;
    }
    this.scheduleLaunch(decision.delayMs);
    this.enter('backoff', ended, restarting);
  }

  /** A spawn error with no back-off waits for the next turn of the event loop, so a missing program cannot starve it. */
  private scheduleLaunch(delayMs: number): void {
    if (delayMs === 0) {
      const immediate = setImmediate(() => this.launch());
      this.cancelPendingLaunch = () => clearImmediate(immediate);
    } else {
      const timer = setTimeout(() => this.launch(), delayMs);
      this.cancelPendingLaunch = () => clearTimeout(timer);
    }
  }

  /** Ends the run (if it is still alive), then waits for its output to reach the log files and closes them. */
  private async terminate(run: Run): Promise<void> {
    const pid = run.over ? undefined : run.child?.pid;
    if (pid !== undefined) {
      const killTimer = setTimeout(() => signalGroup(pid, 'SIGKILL'), this.options.stopTimeoutMs);
      signalGroup(pid, 'SIGTERM');
      await run.ended;
      clearTimeout(killTimer);
    }
    await run.ended;
    const outputGrace = new AbortController();
    await Promise.race([run.output, sleep(this.options.stopTimeoutMs, undefined, { signal: outputGrace.signal }).catch(() => undefined)]);
    outputGrace.abort();
    await Promise.allSettled([this.stdoutLog.close(), this.stderrLog.close()]);
  }

  private enter(state: SupervisorState, ...events: SupervisorEvent[]): void {
    this.current = state;
    for (const event of events) this.emit(event);
  }

  private emit(event: SupervisorEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch (error) {
      this.warn(`${event.type} listener`, error as Error);
    }
  }

  private warn(where: string, error: Error): void {
    process.emitWarning(`service ${this.name}: ${where} failed: ${error.message}`, 'SupervisorWarning');
  }
}
