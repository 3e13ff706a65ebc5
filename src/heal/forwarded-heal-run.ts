import type { Logger } from 'pino';
import type { ServiceConfig } from '../config/service-schema.js';
import type { RaiseAlert } from '../heartbeats/heartbeats.js';
import type { ForwardedHeal } from './heal-forwarding.js';
import { HealRefusal, type HealService } from './heal-service.js';

/**
 * Starts, on the instance that runs the service, a heal another instance handed over. Whoever asked
 * had their answer already ("handed to …"), so a refusal here (a run in progress, maintenance, the
 * service handed back meanwhile) comes to chat as a WARN alert saying why.
 */
export async function runForwardedHeal(heal: HealService, services: ServiceConfig[], request: ForwardedHeal, raise: RaiseAlert, log: Logger): Promise<void> {
  try {
    const { run, done } = await heal.start(request.service, request.action, request.trigger, request.triggeredBy);
    done.catch((error: unknown) => log.error({ err: error, run: run.id }, 'heal run failed unexpectedly'));
  } catch (error) {
    const config = services.find((service) => service.name === request.service);
    if (!(error instanceof HealRefusal) || !config) throw error;
    log.info({ ...request, reason: error.message }, 'a heal handed over by another instance was not started');
    await raise({
      severity: 'WARN',
      title: `Heal of ${config.name} (${request.action}) asked by ${request.triggeredBy} was not started`,
      body: error.message,
      service: config.name,
      labels: { owner: config.owner },
      status: 'firing',
      source: 'opsbot supervisor',
    });
  }
}
