import { z } from 'zod';
import { regexSource } from './regex-schema.js';
import { SEVERITIES } from '../shared/types.js';
import { durationWithDefault } from './duration-schema.js';
import { instanceName } from './instance-name.js';

const argv = z.array(z.string().min(1)).min(1, 'give the program and its arguments as a list, e.g. ["systemctl", "restart", "api"]');
const httpUrl = z.url({ protocol: /^https?$/ });

const probe = z
  .strictObject({
    http: z.strictObject({ url: httpUrl, expectStatus: z.number().int().min(100).max(599).optional(), bodyMatch: regexSource.optional() }).optional(),
    tcp: z.strictObject({ host: z.string().min(1).default('127.0.0.1'), port: z.number().int().min(1).max(65_535) }).optional(),
    command: argv.optional(),
    interval: durationWithDefault('30s'),
    timeout: durationWithDefault('5s'),
    failuresBeforeUnhealthy: z.number().int().min(1).max(100).default(3),
    successesBeforeHealthy: z.number().int().min(1).max(100).default(1),
  })
  .refine((p) => [p.http, p.tcp, p.command].filter(Boolean).length === 1, { message: 'a probe is exactly one of http, tcp or command' });

const httpCall = z.strictObject({
  url: httpUrl,
  method: z.enum(['GET', 'POST', 'PUT', 'DELETE']).default('POST'),
  expectStatus: z.number().int().min(100).max(599).optional(),
});

/** One step of a heal action: a fixed command line, an HTTP call, or (`restart: true`) the built-in restart of a supervised service. */
const step = z
  .strictObject({
    command: argv.optional(),
    http: httpCall.optional(),
    restart: z.literal(true).optional(),
    timeout: durationWithDefault('60s'),
    /** Set for a command on top of the service's `env` (opsbot's own secrets are never passed on). */
    env: z.record(z.string(), z.string()).default({}),
  })
  .refine((s) => [s.command, s.http, s.restart].filter(Boolean).length === 1, { message: 'a step is exactly one of command, http or restart: true' });

const steps = z.array(step).min(1).max(20);

/**
 * A named heal action: a fixed command line, an HTTP call, or `steps` run in order (the first that
 * fails ends them). `rollback`: steps run when the action fails or the service is still unhealthy
 * after it, then verified in turn. Chat can pick an action by name, never change it.
 */
const action = z
  .strictObject({
    command: argv.optional(),
    http: httpCall.optional(),
    steps: steps.optional(),
    rollback: steps.optional(),
    timeout: durationWithDefault('60s'),
    env: z.record(z.string(), z.string()).default({}),
  })
  .refine((a) => [a.command, a.http, a.steps].filter(Boolean).length === 1, { message: 'an action is exactly one of command, http or steps' });

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits and _ . - only');

export const serviceSchema = z
  .strictObject({
    name,
    /** What it does in the estate, shown by /status and the dashboard. */
    role: z.string().min(1).max(200),
    owner: z.string().min(1).max(200),
    /** false: opsbot starts, probes and heals nothing of it; switched off again at every start (see ServiceManager.start). */
    enabled: z.boolean().default(true),
    /** The instance (its OPSBOT_INSTANCE) that runs it; unset: every instance whose config lists it. */
    instance: instanceName.optional(),
    /** The instance that takes it over while `instance` is lost, and hands it back when it beats again. */
    fallback: instanceName.optional(),
    severity: z.enum(SEVERITIES).default('CRIT'),
    /** opsbot starts and supervises it. */
    command: argv.optional(),
    cwd: z.string().min(1).optional(),
    env: z.record(z.string(), z.string()).default({}),
    restartOnZeroExit: z.boolean().default(false),
    backoff: z
      .strictObject({ initial: durationWithDefault('100ms'), factor: z.number().min(1).max(10).default(1.5), max: durationWithDefault('15s'), resetAfter: durationWithDefault('30s') })
      .prefault({}),
    crashLoop: z
      .strictObject({ maxRestarts: z.number().int().min(1).default(5), window: durationWithDefault('1m') })
      .prefault({}),
    stopTimeout: durationWithDefault('10s'),
    logs: z
      .strictObject({ maxBytes: z.number().int().min(1_024).default(10_485_760), files: z.number().int().min(1).max(50).default(5) })
      .default({ maxBytes: 10_485_760, files: 5 }),
    /** Started elsewhere: watched by its pid file (and probes). */
    pidfile: z.string().min(1).optional(),
    probe: probe.optional(),
    actions: z.record(name, action).default({}),
    heal: z
      .strictObject({
        /** The action run by itself when the service turns unhealthy (or dies, for a pid file). */
        onUnhealthy: name.optional(),
        /** After an action, re-probe until healthy or this deadline. */
        verifyWithin: durationWithDefault('60s'),
        /** No automatic heal again within this time (chat can still act). */
        cooldown: durationWithDefault('5m'),
      })
      .prefault({}),
  })
  .superRefine((service, ctx) => {
    if (service.fallback !== undefined && service.instance === undefined) {
      ctx.addIssue({ code: 'custom', path: ['fallback'], message: 'a fallback takes over from the instance that runs the service: set `instance` too, or remove `fallback`' });
    }
    if (service.fallback !== undefined && service.fallback === service.instance) {
      ctx.addIssue({ code: 'custom', path: ['fallback'], message: `the fallback must be another instance than \`instance\` (both are ${JSON.stringify(service.instance)})` });
    }
    if (service.command && service.pidfile) ctx.addIssue({ code: 'custom', path: ['pidfile'], message: 'a service is either supervised (command) or external (pidfile), not both' });
    if (service.actions.restart && service.command) {
      ctx.addIssue({ code: 'custom', path: ['actions', 'restart'], message: '`restart` is built in for a supervised service; name your action differently' });
    }
    for (const [actionName, action] of Object.entries(service.actions)) {
      for (const phase of ['steps', 'rollback'] as const) {
        (action[phase] ?? []).forEach((s, i) => {
          if (s.restart && !service.command) {
            ctx.addIssue({ code: 'custom', path: ['actions', actionName, phase, i, 'restart'], message: 'restart is built in only for a supervised service (one with `command`)' });
          }
        });
      }
    }
    const onUnhealthy = service.heal.onUnhealthy;
    if (onUnhealthy && !service.actions[onUnhealthy] && !(onUnhealthy === 'restart' && service.command)) {
      const known = [...Object.keys(service.actions), ...(service.command ? ['restart'] : [])];
      ctx.addIssue({ code: 'custom', path: ['heal', 'onUnhealthy'], message: `no action ${JSON.stringify(onUnhealthy)} on this service; known: ${known.join(', ') || 'none'}` });
    }
  });

export const servicesSchema = z
  .array(serviceSchema)
  .default([])
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((service, i) => {
      if (seen.has(service.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `service ${JSON.stringify(service.name)} is listed twice` });
      seen.add(service.name);
    });
  });

export type ServiceConfig = z.infer<typeof serviceSchema>;
export type ProbeConfig = NonNullable<ServiceConfig['probe']>;
export type ActionConfig = ServiceConfig['actions'][string];
export type StepConfig = NonNullable<ActionConfig['steps']>[number];
