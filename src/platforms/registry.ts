import type { Logger } from 'pino';
import type { EnvConfig } from '../config/env-schema.js';
import type { FileConfig } from '../config/file-schema.js';
import type { Platform } from '../shared/types.js';
import type { CommandShape } from '../shared/chat.js';
import type { ChannelAdapter } from './adapter.js';
import type { PlatformModule } from './platform.js';
import type { SetupCheck } from '../shared/setup-check.js';
import { discordPlatform } from './discord/platform.js';
import { telegramPlatform } from './telegram/platform.js';

/** Every chat platform's module; its settings are listed in settings.ts, and the type asks for a module per settings entry. */
export const PLATFORM_MODULES: Record<Platform, PlatformModule> = {
  discord: discordPlatform,
  telegram: telegramPlatform,
};

export function createAdapters(env: EnvConfig, file: FileConfig): Partial<Record<Platform, ChannelAdapter>> {
  const adapters: Partial<Record<Platform, ChannelAdapter>> = {};
  for (const module of Object.values(PLATFORM_MODULES)) {
    const adapter = module.createAdapter(env, file);
    if (adapter) adapters[module.name] = adapter;
  }
  return adapters;
}

/** The one start-up line that says which chat platforms deliver and which keep alerts waiting. */
export function describeChannels(env: EnvConfig): Record<Platform, string> {
  return Object.fromEntries(Object.values(PLATFORM_MODULES).map((module) => [module.name, module.describe(env)])) as Record<Platform, string>;
}

/** Logs who each configured token belongs to, or loudly that the platform refused it. Never blocks start-up. */
export function checkIdentities(adapters: Partial<Record<Platform, ChannelAdapter>>, log: Logger): void {
  for (const adapter of Object.values(adapters)) {
    adapter.whoAmI().then(
      (identity) => log.info({ platform: adapter.platform, identity }, `${adapter.platform}: signed in`),
      (error: unknown) =>
        log.error(
          { platform: adapter.platform, reason: error instanceof Error ? error.message : String(error) },
          `${adapter.platform}: the platform refused the token or is unreachable; deliveries will retry`,
        ),
    );
  }
}

/** `opsbot deploy-commands`: registers the commands with every platform that keeps a list of its own; one line each. */
export async function deployCommands(env: EnvConfig, commands: readonly CommandShape[]): Promise<string[]> {
  const lines: string[] = [];
  for (const module of Object.values(PLATFORM_MODULES)) {
    if (module.commandDeployment) lines.push(await module.commandDeployment.deploy(env, commands));
  }
  return lines;
}

/** What `opsbot help` says deploy-commands needs. */
export const COMMAND_DEPLOYMENT_NEEDS = Object.values(PLATFORM_MODULES).flatMap((module) => (module.commandDeployment ? [module.commandDeployment.needs] : [])).join('; ');

/** `opsbot doctor`'s platform lines: each platform's token, and each of its destinations in `destinations`. */
export async function checkPlatformSetup(env: EnvConfig, destinations: Array<{ platform: Platform; destination: string }>, timeoutMs: number): Promise<SetupCheck[]> {
  const checks: SetupCheck[] = [];
  for (const module of Object.values(PLATFORM_MODULES)) {
    const ids = destinations.filter((d) => d.platform === module.name).map((d) => d.destination);
    checks.push(...(await module.checkSetup(env, ids, timeoutMs)));
  }
  return checks;
}
