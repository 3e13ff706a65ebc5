import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { AlertAcceptor, type AcceptOutcome } from '../alerts/accept.js';
import type { AlertInput } from '../alerts/input.js';
import type { FileConfig } from '../config/file-schema.js';
import type { Db } from '../db/open.js';
import { intakeJobs, type DeliverJob } from '../../jobs/deliver.js';
import type { Platform } from '../channels/types.js';
import type { SeverityMapping } from './alertmanager.js';

export interface IntakeResponse {
  accepted: number;
  alerts: AcceptOutcome[];
}

/**
 * Commits alerts and their deliveries, then hands the work to the deliver queue. The caller's
 * 202 goes out after the commit; a failed enqueue is logged and left to the reconciler.
 */
export class IntakeService {
  readonly severityMapping: SeverityMapping;
  private readonly acceptor: AlertAcceptor;

  constructor(
    readonly db: Db,
    private readonly config: FileConfig,
    private readonly queue: Queue<DeliverJob>,
    private readonly burstFor: (platform: Platform, destination: string) => number,
    private readonly log: Logger,
  ) {
    this.severityMapping = config.alertmanager;
    this.acceptor = new AlertAcceptor(db);
  }

  async accept(inputs: AlertInput[]): Promise<IntakeResponse> {
    const { results, work } = this.acceptor.accept(this.config, inputs);
    if (work.length > 0) {
      this.queue.addBulk(intakeJobs(work, this.burstFor)).catch((error: unknown) => {
        this.log.error({ err: error, jobs: work.length }, 'enqueue failed; the reconciler will pick the deliveries up');
      });
    }
    const accepted = results.filter((r) => r.outcome !== 'ignored').length;
    return { accepted, alerts: results };
  }
}
