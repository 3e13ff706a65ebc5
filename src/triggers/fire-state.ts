import { formatSpan } from './format.js';

/**
 * What the engine remembers per rule and series between evaluations (plain data, stored as a row).
 * `breached`: the current breach has already fired, so the rule stays quiet until the value is back to normal.
 * `lastFiredAt`: epoch milliseconds of the last fire, for the cooldown.
 */
export interface FireState {
  breached: boolean;
  lastFiredAt: number | null;
}

export const INITIAL_FIRE_STATE: FireState = { breached: false, lastFiredAt: null };

/**
 * - `fired`: a breach that has not fired yet, outside the cooldown;
 * - `still-breached`: the breach that already fired goes on;
 * - `cooling-down`: a new breach within the cooldown of the last fire; it fires once the cooldown is over if it lasts;
 * - `recovered`: back to normal after a fired breach; the rule is armed again;
 * - `normal`: nothing to do;
 * - `no-data`: the evaluation had no value; the state is kept as it was.
 */
export type FireReason = 'fired' | 'still-breached' | 'cooling-down' | 'recovered' | 'normal' | 'no-data';

export interface FireDecision {
  fire: boolean;
  nextState: FireState;
  reason: FireReason;
  /** The reason as a sentence for logs and `opsbot triggers`. */
  explanation: string;
}

/** Once per breach, never within `cooldownMs` of the last fire. */
export function decideFire(
  state: FireState,
  evaluation: { value: number | null; breached: boolean },
  now: number,
  cooldownMs: number,
): FireDecision {
  if (evaluation.value === null) {
    return { fire: false, nextState: state, reason: 'no-data', explanation: 'not enough data; state unchanged' };
  }
  if (!evaluation.breached) {
    return state.breached
      ? { fire: false, nextState: { ...state, breached: false }, reason: 'recovered', explanation: 'back to normal; armed again' }
      : { fire: false, nextState: state, reason: 'normal', explanation: 'within limits' };
  }
  if (state.breached) {
    return { fire: false, nextState: state, reason: 'still-breached', explanation: 'the breach that fired goes on' };
  }
  if (state.lastFiredAt !== null && now - state.lastFiredAt < cooldownMs) {
    const left = formatSpan(state.lastFiredAt + cooldownMs - now);
    return { fire: false, nextState: state, reason: 'cooling-down', explanation: `breached, but the cooldown has ${left} left` };
  }
  return { fire: true, nextState: { breached: true, lastFiredAt: now }, reason: 'fired', explanation: 'breached; fired' };
}
