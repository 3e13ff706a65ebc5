import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** How long a claim protects a post attempt whose holder may still be running it, in request timeouts. */
export const CLAIM_LEASE_REQUEST_TIMEOUTS = 3;
/**
 * How soon a job that found a live claim looks again. A post attempt usually ends (and releases or
 * settles its claim) long before the lease does, and the work it leaves, such as a storm summary's
 * next attempt, must not wait for the whole lease.
 */
export const CLAIM_RECHECK_MS = 1_000;

export interface Claim {
  claimedAt: Date | null;
  claimedBy: string | null;
}

export type LeaseCheck = { mayTakeOver: true } | { mayTakeOver: false; retryInMs: number };

/**
 * The claims this process takes on deliveries before posting, and whether a claim found on a
 * `sending` delivery may be taken over. A claim protects its post attempt for `leaseMs` (a few request
 * timeouts, so longer than any attempt) while its holder may still be running: this process, another
 * process that is still alive on this host, or a process on another host. A claim whose holder is gone
 * (a process of this host that no longer exists, this host's previous run under the same pid, as
 * after a container restart, or an instance on another host that the cluster counts as lost) is
 * orphaned by a crash and is taken over at once.
 */
export class ClaimLease {
  readonly holderId: string;
  private readonly host = hostname();
  /** `host/pid` of the opsbot instances on other hosts that the cluster counts as lost. */
  private lostElsewhere = new Set<string>();

  constructor(readonly leaseMs: number) {
    this.holderId = [this.host, process.pid, randomBytes(4).toString('hex')].join('/');
  }

  check(claim: Claim, now = Date.now()): LeaseCheck {
    if (claim.claimedAt === null || claim.claimedBy === null) return { mayTakeOver: true };
    const age = now - claim.claimedAt.getTime();
    if (age >= this.leaseMs || this.holderIsGone(claim.claimedBy)) return { mayTakeOver: true };
    return { mayTakeOver: false, retryInMs: Math.min(this.leaseMs - age, CLAIM_RECHECK_MS) };
  }

  /**
   * The instances that stopped beating (the cluster's lost ones): a claim one of them holds on another
   * host is orphaned too, so it is taken over once the instance counts as lost instead of at the lease's end.
   */
  noteLostInstances(lost: Array<{ host: string; pid: number }>): void {
    this.lostElsewhere = new Set(lost.filter((instance) => instance.host !== this.host).map((instance) => `${instance.host}/${instance.pid}`));
  }

  private holderIsGone(claimedBy: string): boolean {
    if (claimedBy === this.holderId) return false;
    const [host, pidText] = claimedBy.split('/');
    if (host !== this.host) return this.lostElsewhere.has(`${host}/${pidText}`);
    const pid = Number(pidText);
    return pid === process.pid || !processIsRunning(pid);
  }
}

function processIsRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
