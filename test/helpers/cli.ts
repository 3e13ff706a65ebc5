import { execFile } from 'node:child_process';
import { run } from '../../src/cli/run.js';
import { TEST_API_TOKEN } from './bot.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs an `opsbot` command in this process, with exactly the environment `env` (nothing inherited). */
export async function runCliWithEnv(args: string[], env: Record<string, string>): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env });
  return { code: code ?? 0, stdout, stderr };
}

const cliEnv = (url: string, env: Record<string, string>) => ({ OPSBOT_URL: url, API_TOKEN: TEST_API_TOKEN, USER: 'tester', ...env });

/** Runs an `opsbot` command in this process against the bot at `url`, as user "tester" with the test API token. */
export function runCli(url: string, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runCliWithEnv(args, cliEnv(url, env));
}

/** Runs the `opsbot` binary from source as its own process, as a user's shell would. */
export function spawnCli(url: string, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      { env: { PATH: process.env.PATH ?? '', ...cliEnv(url, env) } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}
