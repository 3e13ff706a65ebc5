import { appendFile } from 'node:fs/promises';
import type { Logger } from 'pino';

/** Appends one recovery event as a JSON line to the autoheal log under the data dir; never throws. */
export async function appendAutoheal(path: string, entry: Record<string, unknown>, log: Logger): Promise<void> {
  await appendFile(path, `${JSON.stringify({ at: new Date().toISOString(), ...entry })}\n`).catch((error: unknown) =>
    log.error({ err: error }, 'could not append to the autoheal log'),
  );
}
