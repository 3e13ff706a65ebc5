import type { Logger } from 'pino';
import type { Db, Store } from '../db/store.js';
import { acquire, release, stillHolds, type LeaseClaim } from './lease.js';

export interface ElectionOptions {
  store: Store;
  /** This instance (OPSBOT_INSTANCE). */
  holder: string;
  /** How long a lease lasts unless renewed; it is renewed every third of it. */
  ttlMs: number;
  /** The lease's name in the store. */
  lease?: string;
  /** How long before the lease would end a leader that could not renew it stops acting; a fifth of the ttl unless given. */
  marginMs?: number;
  /** Called once each time this instance becomes the leader, with its fencing token. */
  onElected(token: number): void;
  /** Called once each time it stops being the leader: lost the lease, could not renew it in time, or stopped. */
  onDeposed(): void;
  log?: Logger;
}

/**
 * Leader election over a lease in the store. Every third of the ttl the instance tries to take or
 * renew the lease; a live lease of another holder is left alone until it expires (no fighting). A
 * leader stops acting by its own clock at the lease's end minus a margin when no renewal got through,
 * so a leader cut off from the store (or paused) has stopped before another can take over.
 */
export class LeaderElection {
  private readonly lease: string;
  private readonly periodMs: number;
  private readonly marginMs: number;
  private claim: LeaseClaim | undefined;
  /** By this instance's clock: when it must stop acting unless a renewal gets through. */
  private actUntil = 0;
  private nextAttempt: NodeJS.Timeout | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private attempt: Promise<void> = Promise.resolve();
  private running = false;

  constructor(private readonly options: ElectionOptions) {
    this.lease = options.lease ?? 'leader';
    this.periodMs = Math.max(1, Math.floor(options.ttlMs / 3));
    this.marginMs = options.marginMs ?? Math.floor(options.ttlMs / 5);
    if (this.marginMs >= options.ttlMs - this.periodMs) {
      throw new Error(`LeaderElection: the margin (${this.marginMs} ms) must be shorter than the ttl less one renewal period (${options.ttlMs - this.periodMs} ms)`);
    }
  }

  /** Whether this instance leads now: it holds the lease and its own clock says the lease has not run out. */
  get leading(): boolean {
    return this.claim !== undefined && Date.now() < this.actUntil;
  }

  /** The fencing token of the lease while this instance leads. */
  get token(): number | undefined {
    return this.leading ? this.claim!.token : undefined;
  }

  /**
   * Checks inside `tx` that this instance still holds the lease it was elected with, for a write only
   * the leader may make: false when it does not lead, or another took the lease meanwhile (fencing).
   */
  fence(tx: Db): Promise<boolean> {
    const claim = this.leading ? this.claim : undefined;
    return claim ? stillHolds(this.options.store, tx, claim) : Promise.resolve(false);
  }

  /** Starts taking part; resolves once the first attempt is decided (this instance leads or it does not). */
  start(): Promise<void> {
    if (this.running) return this.attempt;
    this.running = true;
    this.attempt = this.tryToLead();
    return this.attempt;
  }

  /** Stops trying; a leader steps down and releases the lease so another takes over at once. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.nextAttempt);
    await this.attempt;
    const claim = this.claim;
    if (!claim) return;
    this.depose();
    try {
      await release(this.options.store, claim);
    } catch (error) {
      this.options.log?.warn({ err: error, lease: this.lease }, 'could not release the lease; it ends at its expiry');
    }
  }

  private scheduleAttempt(delayMs: number): void {
    this.nextAttempt = setTimeout(() => {
      this.attempt = this.tryToLead();
    }, delayMs);
  }

  private async tryToLead(): Promise<void> {
    const startedAt = Date.now();
    try {
      const got = await acquire(this.options.store, this.lease, this.options.holder, this.options.ttlMs, new Date(startedAt));
      if (got.held) this.keep(got.token, startedAt + this.options.ttlMs - this.marginMs);
      else if (this.claim) this.depose();
    } catch (error) {
      this.options.log?.warn({ err: error, lease: this.lease }, 'could not reach the store to renew or take the lease');
    } finally {
      if (this.running) this.scheduleAttempt(Math.max(0, startedAt + this.periodMs - Date.now()));
    }
  }

  private keep(token: number, actUntil: number): void {
    if (Date.now() >= actUntil) return;
    if (this.claim && this.claim.token !== token) this.depose();
    this.actUntil = actUntil;
    clearTimeout(this.deadline);
    this.deadline = setTimeout(() => this.depose(), actUntil - Date.now());
    if (this.claim) return;
    this.claim = { name: this.lease, holder: this.options.holder, token };
    this.options.onElected(token);
  }

  private depose(): void {
    clearTimeout(this.deadline);
    if (!this.claim) return;
    this.claim = undefined;
    this.options.onDeposed();
  }
}
