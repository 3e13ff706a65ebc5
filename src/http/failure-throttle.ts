/**
 * Counts failed authentications per key (a client address, or one key for everybody) in fixed
 * windows: once a key has failed `limit` times in a window, it is refused until that window ends.
 * At most `maxKeys` keys are remembered; the oldest window is forgotten first.
 */
export class FailureThrottle {
  private readonly windows = new Map<string, { failures: number; endsAt: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Seconds until `key` may try again; 0 when it may try now. */
  retryAfterSeconds(key: string, now = Date.now()): number {
    const window = this.windows.get(key);
    if (!window || window.endsAt <= now || window.failures < this.limit) return 0;
    return Math.ceil((window.endsAt - now) / 1_000);
  }

  fail(key: string, now = Date.now()): void {
    const window = this.windows.get(key);
    if (window && window.endsAt > now) {
      window.failures += 1;
      return;
    }
    this.windows.delete(key);
    if (this.windows.size >= this.maxKeys) this.windows.delete(this.windows.keys().next().value!);
    this.windows.set(key, { failures: 1, endsAt: now + this.windowMs });
  }
}
