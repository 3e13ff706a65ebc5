/** The parts started so far, stopped in the reverse order. */
export class Started {
  private readonly stops: Array<() => Promise<void> | void> = [];

  add<T extends { stop(): Promise<void> | void }>(part: T): T {
    this.stops.push(() => part.stop());
    return part;
  }

  async stopAll(): Promise<void> {
    for (const stop of this.stops.reverse()) await stop();
  }
}
