import type { BackoffOptions, CrashLoopOptions } from './supervisor-types.js';

export type RestartDecision = { restart: true; delayMs: number; attempt: number } | { restart: false; restarts: number };

/** Back-off and crash-loop bookkeeping for one supervised process; pure apart from the clock it is given. */
export class RestartPolicy {
  private nextDelayMs: number;
  private attempt = 0;
  private restartTimes: number[] = [];

  constructor(
    private readonly backoff: BackoffOptions,
    private readonly crashLoop: CrashLoopOptions,
  ) {
    this.nextDelayMs = backoff.initialMs;
  }

  /** Decides what follows a crash of a process that stayed up `uptimeMs`, at time `now` (ms). */
  afterCrash(uptimeMs: number, now: number): RestartDecision {
    if (uptimeMs >= this.backoff.resetAfterMs) this.resetBackoff();
    const restarts = this.restartsInWindow(now);
    if (restarts >= this.crashLoop.maxRestarts) return { restart: false, restarts: restarts + 1 };
    this.restartTimes.push(now);
    this.attempt += 1;
    const delayMs = this.nextDelayMs;
    this.nextDelayMs = Math.min(this.backoff.maxMs, delayMs * this.backoff.factor);
    return { restart: true, delayMs, attempt: this.attempt };
  }

  restartsInWindow(now: number): number {
    const since = now - this.crashLoop.windowMs;
    this.restartTimes = this.restartTimes.filter((at) => at > since);
    return this.restartTimes.length;
  }

  /** A manual restart or start: the next crash waits `initialMs` and the crash window starts empty. */
  reset(): void {
    this.resetBackoff();
    this.restartTimes = [];
  }

  private resetBackoff(): void {
    this.nextDelayMs = this.backoff.initialMs;
    this.attempt = 0;
  }
}
