import type { ActionConfig } from '../config/service-schema.js';
import { describeOutcome, runCommand } from './run-command.js';

export interface ActionResult {
  ok: boolean;
  exitCode: number | null;
  outputTail: string;
  detail: string;
}

/** Runs one configured action: its fixed command line (in the service's `cwd`, with its `env` and the action's own), or its HTTP call. */
export async function executeAction(action: ActionConfig, service: { cwd?: string | undefined; env: Readonly<Record<string, string>> }): Promise<ActionResult> {
  if (action.command) {
    const env = { ...service.env, ...action.env };
    const outcome = await runCommand(action.command, { timeoutMs: action.timeout, env, ...(service.cwd ? { cwd: service.cwd } : {}) });
    return { ok: outcome.exitCode === 0, exitCode: outcome.exitCode, outputTail: outcome.outputTail, detail: describeOutcome(outcome, action.timeout) };
  }
  const http = action.http!;
  try {
    const response = await fetch(http.url, { method: http.method, signal: AbortSignal.timeout(action.timeout) });
    const text = (await response.text()).slice(-4_096);
    const ok = http.expectStatus ? response.status === http.expectStatus : response.status >= 200 && response.status < 300;
    return { ok, exitCode: null, outputTail: text, detail: `HTTP ${response.status}` };
  } catch (error) {
    return { ok: false, exitCode: null, outputTail: '', detail: `HTTP call failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}
