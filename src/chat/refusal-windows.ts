interface Window {
  /** The first refusal's audit row, once it is written. */
  auditId: number | null;
  repeats: number;
  timer: NodeJS.Timeout;
}

/**
 * A stranger who keeps sending commands they may not run costs one audit row and one answer per
 * window, not one each: the first refusal opens a window, the ones after it are only counted, and
 * when the window closes the count is handed to `close` (to be written on the first row).
 */
export class RefusalWindows {
  private readonly open = new Map<string, Window>();

  constructor(
    private readonly windowMs: number,
    private readonly close: (auditId: number, refusals: number) => void,
  ) {}

  /** True when `user` already has an open window: this refusal was counted into it. */
  countRepeat(user: string): boolean {
    const window = this.open.get(user);
    if (!window) return false;
    window.repeats += 1;
    return true;
  }

  /** Opens `user`'s window at their first refusal, before its audit row is written, so the refusals that follow count into it. */
  start(user: string): void {
    const timer = setTimeout(() => this.finish(user), this.windowMs);
    timer.unref();
    this.open.set(user, { auditId: null, repeats: 0, timer });
  }

  /** The audit row of the refusal that opened `user`'s window, where the count goes when it closes. */
  countOnto(user: string, auditId: number): void {
    const window = this.open.get(user);
    if (window) window.auditId = auditId;
  }

  /** Closes every open window now (on shutdown), so no count is lost. */
  flush(): void {
    for (const user of [...this.open.keys()]) this.finish(user);
  }

  private finish(user: string): void {
    const window = this.open.get(user);
    if (!window) return;
    clearTimeout(window.timer);
    this.open.delete(user);
    if (window.repeats > 0 && window.auditId !== null) this.close(window.auditId, window.repeats + 1);
  }
}
