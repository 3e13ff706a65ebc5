import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { formatIssuePath } from '../validation.js';
import { envSchema, type EnvConfig } from './env-schema.js';
import { fileConfigSchema, type FileConfig } from './file-schema.js';

export interface Config {
  env: EnvConfig;
  file: FileConfig;
  /** Absolute path of the YAML file read, or null when running on embedded defaults. */
  configPath: string | null;
}

/** A configuration problem a user can fix; its message names the key, the problem and the file. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Values of keys whose name (or a parent's) says it holds a secret never appear in error messages. */
const SECRET_KEYS = /token|secret|passw|credential|api_?key|redis_url|database_url/i;

export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const env = parseEnv(environment);
  const configPath = chooseConfigPath(env.OPSBOT_CONFIG);
  const file = configPath ? parseConfigFile(configPath) : fileConfigSchema.parse({});
  return { env, file, configPath };
}

function parseEnv(environment: NodeJS.ProcessEnv): EnvConfig {
  const result = envSchema.safeParse(environment);
  if (result.success) return result.data;
  throw new ConfigError(`invalid environment:\n${describeIssues(result.error, (key) => environment[key])}`);
}

function chooseConfigPath(explicit: string | undefined): string | null {
  if (explicit) {
    const path = resolve(explicit);
    if (!existsSync(path)) throw new ConfigError(`OPSBOT_CONFIG points at ${path}, which does not exist`);
    return path;
  }
  const fallback = resolve('opsbot.yaml');
  return existsSync(fallback) ? fallback : null;
}

export function parseConfigFile(path: string): FileConfig {
  return parseConfigText(readFileSync(path, 'utf8'), path);
}

export function parseConfigText(text: string, path: string): FileConfig {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    const details = document.errors.map((e) => `  ${e.message}`).join('\n');
    throw new ConfigError(`${path} is not valid YAML:\n${details}`);
  }
  const raw: unknown = document.toJS() ?? {};
  const result = fileConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new ConfigError(`invalid config in ${path}:\n${describeIssues(result.error, (key) => valueAt(raw, key))}`);
}

function describeIssues(error: z.ZodError, valueOf: (path: string) => unknown): string {
  return error.issues
    .map((issue) => {
      const path = formatIssuePath(issue.path);
      const value = path && !SECRET_KEYS.test(path) ? valueOf(path) : undefined;
      const got = value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
      return `  ${path || '(top level)'}: ${issue.message}${got}`;
    })
    .join('\n');
}

function valueAt(root: unknown, dottedPath: string): unknown {
  const parts = dottedPath.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '');
  let node: unknown = root;
  for (const part of parts) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'object' ? undefined : node;
}
