import { escapeHtml, raw, type SafeHtml } from './html.js';
import type { Slot } from '../heal/uptime-buckets.js';

const WIDTH = 288;
const HEIGHT = 18;

const num = (value: number) => String(Math.round(value * 10) / 10);

/**
 * The state history of one service as an inline SVG strip over [from, to): one column per slot,
 * green for the share it was up, red for the share it was down, grey where nothing was known.
 * Drawn as a red background with one green and one grey path on top, to keep the page small.
 */
export function historyChart(service: string, slots: readonly Slot[], from: number, to: number): SafeHtml {
  const scale = WIDTH / (to - from);
  let up = '';
  let unknown = '';
  for (const slot of slots) {
    const x = num((slot.start - from) * scale);
    const w = num(Math.max(0.5, (slot.end - slot.start) * scale));
    if (slot.knownMs === 0) {
      unknown += `M${x} 0h${w}v${HEIGHT}h-${w}z`;
      continue;
    }
    const upHeight = (slot.upMs / slot.knownMs) * HEIGHT;
    if (upHeight > 0) up += `M${x} ${num(HEIGHT - upHeight)}h${w}V${HEIGHT}h-${w}z`;
  }
  const label = escapeHtml(`${service}: state over the last 24 hours (green up, red down, grey unknown)`);
  return raw(
    `<svg class="history" role="img" aria-label="${label}" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">` +
      `<title>${label}</title><rect class="down" width="${WIDTH}" height="${HEIGHT}"/>` +
      (up ? `<path class="up" d="${up}"/>` : '') +
      (unknown ? `<path class="unknown" d="${unknown}"/>` : '') +
      '</svg>',
  );
}
