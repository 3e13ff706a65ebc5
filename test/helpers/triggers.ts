import { evaluateRule } from '../../src/triggers/evaluate.js';
import { decideFire, INITIAL_FIRE_STATE, type FireReason, type FireState } from '../../src/triggers/fire-state.js';
import { triggerRuleSchema, type TriggerRule, type TriggerRuleInput } from '../../src/config/trigger-schema.js';
import type { Point } from '../../src/triggers/series.js';

export const MINUTE = 60_000;

export function rule(input: Partial<TriggerRuleInput> & Pick<TriggerRuleInput, 'kind'> & Record<string, unknown>): TriggerRule {
  return triggerRuleSchema.parse({ name: 'r', metric: 'm', severity: 'WARN', ...input });
}

/** Points at minute 1, 2, 3, … with these values. */
export function perMinute(values: number[], startMinute = 1): Point[] {
  return values.map((value, i) => ({ time: (startMinute + i) * MINUTE, value }));
}

export interface Step {
  minute: number;
  fire: boolean;
  reason: FireReason;
}

/** Evaluates the rule at each given minute over all points (those after the minute are ignored) and applies decideFire. */
export function drive(triggerRule: TriggerRule, points: Point[], minutes: number[]): Step[] {
  let state: FireState = INITIAL_FIRE_STATE;
  return minutes.map((minute) => {
    const now = minute * MINUTE;
    const decision = decideFire(state, evaluateRule(triggerRule, points, now), now, triggerRule.cooldown);
    state = decision.nextState;
    return { minute, fire: decision.fire, reason: decision.reason };
  });
}

/** The minutes at which the rule fired. */
export function fireMinutes(steps: Step[]): number[] {
  return steps.filter((step) => step.fire).map((step) => step.minute);
}

/** Every minute a point exists at. */
export function sampleMinutes(points: Point[]): number[] {
  return points.map((point) => point.time / MINUTE);
}
