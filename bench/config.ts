/** The OPSBOT_CONFIG YAML the bench writes for each phase, and the destination ids it uses. */

export interface BenchRoute {
  service: string;
  discord: string;
  telegram: string;
}

/** Discord ids are numeric strings (snowflakes); private Telegram chats are positive, groups negative. */
export function benchRoutes(prefix: string, count: number, telegramGroups: boolean): BenchRoute[] {
  return Array.from({ length: count }, (_, i) => ({
    service: `${prefix}-${i}`,
    discord: String(900_000_000_000_000_000n + BigInt(i + (telegramGroups ? 5_000 : 0))),
    telegram: telegramGroups ? String(-1_001_000_000_000 - i) : String(700_000_000 + i),
  }));
}

/**
 * The fakes enforce no bot-wide limit; a phase that measures the pipeline itself may lift opsbot's
 * own bot-wide budgets (pacing.discordGlobal / telegramGlobal) with `globalPerSecond`.
 */
export function benchYaml(
  routes: BenchRoute[],
  http: { bodyLimitBytes: number; maxAlertsPerRequest: number },
  globalPerSecond?: number,
  deliverConcurrency?: number,
): string {
  const lines = ['routes:'];
  for (const route of routes) {
    lines.push(
      `  - name: ${route.service}`,
      `    match: { service: ${route.service} }`,
      `    discord: ["${route.discord}"]`,
      `    telegram: ["${route.telegram}"]`,
    );
  }
  if (globalPerSecond !== undefined) {
    const budget = `{ perSecond: ${globalPerSecond}, burst: ${Math.ceil(globalPerSecond / 10)} }`;
    lines.push('pacing:', `  discordGlobal: ${budget}`, `  telegramGlobal: ${budget}`);
  }
  if (deliverConcurrency !== undefined) lines.push('delivery:', `  concurrency: ${deliverConcurrency}`);
  lines.push('http:', `  bodyLimitBytes: ${http.bodyLimitBytes}`, `  maxAlertsPerRequest: ${http.maxAlertsPerRequest}`, '');
  return lines.join('\n');
}
