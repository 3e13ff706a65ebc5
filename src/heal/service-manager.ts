import { resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Store } from '../db/store.js';
import type { ServiceRow } from '../db/schema.js';
import type { ServiceConfig } from '../config/service-schema.js';
import type { RaiseAlert } from '../heartbeats/heartbeats.js';
import { ProcessSupervisor, type SupervisorEvent } from './supervisor.js';
import { HealthTracker, type HealthTransition } from './health.js';
import { isPidAlive, readPidfile } from './process-group.js';
import { serviceMark, stopOrphan } from './orphans.js';
import { supervisorOptions } from './supervisor-options.js';
import { applyConfigSwitch } from './config-switch.js';
import { childEnv } from './child-env.js';
import { whatKeepsFromStarting } from './launch-check.js';
import { appendAutoheal } from './autoheal-log.js';
import { runProbe } from './run-probe.js';
import { UptimeBuckets } from './uptime-buckets.js';
import { ServiceRecords } from './service-records.js';
import { serviceAlert } from './service-alert.js';
import type { ServiceControl } from './heal-service.js';

/** Called when a service turns unhealthy (or its process is gone) and its config names an automatic heal. */
export type AutoHeal = (service: ServiceConfig, reason: string) => void;

/**
 * Runs the configured services this instance supervises (see `adopt`): supervises the `command`
 * ones, probes each on its schedule, keeps their state and events in the store, raises and resolves
 * alerts, and hands unhealthy ones to the heal service. A disabled service (maintenance) is left
 * alone entirely; a service another instance supervises is only shown.
 */
export class ServiceManager implements ServiceControl {
  private readonly configs: Map<string, ServiceConfig>;
  private readonly supervisors = new Map<string, ProcessSupervisor>();
  private readonly trackers = new Map<string, HealthTracker>();
  private readonly stableTimers = new Map<string, NodeJS.Timeout>();
  private readonly held = new Set<string>();
  readonly records: ServiceRecords;
  /** Up time per service, cached per settled 15-minute bucket: /status, the API and the dashboard share it. */
  readonly uptime: UptimeBuckets;
  autoHeal: AutoHeal = () => undefined;
  /** Per service, the recording of its last supervisor event: events are recorded one after another, in order. */
  private readonly recording = new Map<string, Promise<void>>();

  constructor(
    store: Store,
    configs: ServiceConfig[],
    private readonly logDir: string,
    private readonly autohealLog: string,
    private readonly raise: RaiseAlert,
    private readonly log: Logger,
    /** This instance (OPSBOT_INSTANCE), also in the environment of its service processes and command probes. */
    readonly instance: string,
  ) {
    this.configs = new Map(configs.map((c) => [c.name, c]));
    this.records = new ServiceRecords(store);
    this.uptime = new UptimeBuckets(store);
    for (const config of configs) {
      if (config.probe) this.trackers.set(config.name, new HealthTracker(config.probe));
      if (config.command) this.supervisors.set(config.name, new ProcessSupervisor(supervisorOptions(config, logDir, this.markOf(config), instance, (event) => this.onSupervisorEvent(config, event))));
    }
  }

  get(name: string): ServiceConfig | undefined {
    return this.configs.get(name);
  }

  all(): ServiceConfig[] {
    return [...this.configs.values()];
  }

  /** Whether this instance supervises the service now (starts, probes, restarts, heals it): see `adopt` and `release`. */
  supervises(name: string): boolean {
    return this.held.has(name);
  }

  /**
   * This instance starts supervising the service (and starts it, if enabled and supervised); the
   * enabled flag set from chat or the dashboard survives restarts, `enabled: false` in the config
   * file switches a service off at every start. A child left running by an opsbot that was killed is
   * stopped first, so a service never runs twice. A service whose cwd or program is missing is not
   * started: a WARN alert and a warning name what is missing, and everything else runs on.
   */
  async adopt(name: string): Promise<void> {
    const config = this.configs.get(name);
    if (!config || this.held.has(name)) return;
    this.held.add(name);
    const row = await this.records.ensure(config.name, config.command ? 'stopped' : 'external');
    if (config.command && row.pid !== null && (await stopOrphan(row.pid, this.markOf(config), config.stopTimeout))) {
      this.log.warn({ service: config.name, pid: row.pid }, 'stopped the copy left running by the previous opsbot');
      await this.records.event(config.name, 'orphan-stopped', false, `pid ${row.pid}`);
    }
    if (await applyConfigSwitch(this.records, config, row.enabled, this.log)) await this.startSupervised(config);
  }

  /** This instance stops supervising the service: its process is stopped and recorded so before this resolves. */
  async release(name: string): Promise<void> {
    if (!this.held.delete(name)) return;
    clearTimeout(this.stableTimers.get(name));
    await this.supervisors.get(name)?.stop();
    await this.recording.get(name);
  }

