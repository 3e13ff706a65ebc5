import type { Logger } from 'pino';
import type { ServiceConfig } from '../config/service-schema.js';
import type { Store } from '../db/store.js';
import type { RaiseAlert } from '../heartbeats/heartbeats.js';
import { LOST_AFTER_MS, instancesNow, listInstances } from '../cluster/instances.js';
import { supervisesNow } from './supervises-now.js';
import type { ServiceManager } from './service-manager.js';
import { HANDED_BACK, TAKEN_OVER } from './service-records.js';
import { serviceAlert } from './service-alert.js';

/**
 * Moves services between their instance and its fallback as instances are lost and come back (and
 * follows the maintenance switches made on other instances, see `ServiceManager.followSwitch`): the
 * fallback takes a service over (records it, says so in an INFO alert, starts it here) and hands it
 * back when its instance beats again (stops it here first, then records it, so the two never run it at once).
 */
export class Handover {
  constructor(
    private readonly store: Store,
    private readonly manager: ServiceManager,
    private readonly raise: RaiseAlert,
    private readonly log: Logger,
  ) {}

  /** Adopts and releases services as the instances stand now; returns whether what this instance supervises changed. */
  async apply(): Promise<boolean> {
    const self = this.manager.instance;
    const instances = instancesNow(await listInstances(this.store, new Date(), LOST_AFTER_MS));
    let changed = false;
    for (const config of this.manager.all()) {
      const takenOverBy = config.fallback === undefined ? null : await this.manager.records.takenOverBy(config.name);
      const wanted = supervisesNow(config, self, instances, takenOverBy);
      const held = this.manager.supervises(config.name);
      if (wanted && !held) await this.takeUp(config);
      else if (!wanted && held) await this.giveUp(config);
      else if (!wanted && takenOverBy === self) await this.handedBack(config);
      else if (wanted) await this.manager.followSwitch(config.name);
      changed ||= wanted !== held;
    }
    return changed;
  }

  /** Hands back every service this instance took over (it stops cleanly, so its instance need not wait for it); returns whether there was one. */
  async stop(): Promise<boolean> {
    const taken = this.manager.all().filter((config) => this.isFallbackHere(config) && this.manager.supervises(config.name));
    for (const config of taken) await this.giveUp(config, 'this instance stops');
    return taken.length > 0;
  }

  private async takeUp(config: ServiceConfig): Promise<void> {
    if (this.isFallbackHere(config)) {
      const self = this.manager.instance;
      await this.manager.records.event(config.name, TAKEN_OVER, null, `by ${self} from lost ${config.instance}`);
      this.log.warn({ service: config.name, from: config.instance }, 'taking over a service from a lost instance');
      await this.say(serviceAlert(config, 'takeover', 'firing', `${config.name} taken over by ${self} from lost ${config.instance}`, `opsbot instance ${config.instance} stopped beating; ${self} runs and probes ${config.name} until ${config.instance} is back.`, 'INFO'));
    }
    await this.manager.adopt(config.name);
  }

  private async giveUp(config: ServiceConfig, why?: string): Promise<void> {
    await this.manager.release(config.name);
    if (this.isFallbackHere(config)) await this.handedBack(config, why);
    else this.log.warn({ service: config.name }, 'another instance holds this service: stopped supervising it here');
  }

  /** Records that this instance no longer holds the service: its instance is back, or (`why`) this instance stops. */
  private async handedBack(config: ServiceConfig, why?: string): Promise<void> {
    const self = this.manager.instance;
    await this.manager.records.event(config.name, HANDED_BACK, null, `by ${self} to ${config.instance}${why ? ` (${why})` : ''}`);
    this.log.info({ service: config.name, to: config.instance, why }, 'handed a service back to its instance');
    const title = why ? `${config.name} released by ${self}: ${why}` : `${config.name} handed back to ${config.instance} by ${self}`;
    await this.say(serviceAlert(config, 'takeover', 'resolved', title, undefined, 'INFO'));
  }

  private isFallbackHere(config: ServiceConfig): boolean {
    return config.fallback === this.manager.instance;
  }

  private async say(input: Parameters<RaiseAlert>[0]): Promise<void> {
    await this.raise(input).catch((error: unknown) => this.log.error({ err: error, service: input.service }, 'could not raise a service alert'));
  }
}
