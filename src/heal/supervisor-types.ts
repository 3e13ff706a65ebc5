/** The plain options, states and events of a `ProcessSupervisor` (built by the caller from validated config). */

export interface BackoffOptions {
  /** Delay before the first restart; 0 restarts in the same tick the exit is seen ("back-off off"). */
  initialMs: number;
  /** Each further restart waits `factor` times longer … */
  factor: number;
  /** … up to this delay. */
  maxMs: number;
  /** A process that stayed up this long counts as stable: the next restart waits `initialMs` again. */
  resetAfterMs: number;
}

export interface CrashLoopOptions {
  /** More than this many restarts inside `windowMs` stops restarting (state `fatal`). */
  maxRestarts: number;
  windowMs: number;
}

export interface SupervisorOptions {
  name: string;
  /** argv, run without a shell: `command[0]` is the program. */
  command: readonly string[];
  cwd?: string;
  /** Set over opsbot's environment without its secrets (see `childEnv`). */
  env?: Readonly<Record<string, string>>;
  /** A clean exit (code 0) stays stopped (state `exited`) unless this is true. */
  restartOnZeroExit?: boolean;
  backoff: BackoffOptions;
  crashLoop: CrashLoopOptions;
  /** `stop()` sends SIGTERM to the process group, then SIGKILL after this long. */
  stopTimeoutMs: number;
  /** stdout goes to `<logDir>/<name>.out.log`, stderr to `<logDir>/<name>.err.log`. */
  logDir: string;
  /** A log file is rotated before it would grow past this size. */
  logMaxBytes: number;
  /** Rotated files kept besides the current one: `.1` (newest) … `.<logFiles>` (oldest). */
  logFiles: number;
  /** Called synchronously for every event; it must not throw (a throw becomes a process warning). */
  onEvent?: (event: SupervisorEvent) => void;
}

export type SupervisorState = 'starting' | 'running' | 'backoff' | 'stopped' | 'exited' | 'fatal';

/**
 * `at` is the wall-clock time (epoch ms); `monotonicMs` is `performance.now()` at the same moment,
 * for measuring intervals between events.
 */
export type SupervisorEvent =
  | { type: 'started'; pid: number; at: number; monotonicMs: number }
  | { type: 'exited'; code: number | null; signal: NodeJS.Signals | null; uptimeMs: number; at: number; monotonicMs: number }
  | { type: 'spawn-error'; message: string; at: number; monotonicMs: number }
  | { type: 'restarting'; delayMs: number; attempt: number }
  | { type: 'fatal'; restarts: number; windowMs: number }
  | { type: 'stopped' };