  /** Follows a maintenance switch made on another instance: stops the process of a disabled service, starts again one a switch stopped. */
  async followSwitch(name: string): Promise<void> {
    const supervisor = this.supervisors.get(name);
    if (!supervisor || !this.held.has(name)) return;
    const row = await this.records.get(name);
    if (row?.enabled === false && supervisor.state !== 'stopped') {
      this.log.info({ service: name }, 'service disabled (maintenance) on another instance: stopping it');
      await supervisor.stop();
    } else if (row?.enabled && row.state === 'stopped' && supervisor.state === 'stopped') {
      this.log.info({ service: name }, 'service enabled on another instance: starting it');
      await this.startSupervised(this.configs.get(name)!);
    }
  }

  /** Starts a supervised service unless its cwd or program is missing; then says so (WARN alert and log) and returns that. */
  private async startSupervised(config: ServiceConfig): Promise<string | undefined> {
    const supervisor = this.supervisors.get(config.name);
    if (!supervisor) return undefined;
    const missing = await whatKeepsFromStarting(config.command!, config.cwd, childEnv(config.env).PATH);
    if (!missing) {
      supervisor.start();
      return undefined;
    }
    const problem = `${config.name} cannot start: ${missing}`;
    this.log.warn({ service: config.name, command: config.command, cwd: config.cwd }, problem);
    await this.records.setProcess(config.name, 'fatal', problem, false);
    const fix = `Fix services[${config.name}] in the config file (or install what is missing), then /restart ${config.name}.`;
    void this.raise(serviceAlert(config, 'setup', 'firing', problem, fix, 'WARN')).catch((error: unknown) =>
      this.log.error({ err: error, service: config.name }, 'could not raise a service alert'),
    );
    return problem;
  }

  async stop(): Promise<void> {
    for (const timer of this.stableTimers.values()) clearTimeout(timer);
    await Promise.all([...this.supervisors.values()].map((s) => s.stop()));
    await Promise.all(this.recording.values());
  }

  async isEnabled(name: string): Promise<boolean> {
    return (await this.records.get(name))?.enabled ?? false;
  }

  async isRunning(name: string): Promise<boolean | null> {
    if (!this.held.has(name)) return null;
    const supervisor = this.supervisors.get(name);
    if (supervisor) return supervisor.state === 'running';
    const row = await this.records.get(name);
    if (this.configs.get(name)?.pidfile && row) return row.state !== 'down';
    return null;
  }

