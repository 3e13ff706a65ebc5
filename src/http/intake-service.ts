import type { Logger } from 'pino';
import { AlertAcceptor, type AcceptOutcome, type AcceptResult } from '../alerts/accept.js';
import type { AlertInput } from '../alerts/input.js';
import type { FileConfig } from '../config/file-schema.js';
import { retryingUniqueRaces, type Store } from '../db/store.js';
import type { FastPath } from '../delivery/fast-path.js';
import type { SeverityMapping } from './alertmanager.js';
import type { DeliveryWork, WorkSink } from '../shared/work.js';

export interface IntakeResponse {
  accepted: number;
  alerts: AcceptOutcome[];
}

/**
 * How long a request's escalation jobs wait for its own posts to finish before they are queued anyway:
 * queueing them costs the event loop more than a post, and their first step is due minutes later.
 */
export const ESCALATIONS_WAIT_FOR_POSTS_MS = 1_000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function settledWithin(work: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Commits alerts, their deliveries and escalation steps, then posts what the fast path claimed in the
 * same transaction and hands the rest of the work to the queues: deliveries once those posts have their
 * slots, escalation steps once the posts are done, so that neither delays them. The caller's 202 goes out after the
 * commit; a failed enqueue is logged and left to the reconciler.
 */
export class IntakeService {
  readonly severityMapping: SeverityMapping;
  private readonly handOffs = new Set<Promise<unknown>>();
  private readonly acceptor: AlertAcceptor;

  constructor(
    readonly store: Store,
    private readonly config: FileConfig,
    private readonly sink: WorkSink,
    private readonly fastPath: FastPath,
    readonly log: Logger,
  ) {
    this.severityMapping = config.alertmanager;
    this.acceptor = new AlertAcceptor(store);
  }

  /**
   * One transaction: the alerts, their deliveries and escalation steps, and the fast path's claims on
   * what it posts itself. When another instance stored a firing alert with one of the batch's dedup
   * keys first (the unique key on firing dedup keys), the batch runs again and finds it.
   */
  private acceptAndClaim(inputs: AlertInput[]): Promise<AcceptResult & { claimed: DeliveryWork[] }> {
    const transaction = () =>
      this.store.transaction(async (tx) => {
        const accepted = await this.acceptor.acceptIn(tx, this.config, inputs);
        return { ...accepted, claimed: await this.fastPath.claim(tx, accepted.work) };
      });
    return retryingUniqueRaces(transaction, (attempt) => this.log.info({ attempt }, 'another instance stored one of these alerts first; accepting the batch again'));
  }

  /** Waits until the work of every accepted request is posted or queued (at shutdown). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.handOffs]);
    await this.fastPath.drain();
  }

  async accept(inputs: AlertInput[]): Promise<IntakeResponse> {
    const { results, work, summaries, escalations, claimed } = await this.acceptAndClaim(inputs);
    const taken = new Set(claimed);
    const rest = work.filter((w) => !taken.has(w));
    const { decided, finished } = this.fastPath.run(claimed);
    const handOff = Promise.all([
      decided.then(nextTurn).then(() => Promise.all([this.sink.deliveries(rest), this.sink.summaries(summaries)])),
      settledWithin(finished, ESCALATIONS_WAIT_FOR_POSTS_MS).then(() => this.sink.escalations(escalations)),
    ]).finally(() => this.handOffs.delete(handOff));
    this.handOffs.add(handOff);
    const accepted = results.filter((r) => r.outcome !== 'ignored').length;
    return { accepted, alerts: results };
  }
}
