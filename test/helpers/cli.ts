import { execFile } from 'node:child_process';
import { TEST_API_TOKEN } from './bot.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the `opsbot` CLI from source against the bot at `url`, as user "tester" with the test API token. */
export function runCli(url: string, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      { env: { PATH: process.env.PATH ?? '', OPSBOT_URL: url, API_TOKEN: TEST_API_TOKEN, USER: 'tester', ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}
