import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Store } from '../db/store.js';
import type { HealRunRow, HealStepJson } from '../db/schema.js';
import type { ServiceConfig, StepConfig } from '../config/service-schema.js';
import type { RaiseAlert } from '../heartbeats/heartbeats.js';
import { formatDuration } from '../time/duration.js';
import { describeStep, executeStep, stepsOf, type ActionResult } from './execute-action.js';
import { appendAutoheal } from './autoheal-log.js';
import { instanceRunning, type ForwardHeal } from './heal-forwarding.js';

/** What the heal service needs from whoever runs the services (the service manager). */
export interface ServiceControl {
  /** Whether this instance supervises the service now (another instance may run it). */
  supervises(name: string): boolean;
  isEnabled(name: string): Promise<boolean>;
  /** Restarts a supervised service; resolves once the new process runs. */
  restart(name: string): Promise<void>;
  /** Runs the service's probe once; null when it has none. */
  probeOnce(name: string): Promise<{ ok: boolean; detail: string } | null>;
  /** Whether its process is alive (supervised or pid file); null when opsbot cannot tell. */
  isRunning(name: string): Promise<boolean | null>;
}

export type HealTrigger = HealRunRow['trigger'];

/** A heal asked for: a run started here, or handed to the instance that runs the service. */
export type HealRequestOutcome = { kind: 'started'; run: HealRunRow; done: Promise<HealRunRow> } | { kind: 'forwarded'; instance: string; action: string };

/** How a heal reaches the instance that runs a service: its queue, and who holds a service taken over. */
export interface HealForwarding {
  forward: ForwardHeal;
  takenOverBy(service: string): Promise<string | null>;
}

export class HealRefusal extends Error {}

const VERIFY_EVERY_MS = 1_000;

/**
 * Runs configured heal actions, one at a time per service: a row per run, the action, then
 * verification (re-probing until healthy or the deadline), an autoheal log line and an alert.
 */
export class HealService {
  private readonly byName: Map<string, ServiceConfig>;
  private readonly busy = new Set<string>();
  /** Set once the probe queues exist; without it a heal of another instance's service is refused. */
  forwarding: HealForwarding | undefined;

  constructor(
    private readonly store: Store,
    services: ServiceConfig[],
    private readonly control: ServiceControl,
    private readonly raise: RaiseAlert,
    private readonly autohealLog: string,
    private readonly log: Logger,
  ) {
    this.byName = new Map(services.map((s) => [s.name, s]));
  }

  /**
   * Runs of `services` left `running` by a crash are closed as failed, so the history stays true. At
   * start-up an instance names the services it runs by its config: runs of other instances' services,
   * which share the store, may still be going on.
   */
  async closeInterruptedRuns(services: string[], now = new Date()): Promise<number> {
    if (services.length === 0) return 0;
    const { healRuns } = this.store.t;
    const closed = await this.store.transaction((tx) =>
      tx
        .update(healRuns)
        .set({ state: 'failed', finishedAt: now, verification: 'opsbot stopped during this run; its outcome is unknown' })
        .where(and(inArray(healRuns.state, ['running', 'verifying']), inArray(healRuns.service, services)))
        .returning({ id: healRuns.id }),
    );
    return closed.length;
  }

  actionsOf(service: string): string[] {
    const config = this.byName.get(service);
    if (!config) return [];
    return [...(config.command ? ['restart'] : []), ...Object.keys(config.actions)];
  }

  /**
   * What chat, the API and the dashboard ask for: a run here when this instance runs the service,
   * else the heal handed to the instance that does, which starts it (or raises an alert saying why it
   * could not). Rejects with HealRefusal when nobody runs the service now.
   */
  async request(service: string, action: string | undefined, trigger: HealTrigger, triggeredBy: string): Promise<HealRequestOutcome> {
    if (this.control.supervises(service) || !this.forwarding) return { kind: 'started', ...(await this.start(service, action, trigger, triggeredBy)) };
    const { config, chosen } = this.choose(service, action);
    const instance = await instanceRunning(this.store, config, await this.forwarding.takenOverBy(service));
    if (!instance) {
      const fallback = config.fallback ? `, and its fallback ${config.fallback} does not run it either` : ', with no fallback';
      throw new HealRefusal(`${service} runs on opsbot instance ${config.instance}, which is lost${fallback}: nobody can heal it now.`);
    }
    await this.forwarding.forward(instance, { service, action: chosen, trigger, triggeredBy });
    return { kind: 'forwarded', instance, action: chosen };
  }

