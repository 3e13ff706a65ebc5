import type { Logger } from 'pino';
import type { ServiceConfig } from '../config/service-schema.js';
import type { ServiceRecords } from './service-records.js';

/** Who switched a service off (or back on) because of `enabled:` in the config file. */
const CONFIG_FILE = 'the config file';

/**
 * `enabled: false` in the config file switches the service off; `enabled: true` switches it back
 * on only when the config file was what switched it off (maintenance from chat, the API or the
 * dashboard stays). Returns whether the service is enabled now.
 */
export async function applyConfigSwitch(records: ServiceRecords, config: ServiceConfig, enabled: boolean, log: Logger): Promise<boolean> {
  if (!config.enabled && enabled) {
    await records.setEnabled(config.name, false, CONFIG_FILE);
    log.info({ service: config.name }, 'service is off: enabled: false in the config file');
    return false;
  }
  if (config.enabled && !enabled && (await records.lastSwitchedBy(config.name)) === CONFIG_FILE) {
    await records.setEnabled(config.name, true, CONFIG_FILE);
    return true;
  }
  return enabled;
}
