/** Turns a stream of probe results into health transitions, so one flapping probe does not page anyone. */

export type HealthState = 'unknown' | 'healthy' | 'unhealthy';
export type HealthTransition = 'became-unhealthy' | 'became-healthy' | null;

export interface HealthTrackerOptions {
  /** Consecutive failures before a service is unhealthy (an alert). */
  failuresBeforeUnhealthy: number;
  /** Consecutive successes before a service is healthy again (the alert resolves). */
  successesBeforeHealthy: number;
}

export class HealthTracker {
  private current: HealthState = 'unknown';
  private failures = 0;
  private successes = 0;

  constructor(private readonly options: HealthTrackerOptions) {}

  get state(): HealthState {
    return this.current;
  }

  /**
   * Records one probe result. Returns the transition it caused: `became-unhealthy` after enough
   * consecutive failures, `became-healthy` after enough successes of an unhealthy service; otherwise
   * null. The first healthy verdict of an unknown service is no transition (there is nothing to resolve).
   */
  record(result: { ok: boolean }): HealthTransition {
    if (result.ok) {
      this.failures = 0;
      this.successes += 1;
      if (this.current === 'healthy' || this.successes < this.options.successesBeforeHealthy) return null;
      const wasUnhealthy = this.current === 'unhealthy';
      this.current = 'healthy';
      return wasUnhealthy ? 'became-healthy' : null;
    }
    this.successes = 0;
    this.failures += 1;
    if (this.current === 'unhealthy' || this.failures < this.options.failuresBeforeUnhealthy) return null;
    this.current = 'unhealthy';
    return 'became-unhealthy';
  }
}