  /**
   * Checks and starts a run; the returned promise is the whole run (action and verification).
   * Rejects with HealRefusal, saying why, when it cannot start.
   */
  async start(service: string, action: string | undefined, trigger: HealTrigger, triggeredBy: string, now = new Date()): Promise<{ run: HealRunRow; done: Promise<HealRunRow> }> {
    const { config, chosen } = this.choose(service, action);
    if (!this.control.supervises(service)) {
      const where = [config.instance, config.fallback].filter(Boolean).join(' or its fallback ');
      throw new HealRefusal(`${service} is supervised by opsbot instance ${where}, not by this one: heal it through that instance's API or dashboard.`);
    }
    if (this.busy.has(service)) throw new HealRefusal(`A heal run for ${service} is already in progress; runs of one service never overlap.`);
    this.busy.add(service);
    let run: HealRunRow;
    try {
      await this.refuseWhenNotDue(config, trigger, now);
      run = await this.store.transaction(async (tx) => {
        const [inserted] = await tx
          .insert(this.store.t.healRuns)
          .values({ service, action: chosen, trigger, triggeredBy, state: 'running', startedAt: now })
          .returning();
        return inserted!;
      });
    } catch (error) {
      this.busy.delete(service);
      throw error;
    }
    this.log.info({ service, action: chosen, trigger, triggeredBy, run: run.id }, 'heal run started');
    const done = this.carryOut(config, run).finally(() => this.busy.delete(service));
    return { run, done };
  }

  async listRuns(service?: string, limit = 50): Promise<HealRunRow[]> {
    const { healRuns } = this.store.t;
    return this.store.db
      .select()
      .from(healRuns)
      .where(service ? eq(healRuns.service, service) : undefined)
      .orderBy(desc(healRuns.id))
      .limit(limit);
  }

  /** The service's config and the action to run; throws HealRefusal when either is unknown. */
  private choose(service: string, action: string | undefined): { config: ServiceConfig; chosen: string } {
    const config = this.byName.get(service);
    if (!config) {
      const known = [...this.byName.keys()];
      throw new HealRefusal(`No service named ${JSON.stringify(service)} is configured${known.length ? `; services: ${known.join(', ')}` : ''}.`);
    }
    const actions = this.actionsOf(service);
    const chosen = action ?? config.heal.onUnhealthy ?? actions[0];
    if (!chosen || !actions.includes(chosen)) {
      throw new HealRefusal(`${service} has no action ${JSON.stringify(chosen ?? '')}; its actions: ${actions.join(', ') || 'none configured'}.`);
    }
    return { config, chosen };
  }

  /** Refuses a disabled service, and an automatic heal within the cooldown of the last run. */
  private async refuseWhenNotDue(config: ServiceConfig, trigger: HealTrigger, now: Date): Promise<void> {
    if (!(await this.control.isEnabled(config.name))) throw new HealRefusal(`${config.name} is disabled (maintenance): no heal actions run until it is enabled.`);
    if (trigger === 'chat' || trigger === 'dashboard' || trigger === 'api') return;
    const [last] = await this.listRuns(config.name, 1);
    if (last && now.getTime() - last.startedAt.getTime() < config.heal.cooldown) {
      throw new HealRefusal(`${config.name} was healed ${formatDuration(now.getTime() - last.startedAt.getTime())} ago; automatic heals wait ${formatDuration(config.heal.cooldown)}.`);
    }
  }

  /**
   * The action's steps, then verification; when either fails and the action has a `rollback`, the
   * rollback's steps and a verification of their own. Every step is recorded on the run as it ends.
   */
  private async carryOut(config: ServiceConfig, run: HealRunRow): Promise<HealRunRow> {
    const { healRuns } = this.store.t;
    const { steps, rollback } = this.planOf(config, run.action);
    const record: HealStepJson[] = [];
    const done = await this.runSteps(config, run, steps, 'action', record);
    const last = record.at(-1);
    await this.store.transaction((tx) =>
      tx.update(healRuns).set({ state: 'verifying', exitCode: last?.exitCode ?? null, outputTail: last?.outputTail ?? '' }).where(eq(healRuns.id, run.id)),
    );
    let verification = done.ok ? await this.verify(config) : { ok: false, detail: `the action failed: ${done.detail}` };
    let rolledBack: HealRunRow['rollback'] = null;
    if (!verification.ok && rollback) {
      this.log.warn({ service: config.name, run: run.id, reason: verification.detail }, 'heal did not work; rolling back');
      const undone = await this.runSteps(config, run, rollback, 'rollback', record);
      const after = undone.ok ? await this.verify(config) : { ok: false, detail: `a rollback step failed: ${undone.detail}` };
      rolledBack = after.ok ? 'rolled-back' : 'rollback-failed';
      verification = { ok: false, detail: `${verification.detail}; ${after.ok ? `rolled back, ${after.detail}` : `the rollback failed too: ${after.detail}`}` };
    }
    const finishedAt = new Date();
    const [finished] = await this.store.transaction((tx) =>
      tx
        .update(healRuns)
        .set({
          state: verification.ok ? 'succeeded' : 'failed',
          finishedAt,
          durationMs: finishedAt.getTime() - run.startedAt.getTime(),
          verification: verification.detail,
          steps: record,
          rollback: rolledBack,
        })
        .where(eq(healRuns.id, run.id))
        .returning(),
    );
    await this.report(config, finished!);
    return finished!;
  }

