import { SECRET_ENV_VARS } from '../config/env-schema.js';

/**
 * The environment of every process opsbot starts (supervised services, heal commands, command
 * probes): opsbot's own environment without its secrets, plus what the config entry sets in `env:`.
 */
export function childEnv(configured: Readonly<Record<string, string>> = {}, parent: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(parent)) if (value !== undefined) env[key] = value;
  for (const secret of SECRET_ENV_VARS) delete env[secret];
  return { ...env, ...configured };
}
