import type { ActionConfig, StepConfig } from '../config/service-schema.js';
import { describeOutcome, runCommand } from './run-command.js';

export interface ActionResult {
  ok: boolean;
  exitCode: number | null;
  outputTail: string;
  detail: string;
}

/** The steps of an action, in order: its `steps`, or its one command or HTTP call. */
export function stepsOf(action: ActionConfig): StepConfig[] {
  if (action.steps) return action.steps;
  return [{ ...(action.command ? { command: action.command } : {}), ...(action.http ? { http: action.http } : {}), timeout: action.timeout, env: action.env }];
}

/** What a step runs, as the heal run records it: the command line, `POST <url>`, or `restart`. */
export function describeStep(step: StepConfig): string {
  if (step.restart) return 'restart';
  if (step.command) return step.command.join(' ');
  return `${step.http!.method} ${step.http!.url}`;
}

/** Runs one command or HTTP step: its fixed command line (in the service's `cwd`, with its `env` and the step's own), or its HTTP call. */
export async function executeStep(step: StepConfig, service: { cwd?: string | undefined; env: Readonly<Record<string, string>> }): Promise<ActionResult> {
  if (step.command) {
    const env = { ...service.env, ...step.env };
    const outcome = await runCommand(step.command, { timeoutMs: step.timeout, env, ...(service.cwd ? { cwd: service.cwd } : {}) });
    return { ok: outcome.exitCode === 0, exitCode: outcome.exitCode, outputTail: outcome.outputTail, detail: describeOutcome(outcome, step.timeout) };
  }
  const http = step.http!;
  try {
    const response = await fetch(http.url, { method: http.method, signal: AbortSignal.timeout(step.timeout) });
    const text = (await response.text()).slice(-4_096);
    const ok = http.expectStatus ? response.status === http.expectStatus : response.status >= 200 && response.status < 300;
    return { ok, exitCode: null, outputTail: text, detail: `HTTP ${response.status}` };
  } catch (error) {
    return { ok: false, exitCode: null, outputTail: '', detail: `HTTP call failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}
