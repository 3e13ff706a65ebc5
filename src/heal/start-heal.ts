import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Store } from '../db/store.js';
import type { ServiceConfig } from '../config/service-schema.js';
import type { RaiseAlert } from '../heartbeats/heartbeats.js';
import { HealRefusal, HealService } from './heal-service.js';
import { ServiceManager } from './service-manager.js';
import { Handover } from './handover.js';
import { BEAT_EVERY_MS } from '../cluster/instances.js';
import type { ForwardedHeal, ForwardHeal } from './heal-forwarding.js';
import { runForwardedHeal } from './forwarded-heal-run.js';

/** The probe schedule the heal capability runs on; `jobs/probe.ts` provides it with BullMQ. */
export interface ProbeSchedule {
  /** Re-creates the schedules (after Redis lost them). */
  ensureSchedules(): Promise<void>;
  /** Hands a heal to the instance that runs the service, through its queue. */
  forward: ForwardHeal;
  stop(): Promise<void>;
}

/** Schedules the probes of what `manager` supervises; `runForwarded` starts a heal another instance handed to this one. */
export type ScheduleProbes = (manager: ServiceManager, runForwarded: (heal: ForwardedHeal) => Promise<void>) => Promise<ProbeSchedule>;

export interface HealHandles {
  manager: ServiceManager;
  heal: HealService;
  /** Re-creates the probe schedules (after Redis lost them). */
  ensureSchedules(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the services this instance supervises, schedules their probes, and connects unhealthy
 * services to their automatic heal action; at every beat it takes over or hands back the services
 * of lost instances (see `Handover`). Logs go to `<dataDir>/logs`, the autoheal log to `<dataDir>/autoheal.log`.
 */
export async function startHeal(
  store: Store,
  services: ServiceConfig[],
  dataDir: string,
  instance: string,
  raise: RaiseAlert,
  scheduleProbes: ScheduleProbes,
  log: Logger,
): Promise<HealHandles> {
  const autohealLog = join(dataDir, 'autoheal.log');
  const manager = new ServiceManager(store, services, join(dataDir, 'logs'), autohealLog, raise, log.child({ component: 'supervisor' }), instance);
  const heal = new HealService(store, services, manager, raise, autohealLog, log.child({ component: 'heal' }));
  const interrupted = await heal.closeInterruptedRuns(services.filter((service) => service.instance === undefined || service.instance === instance).map((service) => service.name));
  if (interrupted > 0) log.warn({ runs: interrupted }, 'heal runs interrupted by the last stop were closed as failed');
  manager.autoHeal = (service, reason) => {
    const action = service.heal.onUnhealthy;
    if (!action) return;
    heal.start(service.name, action, 'probe', `opsbot (${reason.slice(0, 120)})`).then(
      ({ done }) => done.catch((error: unknown) => log.error({ err: error, service: service.name }, 'automatic heal failed unexpectedly')),
      (error: unknown) => {
        if (error instanceof HealRefusal) log.info({ service: service.name, reason: error.message }, 'automatic heal not started');
        else log.error({ err: error, service: service.name }, 'automatic heal could not start');
      },
    );
  };
  const handover = new Handover(store, manager, raise, log.child({ component: 'handover' }));
  await handover.apply();
  const probes = await scheduleProbes(manager, (request) => runForwardedHeal(heal, services, request, raise, log.child({ component: 'heal' })));
  heal.forwarding = { forward: probes.forward, takenOverBy: (name) => manager.records.takenOverBy(name) };
  let applying: Promise<void> = Promise.resolve();
  let schedulesBehind = false;
  const follow = async () => {
    try {
      schedulesBehind = (await handover.apply()) || schedulesBehind;
      if (schedulesBehind) await probes.ensureSchedules();
      schedulesBehind = false;
    } catch (error) {
      schedulesBehind = true;
      log.warn({ err: error, component: 'handover' }, 'could not take over or hand back services, or move their probe schedules');
    }
  };
  const timer = setInterval(() => (applying = applying.then(follow)), BEAT_EVERY_MS);
  return {
    manager,
    heal,
    ensureSchedules: probes.ensureSchedules,
    async stop() {
      clearInterval(timer);
      await applying;
      if (await handover.stop()) await probes.ensureSchedules().catch((error: unknown) => log.warn({ err: error }, 'could not remove the probe schedules of the services handed back'));
      await probes.stop();
      await manager.stop();
    },
  };
}