  async restart(name: string): Promise<void> {
    const supervisor = this.supervisors.get(name);
    if (!supervisor || !this.held.has(name)) throw new Error(`${name} is not supervised by this opsbot instance (no command in its config, or another instance runs it)`);
    await supervisor.stop();
    const problem = await this.startSupervised(this.configs.get(name)!);
    if (problem) throw new Error(problem);
    const deadline = Date.now() + 10_000;
    while (supervisor.state !== 'running') {
      if (supervisor.state === 'fatal' || supervisor.state === 'exited' || Date.now() > deadline) {
        throw new Error(`${name} did not come back up (state ${supervisor.state})`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** One scheduled check: the pid file of an external service, then the probe; returns the probe's detail. */
  async check(name: string): Promise<string | null> {
    const config = this.configs.get(name);
    if (!config || !this.held.has(name) || !(await this.isEnabled(name))) return null;
    if (config.pidfile) await this.checkPidfile(config);
    const result = await this.probeOnce(name);
    return result?.detail ?? null;
  }

  async probeOnce(name: string): Promise<{ ok: boolean; detail: string } | null> {
    const config = this.configs.get(name);
    const tracker = this.trackers.get(name);
    if (!config?.probe || !tracker || !this.held.has(name)) return null;
    const result = await runProbe(config.probe, { cwd: config.cwd, env: { ...config.env, OPSBOT_INSTANCE: this.instance } });
    await this.records.noteProbe(name, result.detail);
    const transition = tracker.record(result);
    if (transition === null && tracker.state !== 'unknown' && (await this.records.get(name))?.health !== tracker.state) {
      await this.records.setHealth(name, tracker.state, result.detail);
    }
    await this.onHealth(config, transition, result.detail);
    return result;
  }

  /** Maintenance: off means no probes, no restarts, no alerts, and its process is stopped. */
  async setEnabled(name: string, enabled: boolean, by: string): Promise<ServiceRow | undefined> {
    const config = this.configs.get(name);
    if (!config) return undefined;
    await this.records.setEnabled(name, enabled, by);
    if (enabled && this.held.has(name)) await this.startSupervised(config);
    else if (!enabled) await this.supervisors.get(name)?.stop();
    this.log.info({ service: name, enabled, by }, enabled ? 'service enabled' : 'service disabled (maintenance)');
    return this.records.get(name);
  }

  private async checkPidfile(config: ServiceConfig) {
    let alive: boolean;
    let detail: string;
    try {
      const pid = await readPidfile(config.pidfile!);
      alive = isPidAlive(pid);
      detail = alive ? `pid ${pid} is running` : `pid ${pid} from ${config.pidfile} is not running`;
    } catch (error) {
      alive = false;
      detail = (error as Error).message;
    }
    const was = (await this.records.get(config.name))?.state;
    await this.records.setProcess(config.name, alive ? 'external' : 'down', alive ? detail : `down: ${detail}`, alive);
    if (alive && was === 'down') await this.raise(serviceAlert(config, 'process', 'resolved', `${config.name} is running again`));
    if (!alive && was !== 'down') {
      await this.raise(serviceAlert(config, 'process', 'firing', `${config.name} is not running`, detail));
      this.autoHeal(config, detail);
    }
  }

  private async onHealth(config: ServiceConfig, transition: HealthTransition, detail: string) {
    if (transition === null) return;
    const healthy = transition === 'became-healthy';
    await this.records.setHealth(config.name, healthy ? 'healthy' : 'unhealthy', detail);
    if (healthy) {
      await this.raise(serviceAlert(config, 'health', 'resolved', `${config.name} is healthy again`));
      return;
    }
    await this.raise(serviceAlert(config, 'health', 'firing', `${config.name} is unhealthy`, detail));
    this.autoHeal(config, detail);
  }

  /** Marks the processes of one service of this opsbot (its log directory tells two opsbots on one host apart). */
  private markOf(config: ServiceConfig): string {
    return serviceMark(config.name, resolve(this.logDir));
  }

  /** Records a supervisor event after the ones before it of the same service; a failure to record is logged. */
  private onSupervisorEvent(config: ServiceConfig, event: SupervisorEvent) {
    const previous = this.recording.get(config.name) ?? Promise.resolve();
    const next = previous
      .then(() => this.recordSupervisorEvent(config, event))
      .catch((error: unknown) => this.log.error({ err: error, service: config.name, event: event.type }, 'could not record a service event'));
    this.recording.set(config.name, next);
  }

  private async recordSupervisorEvent(config: ServiceConfig, event: SupervisorEvent) {
    const name = config.name;
    const say = (promise: Promise<unknown>) => void promise.catch((error: unknown) => this.log.error({ err: error, service: name }, 'could not raise a service alert'));
    switch (event.type) {
      case 'started':
        if ((await this.records.get(name))?.state === 'fatal') {
          say(this.raise(serviceAlert(config, 'fatal', 'resolved', `${name} is running again`)));
          say(this.raise(serviceAlert(config, 'setup', 'resolved', `${name} is running again`)));
        }
        await this.records.started(name, event.pid, new Date(event.at));
        this.stableTimers.set(name, setTimeout(() => say(this.raise(serviceAlert(config, 'restarts', 'resolved', `${name} is stable again`))), config.backoff.resetAfter));
        return;
      case 'exited':
        clearTimeout(this.stableTimers.get(name));
        await this.records.exited(name, event.code, event.signal, new Date(event.at));
        if (this.supervisors.get(name)?.state !== 'stopped') this.logExit(name, event);
        return;
      case 'spawn-error':
        await this.records.event(name, 'spawn-error', false, event.message);
        this.log.warn({ service: name, error: event.message }, 'service could not be started');
        return;
      case 'restarting':
        await this.records.restarting(name, event.delayMs);
        void appendAutoheal(this.autohealLog, { event: 'restart', service: name, attempt: event.attempt, delayMs: event.delayMs }, this.log);
        say(this.raise(serviceAlert(config, 'restarts', 'firing', `${name} crashed and was restarted`, `restart ${event.attempt}, after ${event.delayMs} ms back-off`, 'INFO')));
        return;
      case 'fatal':
        void appendAutoheal(this.autohealLog, { event: 'fatal', service: name, restarts: event.restarts, windowMs: event.windowMs }, this.log);
        await this.records.setProcess(name, 'fatal', `crash loop: ${event.restarts} restarts within ${Math.round(event.windowMs / 1000)} s`, false);
        say(this.raise(serviceAlert(config, 'fatal', 'firing', `${name} is crash-looping; opsbot stopped restarting it`, `${event.restarts} restarts within ${Math.round(event.windowMs / 1000)} s. /restart ${name} tries again.`)));
        return;
      case 'stopped':
        await this.records.setProcess(name, 'stopped', 'stopped', false);
        return;
    }
  }

  /** An exit opsbot did not ask for: a crash (non-zero code or a signal) at warn, a clean exit at info. */
  private logExit(name: string, event: Extract<SupervisorEvent, { type: 'exited' }>) {
    const fields = { service: name, exitCode: event.code, signal: event.signal, uptimeMs: Math.round(event.uptimeMs) };
    if (event.code === 0) this.log.info(fields, 'service exited with code 0');
    else this.log.warn(fields, event.signal ? `service crashed: killed by ${event.signal}` : `service crashed: exit code ${event.code}`);
  }
}
