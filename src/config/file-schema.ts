import { z } from 'zod';
import { regexSource } from './regex-schema.js';
import { SEVERITIES } from '../shared/types.js';
import { accessSchema } from './access-schema.js';
import { dashboardSchema } from './dashboard-schema.js';
import { escalationSchema } from './escalation-schema.js';
import { heartbeatsSchema } from './heartbeat-schema.js';
import { httpSchema } from './http-schema.js';
import { servicesSchema } from './service-schema.js';
import { triggerRulesSchema } from './trigger-schema.js';
import { opsCycleSchema } from './ops-cycle-schema.js';
import { eachPlatform } from '../platforms/settings.js';
import { pacingSchema } from './pacing-schema.js';
import { durationWithDefault } from './duration-schema.js';
import { inhibitRulesSchema } from './inhibit-schema.js';
import { governanceSchema } from './governance-schema.js';

const severity = z.enum(SEVERITIES);
const destinationId = z.union([z.string().min(1), z.number().int()]).transform(String);
const destinationList = z.array(destinationId).default([]);

/** A label matcher: a plain string means equality, `{ regex: "..." }` a full-match regular expression. */
const labelMatcher = z.union([z.string(), z.strictObject({ regex: regexSource })]);

const match = z
  .strictObject({
    minSeverity: severity.optional(),
    service: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    labels: z.record(z.string(), labelMatcher).optional(),
  })
  .default({});

const destinations = eachPlatform(destinationList);

const route = z.strictObject({
  name: z.string().min(1),
  match,
  ...destinations,
  continue: z.boolean().default(false),
  /** An escalation policy name, or `none`; absent means the severity's default policy. */
  escalation: z.string().min(1).optional(),
  /**
   * Alertmanager's grouping: alerts of this route with the same values of these labels (`service` and
   * `severity` name the alert's own fields) share one message per destination, posted `groupWait` after
   * the first and edited as members join (at most once per `groupInterval`), repeat and resolve.
   */
  groupBy: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a label name: letters, digits and _')).min(1).max(10).optional(),
  groupWait: durationWithDefault('30s'),
  groupInterval: durationWithDefault('5m'),
});

/**
 * `concurrency`: deliver jobs (queued posts, retries, storm summaries, message edits) one instance runs
 * at once per platform. BullMQ's worker fetches and locks that many jobs one Redis round trip at a time
 * before it processes any, so a high value lets their locks lapse while a flood keeps the thread busy.
 * `directPosts`: posts the intake starts itself right after its commit, at most this many at once
 * (0 sends everything through the queue).
 */
const DELIVERY_DEFAULTS = {
  maxAttempts: 120,
  backoffMs: 2_000,
  backoffMaxMs: 30_000,
  requestTimeoutMs: 10_000,
  concurrency: 10,
  directPosts: 50,
};

export const fileConfigSchema = z
  .strictObject({
  routes: z.array(route).default([]),
  defaultRoute: z.strictObject(destinations).prefault({}),
  inhibitRules: inhibitRulesSchema,
  alertmanager: z
    .strictObject({
      severityMap: z.record(z.string(), severity).default({}),
      defaultSeverity: severity.default('WARN'),
    })
    .default({ severityMap: {}, defaultSeverity: 'WARN' }),
  delivery: z
    .strictObject({
      maxAttempts: z.number().int().min(1).max(1_000).default(DELIVERY_DEFAULTS.maxAttempts),
      backoffMs: z.number().int().positive().default(DELIVERY_DEFAULTS.backoffMs),
      backoffMaxMs: z.number().int().positive().default(DELIVERY_DEFAULTS.backoffMaxMs),
      requestTimeoutMs: z.number().int().positive().default(DELIVERY_DEFAULTS.requestTimeoutMs),
      concurrency: z.number().int().min(1).max(500).default(DELIVERY_DEFAULTS.concurrency),
      directPosts: z.number().int().min(0).max(500).default(DELIVERY_DEFAULTS.directPosts),
    })
    .default(DELIVERY_DEFAULTS),
  pacing: pacingSchema,
  http: httpSchema,
  access: accessSchema,
  escalation: escalationSchema,
  heartbeats: heartbeatsSchema,
  services: servicesSchema,
  triggers: triggerRulesSchema,
  opsCycle: opsCycleSchema,
  dashboard: dashboardSchema,
  governance: governanceSchema,
  })
  .superRefine((config, ctx) => {
    const known = new Set(Object.keys(config.escalation.policies));
    const check = (name: string, path: (string | number)[]) => {
      if (name !== 'none' && !known.has(name)) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `no escalation policy ${JSON.stringify(name)}; known: ${[...known, 'none'].join(', ')}`,
        });
      }
    };
    config.routes.forEach((route, i) => route.escalation && check(route.escalation, ['routes', i, 'escalation']));
    for (const [severity, name] of Object.entries(config.escalation.bySeverity)) {
      if (name) check(name, ['escalation', 'bySeverity', severity]);
    }
    config.triggers.forEach((rule, i) => {
      if (!rule.heal) return;
      const service = config.services.find((s) => s.name === rule.heal!.service);
      const actions = service ? [...(service.command ? ['restart'] : []), ...Object.keys(service.actions)] : [];
      if (!service) {
        ctx.addIssue({ code: 'custom', path: ['triggers', i, 'heal', 'service'], message: `no service ${JSON.stringify(rule.heal.service)} under services:` });
      } else if (!actions.includes(rule.heal.action)) {
        ctx.addIssue({ code: 'custom', path: ['triggers', i, 'heal', 'action'], message: `${service.name} has no action ${JSON.stringify(rule.heal.action)}; its actions: ${actions.join(', ') || 'none'}` });
      }
    });
  });

export type FileConfig = z.infer<typeof fileConfigSchema>;
export type RouteConfig = FileConfig['routes'][number];
