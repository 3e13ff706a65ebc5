import type { Logger } from 'pino';
import type { FileConfig } from '../config/file-schema.js';
import { releaseEndedSilencesTo } from '../alerts/silence-hold.js';
import type { WorkSink } from '../shared/work.js';
import { createEscalateQueue, createEscalateWorker } from '../../jobs/escalate.js';
import { createSilenceEndQueue, createSilenceEndWorker } from '../../jobs/silence-end.js';
import { QueueWorkSink } from '../../jobs/work-sink.js';
import type { Foundation } from './foundation.js';
import type { Delivery } from './delivery.js';

export interface Escalation {
  /** Hands committed work to the delivery, escalation and silence-end queues. */
  sink: WorkSink;
  /** Jobs not yet finished in the escalation queue. */
  backlog(): Promise<number>;
  stop(): Promise<void>;
}

/** The escalation ladder's queue and worker, the silence-end queue and worker, and the work sink over all queues. */
export function startEscalation(base: Foundation, file: FileConfig, delivery: Delivery, log: Logger): Escalation {
  const { command, worker } = base.redis;
  const { errors } = base.connections;
  const escalateQueue = createEscalateQueue(command, base.prefix);
  const silenceEndQueue = createSilenceEndQueue(command, base.prefix);
  for (const q of [escalateQueue, silenceEndQueue]) errors.watch(q, q.name);
  const sink = new QueueWorkSink({ deliver: delivery.queues, escalate: escalateQueue, silenceEnd: silenceEndQueue }, delivery.burstFor, base.queueLog);
  const escalateWorker = createEscalateWorker(
    {
      store: base.store,
      claims: delivery.claims,
      queueNext: (next) => sink.escalations([next]),
      config: file,
      adapters: delivery.adapters,
      pacer: delivery.pacer,
      retry: file.delivery,
      log: log.child({ component: 'escalation' }),
    },
    worker,
    base.prefix,
    errors,
  );
  const silenceEndWorker = createSilenceEndWorker(
    async () => {
      const released = await releaseEndedSilencesTo(sink, base.store, file.escalation);
      if (released.released > 0) log.info({ alerts: released.released }, 'silence ended: held alerts released');
    },
    worker,
    base.prefix,
    log,
    errors,
  );
  return {
    sink,
    backlog: () => escalateQueue.getJobCountByTypes('waiting', 'delayed', 'active', 'prioritized'),
    async stop() {
      await Promise.all([escalateWorker.close(), silenceEndWorker.close()]);
      await Promise.all([escalateQueue.close(), silenceEndQueue.close()]);
    },
  };
}
