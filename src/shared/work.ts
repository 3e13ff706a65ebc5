import type { Platform } from './types.js';

/** A delivery whose chat message must be posted or brought up to date with its alert. */
export interface DeliveryWork {
  deliveryId: number;
  revision: number;
  platform: Platform;
  destination: string;
  /** Planned by this request (pending, never posted), as opposed to a posted message to bring up to date. */
  planned: boolean;
}

/** A storm summary or route group whose message must be posted, or brought up to `revision` (an alert in it changed or joined). */
export interface SummaryWork {
  summaryId: number;
  revision: number;
  platform: Platform;
  /** Not before this time (a route group's wait or interval); absent: at once. */
  notBefore?: Date;
}

/** An escalation step that needs a delayed job: run `stepId` at `dueAt`. */
export interface EscalationWork {
  stepId: number;
  alertId: number;
  dueAt: Date;
}

/**
 * Where committed work is handed to be carried out. The rows are already in the store, so a
 * failed hand-over is logged and left to the reconciler: nothing is lost, it only waits for the
 * next sweep. `jobs/work-sink.ts` implements it with BullMQ queues.
 */
export interface WorkSink {
  deliveries(work: DeliveryWork[]): Promise<void>;
  /** Edits every message that shows a changed alert: its own messages and the storm summaries it is in. */
  sync(changes: { work: DeliveryWork[]; summaries: SummaryWork[] }): Promise<void>;
  summaries(work: SummaryWork[]): Promise<void>;
  /** Queues each alert's next escalation step (the later rungs follow one another). */
  escalations(work: EscalationWork[]): Promise<void>;
  silenceEnd(silence: { id: number; endsAt: Date }): Promise<void>;
}