  /** The steps of the action, and of its rollback if it has one; the built-in `restart` is one restart step. */
  private planOf(config: ServiceConfig, action: string): { steps: StepConfig[]; rollback: StepConfig[] | undefined } {
    if (action === 'restart' && config.command) return { steps: [{ restart: true, timeout: config.stopTimeout, env: {} }], rollback: undefined };
    const configured = config.actions[action]!;
    return { steps: stepsOf(configured), rollback: configured.rollback };
  }

  /** Runs steps in order until one fails, recording each on the run as it ends. */
  private async runSteps(config: ServiceConfig, run: HealRunRow, steps: StepConfig[], phase: HealStepJson['phase'], record: HealStepJson[]): Promise<{ ok: boolean; detail: string }> {
    const { healRuns } = this.store.t;
    for (const step of steps) {
      const result = await this.executeStep(config, step);
      record.push({ phase, step: describeStep(step), ok: result.ok, exitCode: result.exitCode, detail: result.detail, outputTail: result.outputTail });
      await this.store.transaction((tx) => tx.update(healRuns).set({ steps: record }).where(eq(healRuns.id, run.id)));
      if (!result.ok) return { ok: false, detail: `${describeStep(step)}: ${result.detail}` };
    }
    return { ok: true, detail: 'every step succeeded' };
  }

  private async executeStep(config: ServiceConfig, step: StepConfig): Promise<ActionResult> {
    if (!step.restart) return executeStep(step, config);
    try {
      await this.control.restart(config.name);
      return { ok: true, exitCode: null, outputTail: '', detail: 'restarted' };
    } catch (error) {
      return { ok: false, exitCode: null, outputTail: '', detail: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Re-probes until healthy or `verifyWithin`; without a probe, a live process (or a clean action) is the proof. */
  private async verify(config: ServiceConfig): Promise<{ ok: boolean; detail: string }> {
    const deadline = Date.now() + config.heal.verifyWithin;
    let last = 'not probed';
    for (;;) {
      const probe = await this.control.probeOnce(config.name);
      if (probe === null) {
        const running = await this.control.isRunning(config.name);
        if (running === false) return { ok: false, detail: 'its process is not running after the action' };
        return { ok: true, detail: running ? 'its process is running (no probe configured)' : 'the action succeeded (no probe configured)' };
      }
      last = probe.detail;
      if (probe.ok) return { ok: true, detail: `healthy again: ${probe.detail}` };
      if (Date.now() + VERIFY_EVERY_MS > deadline) return { ok: false, detail: `still unhealthy after ${formatDuration(config.heal.verifyWithin)}: ${last}` };
      await new Promise((resolve) => setTimeout(resolve, VERIFY_EVERY_MS));
    }
  }

  private async report(config: ServiceConfig, run: HealRunRow) {
    await appendAutoheal(
      this.autohealLog,
      { event: 'heal', run: run.id, service: run.service, action: run.action, trigger: run.trigger, by: run.triggeredBy, outcome: run.state, durationMs: run.durationMs, exitCode: run.exitCode, verification: run.verification },
      this.log,
    );
    const dedupKey = `opsbot:heal:${run.service}`;
    if (run.state === 'succeeded') {
      await this.raise({ severity: 'INFO', title: `Healed ${run.service}: ${run.action} worked`, body: `${run.verification ?? ''} (run #${run.id}, by ${run.triggeredBy})`, service: run.service, labels: { heal: run.action }, status: 'firing', source: 'opsbot heal' });
      await this.raise({ severity: 'INFO', title: `Heal of ${run.service}`, dedupKey, status: 'resolved', source: 'opsbot heal' });
      this.log.info({ service: run.service, run: run.id }, 'heal run succeeded');
    } else {
      const title = `Heal of ${run.service} ${healOutcome(run)}: ${run.action}`;
      const body = `${run.verification ?? ''} (run #${run.id}, by ${run.triggeredBy})\n${stepLines(run)}`.trim();
      await this.raise({ severity: config.severity, title, body, service: run.service, labels: { heal: run.action }, dedupKey, status: 'firing', source: 'opsbot heal' });
      this.log.warn({ service: run.service, run: run.id, verification: run.verification }, 'heal run failed');
    }
  }
}

/** How a finished run ended, in the words chat, the dashboard and its alert use: `healed`, `rolled back`, `failed, rollback failed` or `failed`. */
export function healOutcome(run: Pick<HealRunRow, 'state' | 'rollback'>): string {
  if (run.state === 'succeeded') return 'healed';
  if (run.state !== 'failed') return run.state;
  if (run.rollback === 'rolled-back') return 'rolled back';
  return run.rollback === 'rollback-failed' ? 'failed, rollback failed' : 'failed';
}

/** One line per step of the run (`✓ action: restart`), then the last output of the step that failed. */
function stepLines(run: HealRunRow): string {
  const steps = run.steps ?? [];
  const lines = steps.map((s) => `${s.ok ? '✓' : '✗'} ${s.phase}: ${s.step}${s.ok ? '' : ` (${s.detail})`}`);
  const failed = steps.find((s) => !s.ok);
  return [...lines, ...(failed?.outputTail ? [failed.outputTail.trim()] : [])].join('\n');
}
