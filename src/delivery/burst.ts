import type { Platform } from '../shared/types.js';
import type { DeliveryWork } from '../shared/work.js';

/** A batch's new deliveries per destination, and whether they are more than the destination's burst. */
export function plannedByDestination(work: DeliveryWork[], burstFor: (platform: Platform, destination: string) => number) {
  const groups = new Map<string, DeliveryWork[]>();
  for (const w of work) {
    if (!w.planned) continue;
    const key = `${w.platform}\n${w.destination}`;
    const list = groups.get(key);
    if (list) list.push(w);
    else groups.set(key, [w]);
  }
  return [...groups.values()].map((planned) => ({
    planned,
    beyondBurst: planned.length > burstFor(planned[0]!.platform, planned[0]!.destination),
  }));
}
