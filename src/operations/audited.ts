import type { Actor } from './actor.js';
import { auditResultOf, type OperationResult } from './results.js';
import { statement } from './wording.js';

/**
 * Runs an operation and writes its one audit row: the outcome's result and sentence, or `error`
 * with the message when it throws (the error goes on to the caller).
 */
export async function audited<R extends OperationResult>(actor: Actor, operate: () => R | Promise<R>): Promise<R> {
  let result: R;
  try {
    result = await operate();
  } catch (error) {
    await actor.audit('error', error instanceof Error ? error.message : String(error));
    throw error;
  }
  await actor.audit(auditResultOf(result), statement(result));
  return result;
}
