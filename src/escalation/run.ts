import { eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Store } from '../db/store.js';
import type { AlertRow, EscalationStepRow, StepNotified } from '../db/schema.js';
import type { FileConfig } from '../config/file-schema.js';
import type { ChannelAdapter } from '../platforms/adapter.js';
import type { EscalationView, Platform } from '../shared/types.js';
import type { Pacer } from '../delivery/pacer.js';
import { DONE, retryIn, type Step } from '../delivery/context.js';
import { CLAIM_RECHECK_MS, type ClaimLease } from '../delivery/claim-lease.js';
import { StepClaims } from './step-claim.js';
import { meetFailure, type RetryPolicy } from '../delivery/failure-ladder.js';
import { toAlertView } from '../delivery/store.js';
import { repeatKeys } from '../delivery/repeat-keys.js';
import { listSubscriptions } from '../routing/subscriptions.js';
import { allDestinations, destinationKey, levelTargets, type Destination } from './targets.js';
import { nextStep } from './plan.js';
import type { EscalationWork } from '../shared/work.js';

export interface EscalationContext {
  store: Store;
  /** This process's claims: one run takes a rung at a time, on whichever instance. */
  claims: ClaimLease;
  /** Queues the alert's next rung once one is taken. */
  queueNext(work: EscalationWork): Promise<void>;
  config: Pick<FileConfig, 'routes' | 'defaultRoute' | 'escalation'>;
  adapters: Partial<Record<Platform, ChannelAdapter>>;
  pacer: Pacer;
  retry: RetryPolicy;
  log: Logger;
}

/**
 * Takes one rung of the ladder: checks the alert first (an ack, a resolution or a silence stops
 * it), then notifies each target once, keeping who was notified on the step row so a re-run after
 * a crash or a 429 continues where it stopped.
 */
export async function runEscalationStep(ctx: EscalationContext, stepId: number): Promise<Step> {
  const { alerts, escalationSteps } = ctx.store.t;
  const [step] = await ctx.store.db.select().from(escalationSteps).where(eq(escalationSteps.id, stepId));
  if (!step || step.state !== 'pending') return DONE;
  const now = new Date();
  if (step.dueAt.getTime() > now.getTime()) return retryIn(step.dueAt.getTime() - now.getTime());
  const claims = new StepClaims(ctx.store, ctx.claims);
  const claim = await claims.take(step, now);
  if (!claim.mayTakeOver) return retryIn(claim.retryInMs);
  const [alert] = await ctx.store.db.select().from(alerts).where(eq(alerts.id, step.alertId));
  const stop = alert ? reasonToStop(alert) : 'the alert no longer exists';
  if (stop) return finish(ctx, step, 'cancelled', stop);
  const level = ctx.config.escalation.policies[step.policy]?.levels.find((l) => l.level === step.level);
  if (!level) return finish(ctx, step, 'cancelled', `policy ${step.policy} no longer has level ${step.level}`);

  const subscriptions = level.everywhere ? await listSubscriptions(ctx.store) : [];
  const targets = levelTargets(alert!.route, level, () => allDestinations(ctx.config, subscriptions));
  const view: EscalationView = {
    alert: toAlertView(alert!),
    level: step.level,
    repeat: step.repeat,
    unackedForMs: now.getTime() - alert!.firedAt.getTime(),
    mentions: level.mention,
  };
  const notified: StepNotified = { sent: [...step.notified.sent], failed: [...step.notified.failed] };
  const done = (key: string) => notified.sent.includes(key) || notified.failed.some((f) => f.target === key);
  for (const target of targets) {
    const key = destinationKey(target);
    if (done(key)) continue;
    const adapter = ctx.adapters[target.platform];
    if (!adapter) {
      notified.failed.push({ target: key, reason: `${target.platform} is not configured` });
      continue;
    }
    if (!(await claims.renew(step.id))) return retryIn(CLAIM_RECHECK_MS);
    const outcome = await notify(ctx, step, adapter, target, view);
    if (outcome.kind === 'retry') {
      await save(ctx, step.id, notified);
      await claims.release(step.id);
      return retryIn(outcome.inMs);
    }
    if (outcome.kind === 'sent') notified.sent.push(key);
    else notified.failed.push({ target: key, reason: outcome.reason });
    await save(ctx, step.id, notified);
  }
  const failed = notified.failed.length > 0 ? `; not reached: ${notified.failed.map((f) => `${f.target} (${f.reason})`).join(', ')}` : '';
  ctx.log.info({ alertId: step.alertId, level: step.level, repeat: step.repeat, notified: notified.sent }, 'escalated');
  await finish(ctx, step, 'done', `L${step.level} notified ${notified.sent.length} destination(s)${failed}`);
  const next = await nextStep(ctx.store, ctx.store.db, step.alertId);
  if (next) await ctx.queueNext(next);
  return DONE;
}

type NotifyOutcome = { kind: 'sent' } | { kind: 'failed'; reason: string } | { kind: 'retry'; inMs: number };

async function notify(
  ctx: EscalationContext,
  step: EscalationStepRow,
  adapter: ChannelAdapter,
  target: Destination,
  view: EscalationView,
): Promise<NotifyOutcome> {
  const slot = await ctx.pacer.take(target.platform, target.destination, `escalation:${step.id}`);
  if (!slot.allowed) return { kind: 'retry', inMs: slot.waitMs };
  try {
    await adapter.postEscalation(target.destination, view, repeatKeys.escalation(step, target.destination));
    return { kind: 'sent' };
  } catch (error) {
    const decision = await meetFailure(ctx, target, error, () => countAttempt(ctx, step.id));
    if (decision.kind === 'fail') return { kind: 'failed', reason: decision.reason };
    return { kind: 'retry', inMs: decision.retryInMs };
  }
}

function reasonToStop(alert: AlertRow): string | null {
  if (alert.status === 'resolved') return 'resolved';
  if (alert.ackedAt !== null) return `acknowledged by ${alert.ackedBy ?? 'someone'}`;
  if (alert.silenceId !== null) return `silenced by silence #${alert.silenceId}`;
  return null;
}

async function save(ctx: EscalationContext, stepId: number, notified: StepNotified): Promise<void> {
  const { escalationSteps } = ctx.store.t;
  await ctx.store.transaction((tx) => tx.update(escalationSteps).set({ notified }).where(eq(escalationSteps.id, stepId)));
}

async function countAttempt(ctx: EscalationContext, stepId: number): Promise<number> {
  const { escalationSteps } = ctx.store.t;
  const [step] = await ctx.store.transaction((tx) =>
    tx
      .update(escalationSteps)
      .set({ attempts: sql`${escalationSteps.attempts} + 1` })
      .where(eq(escalationSteps.id, stepId))
      .returning({ attempts: escalationSteps.attempts }),
  );
  return step?.attempts ?? 0;
}

async function finish(ctx: EscalationContext, step: EscalationStepRow, state: 'done' | 'cancelled', detail: string): Promise<Step> {
  const { escalationSteps } = ctx.store.t;
  await ctx.store.transaction((tx) => tx.update(escalationSteps).set({ state, detail, doneAt: new Date(), claimedAt: null, claimedBy: null }).where(eq(escalationSteps.id, step.id)));
  return DONE;
}
