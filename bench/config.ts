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

export function benchYaml(routes: BenchRoute[], http: { bodyLimitBytes: number; maxAlertsPerRequest: number }): string {
  const lines = ['routes:'];
  for (const route of routes) {
    lines.push(
      `  - name: ${route.service}`,
      `    match: { service: ${route.service} }`,
      `    discord: ["${route.discord}"]`,
      `    telegram: ["${route.telegram}"]`,
    );
  }
  // Pacing stays at the defaults of src/config/file-schema.ts on purpose.
  lines.push('http:', `  bodyLimitBytes: ${http.bodyLimitBytes}`, `  maxAlertsPerRequest: ${http.maxAlertsPerRequest}`, '');
  return lines.join('\n');
}
