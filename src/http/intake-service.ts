import type { Logger } from 'pino';
import { AlertAcceptor, type AcceptOutcome } from '../alerts/accept.js';
import type { AlertInput } from '../alerts/input.js';
import type { WorkSink } from '../alerts/work-sink.js';
import type { FileConfig } from '../config/file-schema.js';
import type { Db } from '../db/open.js';
import type { SeverityMapping } from './alertmanager.js';

export interface IntakeResponse {
  accepted: number;
  alerts: AcceptOutcome[];
}

/**
 * Commits alerts, their deliveries and escalation steps, then hands the work to the queues. The
 * caller's 202 goes out after the commit; a failed enqueue is logged and left to the reconciler.
 */
export class IntakeService {
  readonly severityMapping: SeverityMapping;
  private readonly acceptor: AlertAcceptor;

  constructor(
    readonly db: Db,
    private readonly config: FileConfig,
    private readonly sink: WorkSink,
    readonly log: Logger,
  ) {
    this.severityMapping = config.alertmanager;
    this.acceptor = new AlertAcceptor(db);
  }

  async accept(inputs: AlertInput[]): Promise<IntakeResponse> {
    const { results, work, escalations } = this.acceptor.accept(this.config, inputs);
    void this.sink.deliveries(work);
    void this.sink.escalations(escalations);
    const accepted = results.filter((r) => r.outcome !== 'ignored').length;
    return { accepted, alerts: results };
  }
}
